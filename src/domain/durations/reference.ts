// The reference implementation of Hackatime's duration rule, as one SQL window query over raw
// heartbeats (db/durations.ts): order by (time, id), each row adds min(gap to the previous row
// of its group, 120 s), the first adds 0. Slow by design (it scans the range); it is the oracle
// the fast paths are tested against, and the fallback for filters no rollup answers.
import { shards, sumAcrossShards, type ShardDb } from "../../db/shards";
import { usersWithStaleShard } from "../../db/users";
import { allUsersTotalMicros, boundaryAwareTotalMicros, leaderboardReferenceMicros, referenceDurationRows, uniqueCodingMicros, type HeartbeatFilter } from "../../db/durations";
import { BROWSER_EDITORS, GROUP_DIMENSIONS, REFERENCE_DIMENSIONS, TIMEOUT_MICROS, microsToSeconds, type BreakdownDimension } from "./dimensions";

export type { HeartbeatFilter };

/** Capped-gap seconds per group value over [start, end) (epoch seconds), or one total with no group. */
export async function referenceDurations(
  d1: ShardDb,
  userId: number,
  range: { start: number; end: number },
  groupBy?: BreakdownDimension,
  filter: HeartbeatFilter = {},
): Promise<Map<string | null, number>> {
  if (groupBy && ![...GROUP_DIMENSIONS, ...REFERENCE_DIMENSIONS].includes(groupBy)) throw new Error(`unknown dimension ${groupBy}`);
  const rows = await referenceDurationRows(d1, userId, range, TIMEOUT_MICROS, groupBy, filter);
  return new Map(rows.map((r) => [r.grp, microsToSeconds(r.micros ?? 0)]));
}

/**
 * Boundary-aware total (hackatime-behavior.md §4.1): the heartbeat just before `start` that
 * passes the filter anchors the chain, so the first row in range is credited its gap to it.
 */
export async function referenceBoundaryAwareTotal(d1: ShardDb, userId: number, range: { start: number; end: number }, filter: HeartbeatFilter = {}): Promise<number> {
  return microsToSeconds(await boundaryAwareTotalMicros(d1, userId, range, TIMEOUT_MICROS, filter));
}

/**
 * Hackatime's unique_total_seconds: gaps in (0, 120] between consecutive category "coding"
 * heartbeats of the given projects; longer gaps are dropped, not capped.
 */
export async function referenceUniqueCodingSeconds(d1: ShardDb, userId: number, range: { start: number; end: number }, projects: string[]): Promise<number> {
  return microsToSeconds(await uniqueCodingMicros(d1, userId, range, projects, TIMEOUT_MICROS));
}

/**
 * Σ over users of each user's capped-gap total in [start, end) (the aggregate /api/v1/stats):
 * every shard adds up its users, in parallel.
 */
export async function referenceAllUsersTotal(env: Env, range: { start: number; end: number }): Promise<number> {
  // A user being moved has rows in two shards: the partial copy (stale_shard) is left out.
  const moving = await usersWithStaleShard(env.DB);
  const perShard = await Promise.all(
    shards(env).map((s) => allUsersTotalMicros(s.db, range, TIMEOUT_MICROS, moving.filter((m) => m.staleShard === s.index).map((m) => m.id))),
  );
  return microsToSeconds(perShard.reduce((a, b) => a + b, 0));
}

/**
 * Every user's leaderboard score over [start, end) in microseconds: Hackatime's board query
 * (capped LAG partitioned by user over leaderboard-eligible heartbeats, the first 0). Before the
 * board's own rules (over 60 s, red users out).
 */
export async function referenceLeaderboardMicros(env: Env, range: { start: number; end: number }): Promise<Map<number, number>> {
  const rows = await sumAcrossShards(env, (db) => leaderboardReferenceMicros(db, range, TIMEOUT_MICROS, [...BROWSER_EDITORS]));
  return new Map(rows.map((r) => [r.user_id, r.micros ?? 0]));
}
