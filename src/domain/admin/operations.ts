// Operator actions beyond Hackatime's admin API: rebuilding derived data.
import { userIdsAfter } from "../../db/users";
import { AppError } from "../../lib/errors";
import { rebuildMessage } from "../../queues/rebuild-aggregates";

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
