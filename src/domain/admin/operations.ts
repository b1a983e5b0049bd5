// Operator actions beyond Hackatime's admin API: rebuilding derived data, moving users between shards.
import { setStaleShard, userIdsAfter } from "../../db/users";
import { AppError } from "../../lib/errors";
import { rebuildMessage } from "../../queues/rebuild-aggregates";
import { shardMoveMessage } from "../../queues/shard-moves";
import { checkMovable } from "../shards/move";

/** Users per page, and so per queue batch (a batch holds at most 100 messages). */
const PAGE = 100;

/**
 * Queues a rebuild of one user's (`userId`) or every user's (`all`) projection; how many
 * rebuilds were queued. 422 when neither is given.
 */
export async function queueAggregateRebuilds(env: Env, target: { userId?: number; all?: boolean }): Promise<number> {
  if (target.userId) {
    await env.IMPORTS.send(rebuildMessage(target.userId));
    return 1;
  }
  if (!target.all) throw new AppError("invalid_parameter", "give user_id or all: true");
  let after = 0;
  let queued = 0;
  for (;;) {
    const ids = await userIdsAfter(env.DB, after, PAGE);
    if (ids.length === 0) break;
    await env.IMPORTS.sendBatch(ids.map((id) => ({ body: rebuildMessage(id) })));
    queued += ids.length;
    after = ids[ids.length - 1];
  }
  return queued;
}

/** Checks that the move can start (404/409/422 now rather than in the queue), then queues it. */
export async function queueShardMove(env: Env, userId: number, to: number): Promise<{ user_id: number; from: number; to: number }> {
  const user = await checkMovable(env, userId, to);
  // Marked before it is queued, so whoever follows the move sees it under way from now on.
  if (user.shard !== to) await setStaleShard(env.DB, userId, to);
  await env.IMPORTS.send(shardMoveMessage(userId, to));
  return { user_id: userId, from: user.shard, to };
}
