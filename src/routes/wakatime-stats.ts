import { createRouter } from "../lib/router";

export const wakatimeStatsRouter = createRouter();
