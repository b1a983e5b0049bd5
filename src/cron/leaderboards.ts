// Leaderboard builds (hackatime-behavior.md §7): the daily board every minute, the
// last-7-days board every 7 minutes. Each run starts a build (unless one of the same period
// and date is in progress) and fans it out to the queue, then prunes superseded snapshots.
// Both steps are bounded: ≤ 10 000 candidates per fan-out step, ≤ 50 000 pruned rows.
import { pruneBoards, startBuild, type LeaderboardPeriod } from "../domain/leaderboards";
import { log } from "../lib/log";
import type { CronJob } from "./types";

const build =
  (period: LeaderboardPeriod): CronJob =>
  async (env, controller) => {
    const started = await startBuild(env, period, controller.scheduledTime / 1000);
    const pruned = await pruneBoards(env, period);
    log.debug("leaderboard cron", { period, leaderboard_id: started?.id ?? null, pages: started?.pages ?? 0, more: started?.more ?? false, pruned_boards: pruned.boards });
  };

/** Cron expression → jobs. */
export const leaderboardJobs: Record<string, CronJob[]> = {
  "* * * * *": [build("daily")],
  "*/7 * * * *": [build("last_7_days")],
};
