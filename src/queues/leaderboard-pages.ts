// Leaderboard builds through the queue (domain/leaderboards.ts): one message per page of
// ≤ 100 user ids, and fan-out continuations for boards with more candidates than one step takes.
import { log } from "../lib/log";
import { LEADERBOARD_FANOUT, LEADERBOARD_PAGE, buildPage, continueFanOut } from "../domain/leaderboards";
import type { QueueHandler } from "./types";

const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0) : []);

const page: QueueHandler = async (body, env, meta) => {
  const boardId = Number(body.leaderboard_id);
  if (meta.deadLettered) {
    // The board never finishes; the next cron run starts a fresh one once it is stale.
    log.error("leaderboard page gave up", { leaderboard_id: boardId, users: ids(body.user_ids).length });
    return;
  }
  await buildPage(env, boardId, ids(body.user_ids));
};

const fanout: QueueHandler = async (body, env, meta) => {
  const boardId = Number(body.leaderboard_id);
  if (meta.deadLettered) {
    log.error("leaderboard fan-out gave up", { leaderboard_id: boardId });
    return;
  }
  await continueFanOut(env, boardId, Number(body.after_user_id) || 0);
};

/** Queue message kinds → handlers for leaderboard builds. */
export const leaderboardQueueHandlers: Record<string, QueueHandler> = {
  [LEADERBOARD_PAGE]: page,
  [LEADERBOARD_FANOUT]: fanout,
};
