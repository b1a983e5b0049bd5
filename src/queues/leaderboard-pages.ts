import type { QueueHandler } from "./types";

/** Queue message kinds → handlers for leaderboard builds. */
export const leaderboardQueueHandlers: Record<string, QueueHandler> = {};
