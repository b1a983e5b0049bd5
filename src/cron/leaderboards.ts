// Leaderboard builds (hackatime-behavior.md §7): the daily board every minute, the
// last-7-days board every 7 minutes. Each run builds its board in this invocation (a few
// statements per heartbeat database, domain/leaderboards.ts), then prunes superseded
// snapshots (≤ 50 000 entry rows) and, on the daily trigger, buckets no window reaches any
// more (≤ 100 000 rows per kind and database).
import { buildBoard, pruneBoards, pruneLeaderboardInputs, type LeaderboardPeriod } from "../domain/leaderboards";
import { log } from "../lib/log";
import type { CronJob } from "./types";

const build =
  (period: LeaderboardPeriod): CronJob =>
  async (env, controller) => {
    const now = controller.scheduledTime / 1000;
    const built = await buildBoard(env, period, now);
    const pruned = await pruneBoards(env, period);
    const buckets = period === "daily" ? await pruneLeaderboardInputs(env, now) : 0;
    if (!built) log.info("leaderboard build already in progress", { period });
    log.debug("leaderboard cron", { period, leaderboard_id: built?.id ?? null, ranked: built?.ranked ?? 0, pruned_boards: pruned.boards, pruned_buckets: buckets });
  };

/** Cron expression → jobs. */
export const leaderboardJobs: Record<string, CronJob[]> = {
  "* * * * *": [build("daily")],
  "*/7 * * * *": [build("last_7_days")],
};
