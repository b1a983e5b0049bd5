// The reference implementation of Hackatime's duration rule, as one SQL window query over raw
// heartbeats: order by (time, id), each row adds min(gap to the previous row of its group,
// 120 s), the first adds 0. Slow by design (it scans the range); it is the oracle the fast
// paths are tested against, and the fallback for filters no rollup answers.
import { filterClause, type HeartbeatFilter } from "../../db/heartbeat-filter";
import { GROUP_DIMENSIONS, REFERENCE_DIMENSIONS, TIMEOUT_MICROS, microsToSeconds, type BreakdownDimension } from "./dimensions";

export type { HeartbeatFilter };

/** Capped-gap seconds per group value over [start, end) (epoch seconds), or one total with no group. */
export async function referenceDurations(
  d1: D1Database,
  userId: number,
  range: { start: number; end: number },
  groupBy?: BreakdownDimension,
  filter: HeartbeatFilter = {},
): Promise<Map<string | null, number>> {
  if (groupBy && !(GROUP_DIMENSIONS as readonly string[]).includes(groupBy) && !(REFERENCE_DIMENSIONS as readonly string[]).includes(groupBy)) throw new Error(`unknown dimension ${groupBy}`);
  const group = groupBy ?? "NULL";
  const partition = groupBy ? `PARTITION BY ${groupBy}` : "";
  const { clause, params } = filterClause(filter, 5);
  const { results } = await d1
    .prepare(
      `SELECT grp, SUM(gap) AS micros FROM (
         SELECT ${group} AS grp,
           MIN(t - LAG(t) OVER (${partition} ORDER BY t, id), ?4) AS gap
         FROM (SELECT id, ${groupBy ?? "NULL AS _"}, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
               WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${clause})
       ) GROUP BY grp`,
    )
    .bind(userId, range.start, range.end, TIMEOUT_MICROS, ...params)
    .all<{ grp: string | null; micros: number | null }>();
  return new Map(results.map((r) => [r.grp, microsToSeconds(r.micros ?? 0)]));
}

/**
 * Boundary-aware total (hackatime-behavior.md §4.1): the heartbeat just before `start` that
 * passes the filter anchors the chain, so the first row in range is credited its gap to it.
 */
export async function referenceBoundaryAwareTotal(d1: D1Database, userId: number, range: { start: number; end: number }, filter: HeartbeatFilter = {}): Promise<number> {
  const { clause, params } = filterClause(filter, 4);
  const { results } = await d1
    .prepare(
      `WITH picked AS (
         SELECT * FROM (SELECT id, time FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND time < ?2 ${clause} ORDER BY time DESC, id DESC LIMIT 1)
         UNION ALL
         SELECT id, time FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${clause})
       SELECT SUM(gap) AS micros FROM (
         SELECT time, MIN(t - LAG(t) OVER (ORDER BY t, id), ${TIMEOUT_MICROS}) AS gap
         FROM (SELECT id, time, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM picked)
       ) WHERE time >= ?2`,
    )
    .bind(userId, range.start, range.end, ...params)
    .all<{ micros: number | null }>();
  return microsToSeconds(results[0]?.micros ?? 0);
}

/**
 * Hackatime's unique_total_seconds: gaps in (0, 120] between consecutive category "coding"
 * heartbeats of the given projects; longer gaps are dropped, not capped.
 */
export async function referenceUniqueCodingSeconds(d1: D1Database, userId: number, range: { start: number; end: number }, projects: string[]): Promise<number> {
  const row = await d1
    .prepare(
      `SELECT SUM(CASE WHEN gap > 0 AND gap <= ${TIMEOUT_MICROS} THEN gap ELSE 0 END) AS micros FROM (
         SELECT t - LAG(t) OVER (ORDER BY t, id) AS gap FROM (
           SELECT id, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
           WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 AND category = 'coding'
             AND project IN (SELECT value FROM json_each(?4))))`,
    )
    .bind(userId, range.start, range.end, JSON.stringify(projects))
    .first<{ micros: number | null }>();
  return microsToSeconds(row?.micros ?? 0);
}

/** Σ over users of each user's capped-gap total in [start, end) (the aggregate /api/v1/stats). */
export async function referenceAllUsersTotal(d1: D1Database, range: { start: number; end: number }): Promise<number> {
  const row = await d1
    .prepare(
      `SELECT SUM(gap) AS micros FROM (
         SELECT MIN(t - LAG(t) OVER (PARTITION BY user_id ORDER BY t, id), ${TIMEOUT_MICROS}) AS gap FROM (
           SELECT id, user_id, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
           WHERE deleted_at IS NULL AND time >= ?1 AND time < ?2))`,
    )
    .bind(range.start, range.end)
    .first<{ micros: number | null }>();
  return microsToSeconds(row?.micros ?? 0);
}
