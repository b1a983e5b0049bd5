import { createRouter } from "../../lib/router";

export const adminPermissionsRouter = createRouter();
