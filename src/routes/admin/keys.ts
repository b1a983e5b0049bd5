import { createRouter } from "../../lib/router";

export const adminKeysRouter = createRouter();
