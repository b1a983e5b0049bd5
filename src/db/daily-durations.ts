// Per-local-day durations straight from heartbeats: the reference for the daily charts when a
// filter has no projection chain (domain/stats/daily.ts). Raw SQL: window functions over a
// json_each list of day bounds. Each local day is its own [start, end) slice of the
// heartbeats_user_time index (one range scan per day, never the user's whole history), and each
// chain restarts at local midnight (LAG partitioned by day), as the projection's rollups count.
import { filterClause, type HeartbeatFilter } from "./durations";
import type { ShardDb } from "./shards";

/** ?1 user, ?2 JSON [[start, end], …] (epoch seconds, one per day), ?3 the gap cap (µs), ?4… the filter's lists. */
export const dailyDurationsSql = (filter: string) => `
  WITH days AS (
    SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS e FROM json_each(?2)
  ),
  day_rows AS (
    SELECT days.i AS d, h.id AS id, CAST(ROUND(h.time * 1000000) AS INTEGER) AS t, h.project AS project
    FROM days JOIN heartbeats h ON h.user_id = ?1 AND h.time >= days.s AND h.time < days.e
    WHERE h.deleted_at IS NULL ${filter}
  ),
  gaps AS (
    SELECT d, project,
      MIN(t - LAG(t) OVER (PARTITION BY d ORDER BY t, id), ?3) AS all_gap,
      MIN(t - LAG(t) OVER (PARTITION BY d, project ORDER BY t, id), ?3) AS project_gap
    FROM day_rows
  )
  SELECT d, project, SUM(all_gap) AS all_micros, SUM(project_gap) AS project_micros FROM gaps GROUP BY d, project`;

export interface DailyDurationRow {
  /** Index into the day list. */
  d: number;
  project: string | null;
  /** This project's rows' share of the day's chain of every heartbeat (sum over a day's rows = the day's total). */
  all_micros: number | null;
  /** The project's own chain that day. */
  project_micros: number | null;
}

/** `capMicros`: the capped-gap rule's cap (domain/durations/dimensions.ts TIMEOUT_MICROS). */
export async function dailyDurationRows(d1: ShardDb, userId: number, dayBounds: Array<[number, number]>, filter: HeartbeatFilter, capMicros: number): Promise<DailyDurationRow[]> {
  if (dayBounds.length === 0) return [];
  // The filter's columns are the heartbeat's; `days` has none of those names.
  const { clause, params } = filterClause(filter, 4);
  const { results } = await d1
    .prepare(dailyDurationsSql(clause))
    .bind(userId, JSON.stringify(dayBounds), capMicros, ...params)
    .all<DailyDurationRow>();
  return results;
}
