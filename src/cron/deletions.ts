import type { CronJob } from "./types";

/** Cron expression → jobs. */
export const deletionJobs: Record<string, CronJob[]> = {};
