import { createRouter } from "../lib/router";

export const deletionRouter = createRouter();
