import { createRouter } from "../lib/router";

export const myProjectsRouter = createRouter();
