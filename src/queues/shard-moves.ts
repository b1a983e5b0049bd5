// Moves a user between shard databases (domain/shards/move.ts), one user per message. A retry
// resumes the move where the last attempt stopped; a refusal (already there, an import running)
// is logged and dropped rather than retried.
import { moveUser } from "../domain/shards/move";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";
import type { QueueHandler } from "./types";

export const SHARD_MOVE = "shard_move";

export const shardMoveMessage = (userId: number, to: number) => ({ kind: SHARD_MOVE, user_id: userId, to });

export const shardMove: QueueHandler = async (body, env, meta) => {
  const userId = Number(body.user_id);
  const to = Number(body.to);
  if (meta.deadLettered) {
    log.error("shard move gave up", { user_id: userId, to });
    return;
  }
  try {
    await moveUser(env, userId, to);
  } catch (err) {
    if (err instanceof AppError && err.code !== "internal") {
      log.warn("shard move refused", { user_id: userId, to, error: err.message });
      return;
    }
    throw err;
  }
};
