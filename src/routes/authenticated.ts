import { createRouter } from "../lib/router";

export const authenticatedRouter = createRouter();
