import { createRouter } from "../lib/router";

export const yswsRouter = createRouter();
