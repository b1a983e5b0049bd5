import { createRouter } from "../lib/router";

export const externalRouter = createRouter();
