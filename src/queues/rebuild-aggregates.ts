// Operator repair: rebuild one user's UserActivity projection from their D1 heartbeats.
import { log } from "../lib/log";
import { userById } from "../db/users";
import { userActivity } from "../durable/stub";
import { safeTimeZone } from "../lib/time";
import type { QueueHandler } from "./types";

export const REBUILD_AGGREGATES = "rebuild_aggregates";

export const rebuildMessage = (userId: number) => ({ kind: REBUILD_AGGREGATES, user_id: userId });

export async function rebuildUser(env: Env, userId: number): Promise<{ heartbeats: number } | null> {
  const user = await userById(env.DB, userId);
  if (!user) return null;
  return userActivity(env, user.id).rebuild(user.id, safeTimeZone(user.timezone));
}

export const rebuildAggregates: QueueHandler = async (body, env, meta) => {
  if (meta.deadLettered) {
    log.error("aggregate rebuild gave up", { user_id: body.user_id });
    return;
  }
  await rebuildUser(env, Number(body.user_id));
};
