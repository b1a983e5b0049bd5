// Admin reads over heartbeats (hackatime-behavior.md §8.9, §10): one user's rows paged and
// filtered, the distinct values of a field, user/info's aggregate, a user's per-project rows, the
// timeline's spans, and the cross-user IP / machine lookups. Raw SQL: the filters are chosen per
// request, the timeline needs window functions, and the rows are the stored ones (StoredHeartbeat).
// Every per-user read is keyed by the user and served by heartbeats_user_time (user_id, time, id)
// or heartbeats_user_project_time; the cross-user lookups by heartbeats_ip_user and
// heartbeats_machine_user.
import type { HeartbeatField, StoredHeartbeat } from "./heartbeat-fields";
// The per-project statement is the stats area's (Hackatime ProjectStatsQuery); it still lives in
// domain/stats/projects.ts until that area moves its statements here, to db/.
import { PROJECT_STATS_SQL } from "./heartbeat-reads";

/** Both ends inclusive, epoch seconds; a null end is open. */
export interface OptionalRange {
  start: number | null;
  end: number | null;
}

/** A user's live heartbeats, with optional bounds and exact-match filters, as SQL + params. */
export function heartbeatWhere(userId: number, range: OptionalRange, filters: Record<string, string | undefined> = {}) {
  const clauses = ["user_id = ?", "deleted_at IS NULL"];
  const params: unknown[] = [userId];
  if (range.start !== null) {
    clauses.push("time >= ?");
    params.push(range.start);
  }
  if (range.end !== null) {
    clauses.push("time <= ?");
    params.push(range.end);
  }
  for (const [column, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  return { where: clauses.join(" AND "), params };
}

export const heartbeatCountSql = (where: string) => `SELECT COUNT(*) AS n FROM heartbeats WHERE ${where}`;
export const heartbeatPageSql = (where: string) => `SELECT * FROM heartbeats WHERE ${where} ORDER BY time, id LIMIT ? OFFSET ?`;
export const heartbeatValuesSql = (column: string, where: string) =>
  `SELECT DISTINCT ${column} AS v FROM heartbeats WHERE ${where} AND ${column} IS NOT NULL ORDER BY v LIMIT ?`;

/** The columns user/heartbeats filters on by exact match. */
export const HEARTBEAT_FILTERS = ["project", "language", "entity", "editor", "machine"] as const satisfies readonly HeartbeatField[];
export type HeartbeatFilters = Partial<Record<(typeof HEARTBEAT_FILTERS)[number], string>>;

/** One page of a user's heartbeats in (time, id) order, with the filtered total (one batch). */
export async function heartbeatPage(d1: D1Database, userId: number, range: OptionalRange, filters: HeartbeatFilters, limit: number, offset: number) {
  const { where, params } = heartbeatWhere(userId, range, filters);
  const [count, page] = (await d1.batch([
    d1.prepare(heartbeatCountSql(where)).bind(...params),
    d1.prepare(heartbeatPageSql(where)).bind(...params, limit, offset),
  ])) as [D1Result<{ n: number }>, D1Result<StoredHeartbeat>];
  return { total: Number(count.results[0]?.n ?? 0), rows: page.results };
}

/** The API's field names → their columns (user/heartbeat_values). */
export const HEARTBEAT_VALUE_COLUMNS: Readonly<Record<string, HeartbeatField>> = {
  projects: "project",
  languages: "language",
  entities: "entity",
  branches: "branch",
  categories: "category",
  editors: "editor",
  machines: "machine",
  user_agents: "user_agent",
  ips: "ip_address",
};

/** Distinct non-null values of one column (a value of HEARTBEAT_VALUE_COLUMNS), sorted, at most `limit`. */
export async function distinctHeartbeatValues(d1: D1Database, userId: number, column: string, range: OptionalRange, limit: number): Promise<string[]> {
  const { where, params } = heartbeatWhere(userId, range);
  const { results } = await d1
    .prepare(heartbeatValuesSql(column, where))
    .bind(...params, limit)
    .all<{ v: string }>();
  return results.map((r) => r.v);
}

/** One pass over the user's rows by the (user_id, time, id) index. */
export const INFO_STATS_SQL = `SELECT COUNT(*) AS n, MAX(time) AS last_time, COUNT(DISTINCT language) AS languages,
    COUNT(DISTINCT project) AS projects, COUNT(DISTINCT CAST(time / 86400 AS INTEGER)) AS days
  FROM heartbeats WHERE user_id = ?1 AND time >= ?2 AND time <= ?3 AND deleted_at IS NULL`;

/** Count, latest time, distinct languages / projects / UTC days of a user's heartbeats in [from, to]. */
export async function heartbeatInfoStats(d1: D1Database, userId: number, from: number, to: number) {
  const a = await d1.prepare(INFO_STATS_SQL).bind(userId, from, to).first<{ n: number; last_time: number | null; languages: number; projects: number; days: number }>();
  return {
    count: Number(a?.n ?? 0),
    lastTime: a?.last_time ?? null,
    languages: Number(a?.languages ?? 0),
    projects: Number(a?.projects ?? 0),
    days: Number(a?.days ?? 0),
  };
}

export type ProjectStatsRow = { project: string; n: number; first_time: number; last_time: number; langs: string; repo_url: string | null; archived_at: string | null };

/** Per non-empty project in [start, end]: count, first/last time, languages (JSON array), repo mapping. */
export async function userProjectStats(d1: D1Database, userId: number, start: number, end: number): Promise<ProjectStatsRow[]> {
  const { results } = await d1.prepare(PROJECT_STATS_SQL(false)).bind(userId, start, end).all<ProjectStatsRow>();
  return results;
}

// ---- cross-user lookups: by IP, by machine ----

/** Upper bound on rows of the IP / machine lookups. */
export const LOOKUP_LIMIT = 1000;

/** Served by heartbeats_ip_user (ip_address, user_id). */
export const USERS_BY_IP_SQL = `SELECT DISTINCT user_id, ip_address, machine, user_agent FROM heartbeats
  WHERE ip_address = ?1 AND deleted_at IS NULL ORDER BY user_id, machine, user_agent LIMIT ?2`;
/** Served by heartbeats_machine_user (machine, user_id). */
export const USERS_BY_MACHINE_SQL = "SELECT DISTINCT user_id, machine FROM heartbeats WHERE machine = ?1 AND deleted_at IS NULL ORDER BY user_id LIMIT ?2";

export async function usersByIp(d1: D1Database, ip: string) {
  const { results } = await d1
    .prepare(USERS_BY_IP_SQL)
    .bind(ip, LOOKUP_LIMIT)
    .all<{ user_id: number; ip_address: string; machine: string | null; user_agent: string | null }>();
  return results;
}

export async function usersByMachine(d1: D1Database, machine: string) {
  const { results } = await d1.prepare(USERS_BY_MACHINE_SQL).bind(machine, LOOKUP_LIMIT).all<{ user_id: number; machine: string }>();
  return results;
}

// ---- the timeline's spans ----

/**
 * One statement per user and day, over the (user_id, time, id) index: each heartbeat's span
 * number (a running count of gaps > the timeout), then per span its first and last time and,
 * per kind, its distinct values with the position of their first occurrence. Only the distinct
 * values leave the database, not the day's rows.
 */
export const TIMELINE_SPANS_SQL = `
  WITH hb AS (
    SELECT id, time, entity, project, editor, language,
      ROW_NUMBER() OVER w AS rn,
      CASE WHEN LAG(time) OVER w IS NULL OR time - LAG(time) OVER w > ?4 THEN 1 ELSE 0 END AS starts
    FROM heartbeats
    WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3
    WINDOW w AS (ORDER BY time, id)
  ),
  s AS (SELECT *, SUM(starts) OVER (ORDER BY rn ROWS UNBOUNDED PRECEDING) AS span FROM hb),
  vals AS (
    SELECT span, rn, k.value AS kind,
      CASE k.value WHEN 'f' THEN entity WHEN 'p' THEN project WHEN 'e' THEN editor ELSE language END AS val
    FROM s, json_each('["f","p","e","l"]') k
  )
  SELECT span, 's' AS kind, NULL AS value, MIN(time) AS a, MAX(time) AS b FROM s GROUP BY span
  UNION ALL
  SELECT span, kind, val, MIN(rn), NULL FROM vals WHERE val IS NOT NULL AND (kind != 'p' OR trim(val) != '') GROUP BY span, kind, val
  ORDER BY span, kind, a`;

/** kind s: a span's first (a) and last (b) time; f/p/e/l: a distinct entity/project/editor/language and its first position (a). */
export type SpanRow = { span: number; kind: "s" | "f" | "p" | "e" | "l"; value: string | null; a: number; b: number | null };

/** The span rows of each [start, end) user day, in one batch. */
export async function timelineSpans(d1: D1Database, days: Array<{ userId: number; start: number; end: number }>, timeoutSeconds: number): Promise<SpanRow[][]> {
  if (days.length === 0) return [];
  const results = await d1.batch<SpanRow>(days.map((d) => d1.prepare(TIMELINE_SPANS_SQL).bind(d.userId, d.start, d.end, timeoutSeconds)));
  return results.map((r) => r.results);
}
