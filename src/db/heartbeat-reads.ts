// Reads of one user's heartbeats for the stats routes: project lists and totals, activity spans,
// keyset pages, the most recent heartbeat, per-day summaries and active-day counts. Raw SQL:
// window functions (LAG/LEAD), json_each lists of names and day bounds, and `SELECT *` rows keyed
// by column name (db/heartbeat-fields.ts). Every statement is keyed by user and reads a slice of
// heartbeats_user_time (user_id, time, id) or, under a project filter, heartbeats_user_project_time.
// Soft-deleted rows never show.
import type { HeartbeatField, StoredHeartbeat } from "./heartbeat-fields";

/** [start, end] in epoch seconds, both inclusive. */
export interface InclusiveRange {
  start: number;
  end: number;
}

// ---------------------------------------------------------------------------------------------
// Projects

const LIVE_NAMED = "user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time <= ?3 AND project IS NOT NULL AND project != ''";

export const PROJECT_NAMES_SQL = `SELECT DISTINCT project FROM heartbeats WHERE ${LIVE_NAMED} ORDER BY project`;

/** Distinct non-empty project names with a heartbeat in [start, end], by name. */
export async function projectNamesIn(d1: D1Database, userId: number, range: InclusiveRange): Promise<string[]> {
  const { results } = await d1.prepare(PROJECT_NAMES_SQL).bind(userId, range.start, range.end).all<{ project: string }>();
  return results.map((r) => r.project);
}

/** Per project: heartbeat count, first and last time, distinct languages (JSON), repo mapping. Names in ?4 when `withNames`. */
export const PROJECT_STATS_SQL = (withNames: boolean) => `
  SELECT g.project, g.n, g.first_time, g.last_time, g.langs, m.repo_url, m.archived_at
  FROM (
    SELECT project, COUNT(*) AS n, MIN(time) AS first_time, MAX(time) AS last_time,
      json_group_array(DISTINCT language) FILTER (WHERE language IS NOT NULL AND language != '') AS langs
    FROM heartbeats
    WHERE ${LIVE_NAMED} ${withNames ? "AND project IN (SELECT value FROM json_each(?4))" : ""}
    GROUP BY project
  ) g
  LEFT JOIN project_repo_mappings m ON m.user_id = ?1 AND m.project_name = g.project`;

export type ProjectStatsRow = {
  project: string;
  n: number;
  first_time: number;
  last_time: number;
  /** JSON array of the distinct non-empty languages. */
  langs: string;
  repo_url: string | null;
  archived_at: string | null;
};

/** One row per non-empty project with heartbeats in [start, end] (only `names`, when given). */
export async function projectStats(d1: D1Database, userId: number, range: InclusiveRange, names?: string[]): Promise<ProjectStatsRow[]> {
  const params: unknown[] = [userId, range.start, range.end];
  if (names) params.push(JSON.stringify(names));
  const { results } = await d1
    .prepare(PROJECT_STATS_SQL(names !== undefined))
    .bind(...params)
    .all<ProjectStatsRow>();
  return results;
}

// ---------------------------------------------------------------------------------------------
// Spans

/**
 * One index-ordered pass (LAG/LEAD over (time, id)) marks span starts, span ends and project
 * changes inside a span; one running pass carries each span's start and its last project change
 * to the span's closing row; only closing rows come back. A change inside the span has a time
 * ≥ the span's start, a change in an earlier span a time < it (spans are > ?4 s apart).
 * ?1 user, ?2..?3 the inclusive window, ?4 the gap that closes a span, ?5 project names (JSON).
 */
export const SPANS_SQL = (withProjects: boolean) => `
  WITH hb AS (
    SELECT id, time, project,
      LAG(time) OVER w AS prev_time, LEAD(time) OVER w AS next_time, LAG(project) OVER w AS prev_project
    FROM heartbeats
    WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time <= ?3
      ${withProjects ? "AND project IN (SELECT value FROM json_each(?5))" : ""}
    WINDOW w AS (ORDER BY time, id)
  ),
  runs AS (
    SELECT id, time, project, next_time,
      next_time IS NULL OR next_time - time > ?4 AS closes,
      MAX(CASE WHEN prev_time IS NULL OR time - prev_time > ?4 THEN time END) OVER w AS span_start,
      MAX(CASE WHEN prev_time IS NOT NULL AND time - prev_time <= ?4 AND project IS NOT prev_project THEN time END) OVER w AS last_change
    FROM hb
    WINDOW w AS (ORDER BY time, id)
  )
  SELECT span_start AS first_time, time AS last_time, next_time IS NOT NULL AS padded,
    CASE WHEN last_change IS NULL OR last_change < span_start THEN project END AS project
  FROM runs WHERE closes ORDER BY time, id`;

/** A span's first and last heartbeat time, whether more activity follows, its one project (or null). */
export type SpanRow = { first_time: number; last_time: number; padded: number; project: string | null };

export async function spanRows(d1: D1Database, userId: number, range: InclusiveRange, gapSeconds: number, projects?: string[]): Promise<SpanRow[]> {
  const params: unknown[] = [userId, range.start, range.end, gapSeconds];
  if (projects) params.push(JSON.stringify(projects));
  const { results } = await d1
    .prepare(SPANS_SQL(projects !== undefined))
    .bind(...params)
    .all<SpanRow>();
  return results;
}

// ---------------------------------------------------------------------------------------------
// Pages and the most recent heartbeat

/** The page query: heartbeats(user_id, time, id) gives both the range and the order. ?5, ?6: the cursor's (time, id). */
export const pageHeartbeatsSql = (withCursor: boolean) =>
  `SELECT * FROM heartbeats
   WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time <= ?3 ${withCursor ? "AND (time, id) > (?5, ?6)" : ""}
   ORDER BY time, id LIMIT ?4`;

/** Up to `limit` live heartbeats with from ≤ time ≤ end, in (time, id) order, after `after`'s row. */
export async function heartbeatPage(
  d1: D1Database,
  userId: number,
  range: InclusiveRange,
  after: { time: number; id: number } | null,
  limit: number,
): Promise<StoredHeartbeat[]> {
  const params: unknown[] = [userId, range.start, range.end, limit];
  if (after) params.push(after.time, after.id);
  const { results } = await d1.prepare(pageHeartbeatsSql(after !== null)).bind(...params).all<StoredHeartbeat>();
  return results;
}

export interface RecentFilter {
  /** Only this source type; when absent, anything but test_entry. */
  sourceType?: string;
  /** Editor, compared case-insensitively (ASCII folding: SQLite LOWER on both sides). */
  editor?: string;
}

/** The newest matching heartbeat's query: walks heartbeats(user_id, time, id) backwards. */
export function mostRecentSql(userId: number, filter: RecentFilter, columns = "*"): { sql: string; params: unknown[] } {
  const where = ["user_id = ?1", "deleted_at IS NULL"];
  const params: unknown[] = [userId];
  if (filter.sourceType) {
    params.push(filter.sourceType);
    where.push(`source_type = ?${params.length}`);
  } else {
    where.push("source_type != 'test_entry'");
  }
  if (filter.editor) {
    params.push(filter.editor);
    where.push(`LOWER(editor) = LOWER(?${params.length})`);
  }
  return { sql: `SELECT ${columns} FROM heartbeats WHERE ${where.join(" AND ")} ORDER BY time DESC, id DESC LIMIT 1`, params };
}

/** The newest matching heartbeat, every column or only `fields`. */
export async function mostRecent(d1: D1Database, userId: number, filter: RecentFilter): Promise<StoredHeartbeat | null>;
export async function mostRecent<F extends HeartbeatField>(d1: D1Database, userId: number, filter: RecentFilter, fields: readonly F[]): Promise<Pick<StoredHeartbeat, F> | null>;
export async function mostRecent(d1: D1Database, userId: number, filter: RecentFilter, fields?: readonly HeartbeatField[]) {
  const { sql, params } = mostRecentSql(userId, filter, fields ? fields.join(", ") : "*");
  return d1.prepare(sql).bind(...params).first();
}

/** One local day's live heartbeats, start ≤ time < end, in (time, id) order. */
export const HEARTBEATS_BETWEEN_SQL = "SELECT * FROM heartbeats WHERE user_id = ?1 AND time >= ?2 AND time < ?3 AND deleted_at IS NULL ORDER BY time, id";

export async function heartbeatsBetween(d1: D1Database, userId: number, start: number, end: number): Promise<StoredHeartbeat[]> {
  const { results } = await d1.prepare(HEARTBEATS_BETWEEN_SQL).bind(userId, start, end).all<StoredHeartbeat>();
  return results;
}

// ---------------------------------------------------------------------------------------------
// Per-day summaries and active days

/**
 * ONE window query bounded by the days: ?2 is a JSON array of [start, end) bounds, one per day
 * (at most 366), each a slice of the heartbeats_user_time index (one index range scan per day,
 * never the user's whole history). LEAD is partitioned by day, so the chain breaks at each day's
 * end and each gap (capped at ?3 µs) is credited to the earlier heartbeat's row; a day's last
 * heartbeat adds NULL. Times outside [0, ?4] never count; ?5 is the one project when filtered.
 */
export const dailySummarySql = (projectFilter: boolean, branchFilter = false) => `
  WITH days AS (
    SELECT CAST(key AS INTEGER) AS d, json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS e FROM json_each(?2)
  ),
  day_rows AS (
    SELECT days.d AS d, h.id AS id, CAST(ROUND(h.time * 1000000) AS INTEGER) AS t, h.project AS project, h.ai_model AS ai_model,
           h.ai_input_tokens AS ai_in, h.ai_output_tokens AS ai_out, h.ai_line_changes AS ai_lines
    FROM days JOIN heartbeats h
      ON h.user_id = ?1 AND h.time >= days.s AND h.time < days.e
    WHERE h.deleted_at IS NULL AND h.time >= 0 AND h.time <= ?4 ${projectFilter ? "AND h.project = ?5" : ""}
      ${branchFilter ? "AND h.branch IN (SELECT value FROM json_each(?6))" : ""}
  ),
  gaps AS (
    SELECT d, project, ai_model, ai_in, ai_out, ai_lines,
           MIN(LEAD(t) OVER (PARTITION BY d ORDER BY t, id) - t, ?3) AS gap
    FROM day_rows
  )
  SELECT d, project, ai_model, SUM(gap) AS micros,
         SUM(ai_in) AS ai_in, COUNT(ai_in) AS ai_in_n, SUM(ai_out) AS ai_out, COUNT(ai_out) AS ai_out_n, SUM(ai_lines) AS ai_lines
  FROM gaps GROUP BY d, project, ai_model`;

/** Per day index (the position in the bounds list), project and AI model: µs credited and AI counters. */
export interface DaySummaryRow {
  d: number;
  project: string | null;
  ai_model: string | null;
  micros: number | null;
  ai_in: number | null;
  ai_in_n: number;
  ai_out: number | null;
  ai_out_n: number;
  ai_lines: number | null;
}

export async function daySummaryRows(
  d1: D1Database,
  userId: number,
  days: Array<{ start: number; end: number }>,
  opts: { capMicros: number; maxTime: number; project: string | null; branches?: string[] | null },
): Promise<DaySummaryRow[]> {
  const branches = opts.branches ?? null;
  const params: unknown[] = [userId, JSON.stringify(days.map((b) => [b.start, b.end])), opts.capMicros, opts.maxTime];
  if (opts.project !== null || branches !== null) params.push(opts.project);
  if (branches !== null) params.push(JSON.stringify(branches));
  const { results } = await d1
    .prepare(dailySummarySql(opts.project !== null, branches !== null))
    .bind(...params)
    .all<DaySummaryRow>();
  return results;
}

/** How many of the [start, end) bounds in ?2 hold a live heartbeat of ?1: an EXISTS probe of heartbeats_user_time per day. */
export const ACTIVE_DAY_COUNT_SQL = `SELECT COUNT(*) AS n FROM json_each(?2) AS d
       WHERE EXISTS (SELECT 1 FROM heartbeats h WHERE h.user_id = ?1 AND h.deleted_at IS NULL
                       AND h.time >= json_extract(d.value, '$[0]') AND h.time < json_extract(d.value, '$[1]'))`;

export async function activeDayCount(d1: D1Database, userId: number, bounds: Array<{ start: number; end: number }>): Promise<number> {
  const row = await d1
    .prepare(ACTIVE_DAY_COUNT_SQL)
    .bind(userId, JSON.stringify(bounds.map((b) => [b.start, b.end])))
    .first<{ n: number }>();
  return row?.n ?? 0;
}
