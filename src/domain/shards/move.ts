// Moving a user's heartbeats from one shard database to another while they keep posting.
//
//   1. users.stale_shard := target (cross-user sums skip the partial copy there)
//   2. UserActivity.beginMove: from now on every write the object stores is copied to the target
//      too (the object is the user's single writer, so no write can slip past it)
//   3. copyStep until done: pages of whole rows (ids included) in (time, id) order; a row the
//      double-write already copied is skipped by its id
//   4. finishMove, between two writes: active days copied, then both sides compared (rows, live
//      rows, all-time capped total); equal → users.shard := target, stale_shard := source
//      and the object writes all its leaderboard buckets to the target
//   5. the source's rows (heartbeats, buckets, streak) deleted, then stale_shard := null
// Any step may run again (a retried queue message resumes where the last one stopped). A failed
// comparison aborts: the target's copy is deleted and the user stays where they were.
import { activeImportOf } from "../../db/imports";
import { ALL_TIME, deleteUserRowsPage, heartbeatCounts } from "../../db/shard-moves";
import { boundaryAwareTotalMicros } from "../../db/durations";
import { deleteBucketsOf } from "../../db/leaderboard-buckets";
import { TIMEOUT_MICROS } from "../durations/dimensions";
import { shardAt, shards } from "../../db/shards";
import { setStaleShard, userById, userCountsByShard, usersWithStaleShard } from "../../db/users";
import type { UserRow } from "../../db/schema";
import { userActivity } from "../../durable/stub";
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";
import { safeTimeZone } from "../../lib/time";

/** Rows per copy step (one D1 read and one D1 write, the JSON parameter well under D1's limits). */
export const MOVE_PAGE = 200;
/** Rows per delete statement on the source after the switch. */
export const DELETE_PAGE = 1000;

export interface MoveReport {
  user_id: number;
  from: number;
  to: number;
  heartbeats: number;
  live: number;
  total_seconds: number;
  copy_steps: number;
}

/** Refuses a move that cannot start: unknown user or shard, already there, an import running. */
export async function checkMovable(env: Env, userId: number, to: number): Promise<UserRow> {
  const user = await userById(env.DB, userId);
  if (!user) throw new AppError("not_found", "User not found");
  const count = shards(env).length;
  if (!Number.isInteger(to) || to < 0 || to >= count) throw new AppError("invalid_parameter", `to must be a shard index from 0 to ${count - 1}`);
  if (user.shard === to && user.staleShard === null) throw new AppError("conflict", `user ${userId} is already on shard ${to}`);
  if (user.staleShard !== null && user.staleShard !== to && user.shard !== to) throw new AppError("conflict", `user ${userId} is being moved to shard ${user.staleShard}`);
  if (await activeImportOf(env.DB, userId)) throw new AppError("conflict", "an import is running for this user; move after it ends");
  return user;
}

export async function moveUser(env: Env, userId: number, to: number, opts: { pageSize?: number } = {}): Promise<MoveReport> {
  const user = await checkMovable(env, userId, to);
  const tz = safeTimeZone(user.timezone);
  const stub = userActivity(env, userId);
  let from = user.shard;
  let steps = 0;
  let report: MoveReport | null = null;

  if (user.shard !== to) {
    await setStaleShard(env.DB, userId, to);
    ({ from } = await stub.beginMove(userId, tz, to));
    for (let done = false; !done; steps++) ({ done } = await stub.copyStep(userId, tz, opts.pageSize ?? MOVE_PAGE));
    const check = await stub.finishMove(userId, tz);
    if (check && !check.ok) {
      await stub.abortMove(userId, tz);
      await emptyShard(env, to, userId);
      await setStaleShard(env.DB, userId, null);
      log.error("shard move failed its check", { user_id: userId, from, to, source: check.source, target: check.target });
      throw new AppError("conflict", `the copy on shard ${to} did not match shard ${from}; the user stays on shard ${from}`);
    }
    if (check) report = { user_id: userId, from, to, heartbeats: check.target.rows, live: check.target.live, total_seconds: Math.round(check.target.micros / 1e6), copy_steps: steps };
  } else {
    from = user.staleShard!; // switched before; resume the clean-up
  }

  await emptyShard(env, from, userId);
  await setStaleShard(env.DB, userId, null);
  if (!report) {
    const db = shardAt(env, to).db;
    const counts = await heartbeatCounts(db, userId);
    report = { user_id: userId, from, to, heartbeats: counts.rows, live: counts.live, total_seconds: Math.round((await boundaryAwareTotalMicros(db, userId, ALL_TIME, TIMEOUT_MICROS)) / 1e6), copy_steps: 0 };
  }
  log.info("user moved between shards", { ...report });
  return report;
}

/** Deletes the user's heartbeats (in pages), buckets and streak from one shard. */
async function emptyShard(env: Env, shard: number, userId: number): Promise<void> {
  const db = shardAt(env, shard).db;
  while ((await deleteUserRowsPage(db, userId, DELETE_PAGE)) > 0);
  await deleteBucketsOf(db, userId);
}

/** Each shard's user count, the moves under way, and with `userId` that user's shard (404 for nobody). */
export async function shardOverview(env: Env, userId?: number) {
  const [counts, moving, user] = await Promise.all([userCountsByShard(env.DB), usersWithStaleShard(env.DB), userId === undefined ? null : userById(env.DB, userId)]);
  if (userId !== undefined && !user) throw new AppError("not_found", "User not found");
  return {
    shards: shards(env).map((s) => ({ index: s.index, users: counts.get(s.index) ?? 0 })),
    moving: moving.map((m) => ({ user_id: m.id, shard: m.shard, stale_shard: m.staleShard })),
    ...(user ? { user: { id: user.id, shard: user.shard, stale_shard: user.staleShard } } : {}),
  };
}
