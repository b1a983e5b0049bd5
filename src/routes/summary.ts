import { createRouter } from "../lib/router";

export const summaryRouter = createRouter();
