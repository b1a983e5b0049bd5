import { createRouter } from "../lib/router";

export const leaderboardRouter = createRouter();
