import type { CronJob } from "./types";

/** Cron expression → jobs. */
export const leaderboardJobs: Record<string, CronJob[]> = {};
