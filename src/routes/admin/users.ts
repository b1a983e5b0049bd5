import { createRouter } from "../../lib/router";

export const adminUsersRouter = createRouter();
