// The reference queries of the capped-gap duration rule (domain/durations/reference.ts holds the
// rule and calls these): raw SQL, because each is one window query (LAG over (time, id),
// partitioned by the grouping column or by user) that drizzle's builder cannot express. Every
// per-user statement reads one slice of heartbeats_user_time (or heartbeats_user_project_time
// under a project filter). The cap is bound (?4 or the next free number): this module knows no rule.
import type { ShardDb } from "./shards";
import type { HeartbeatField } from "./heartbeat-fields";

/**
 * Which heartbeats count: the stats API's filter_by_* parameters, the dashboard's filters, goals.
 * Projects, categories, operating systems and machines are matched exactly; languages and editors
 * in any case (goals name them as people type them); excluded categories also drop NULL ones
 * (SQL NOT IN).
 */
export interface HeartbeatFilter {
  projects?: string[];
  categories?: string[];
  excludeCategories?: string[];
  /** Language names, any case. */
  languages?: string[];
  /** Editor names, any case. */
  editors?: string[];
  operatingSystems?: string[];
  machines?: string[];
}

/** SQL for a filter (heartbeat columns unqualified); its JSON parameters are numbered from `firstParam` (one per list). */
export function filterClause(filter: HeartbeatFilter, firstParam: number): { clause: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  const list = (column: string, values: string[] | undefined, negate = false) => {
    if (values === undefined) return;
    params.push(JSON.stringify(values));
    where.push(`AND ${column} ${negate ? "NOT IN" : "IN"} (SELECT value FROM json_each(?${firstParam + params.length - 1}))`);
  };
  const lower = (values: string[] | undefined) => values?.map((v) => v.toLowerCase());
  list("project", filter.projects);
  list("category", filter.categories);
  list("LOWER(category)", lower(filter.excludeCategories), true);
  list("LOWER(language)", lower(filter.languages));
  list("LOWER(editor)", lower(filter.editors));
  list("operating_system", filter.operatingSystems);
  list("machine", filter.machines);
  return { clause: where.join(" "), params };
}

/**
 * Σ min(gap to the previous row of the group, ?4) per group value over [?2, ?3); one row with grp
 * NULL without a group. Filter lists are bound from ?5.
 */
export const referenceDurationsSql = (groupBy: HeartbeatField | undefined, filterSql: string) => `SELECT grp, SUM(gap) AS micros FROM (
         SELECT ${groupBy ?? "NULL"} AS grp,
           MIN(t - LAG(t) OVER (${groupBy ? `PARTITION BY ${groupBy}` : ""} ORDER BY t, id), ?4) AS gap
         FROM (SELECT id, ${groupBy ?? "NULL AS _"}, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
               WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${filterSql})
       ) GROUP BY grp`;

export interface Range {
  start: number;
  end: number;
}

/** Capped-gap microseconds per group value (or one total under NULL). */
export async function referenceDurationRows(
  d1: ShardDb,
  userId: number,
  range: Range,
  capMicros: number,
  groupBy?: HeartbeatField,
  filter: HeartbeatFilter = {},
): Promise<Array<{ grp: string | null; micros: number | null }>> {
  const { clause, params } = filterClause(filter, 5);
  const { results } = await d1
    .prepare(referenceDurationsSql(groupBy, clause))
    .bind(userId, range.start, range.end, capMicros, ...params)
    .all<{ grp: string | null; micros: number | null }>();
  return results;
}

/**
 * The boundary-aware total: the latest matching heartbeat before ?2 anchors the chain, so the first
 * row in range is credited its gap to it. The cap is ?4; filter lists are bound from ?5.
 */
export const boundaryAwareTotalSql = (filterSql: string) => `WITH picked AS (
         SELECT * FROM (SELECT id, time FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND time < ?2 ${filterSql} ORDER BY time DESC, id DESC LIMIT 1)
         UNION ALL
         SELECT id, time FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${filterSql})
       SELECT SUM(gap) AS micros FROM (
         SELECT time, MIN(t - LAG(t) OVER (ORDER BY t, id), ?4) AS gap
         FROM (SELECT id, time, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM picked)
       ) WHERE time >= ?2`;

export async function boundaryAwareTotalMicros(d1: ShardDb, userId: number, range: Range, capMicros: number, filter: HeartbeatFilter = {}): Promise<number> {
  const { clause, params } = filterClause(filter, 5);
  const row = await d1
    .prepare(boundaryAwareTotalSql(clause))
    .bind(userId, range.start, range.end, capMicros, ...params)
    .first<{ micros: number | null }>();
  return row?.micros ?? 0;
}

/**
 * The two rows a boundary-aware total needs beyond the range's own: the latest matching row
 * before ?2 and the first matching row in [?2, ?3), as integer µs (NULL when none). Two walks of
 * heartbeats_user_time in time order (INDEXED BY: a project index would sort every match), each
 * stopping at its first match; filter lists are bound from ?4.
 */
export const boundaryRowsSql = (filterSql: string) => `SELECT
         (SELECT CAST(ROUND(time * 1000000) AS INTEGER) FROM heartbeats INDEXED BY heartbeats_user_time WHERE user_id = ?1 AND deleted_at IS NULL AND time < ?2 ${filterSql} ORDER BY time DESC, id DESC LIMIT 1) AS before_t,
         (SELECT CAST(ROUND(time * 1000000) AS INTEGER) FROM heartbeats INDEXED BY heartbeats_user_time WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${filterSql} ORDER BY time, id LIMIT 1) AS first_t`;

export async function boundaryRowsMicros(d1: ShardDb, userId: number, range: Range, filter: HeartbeatFilter = {}): Promise<{ before: number | null; first: number | null }> {
  const { clause, params } = filterClause(filter, 4);
  const row = await d1
    .prepare(boundaryRowsSql(clause))
    .bind(userId, range.start, range.end, ...params)
    .first<{ before_t: number | null; first_t: number | null }>();
  return { before: row?.before_t ?? null, first: row?.first_t ?? null };
}

/** Σ gaps in (0, ?5] between consecutive "coding" heartbeats of the projects in ?4 (longer gaps dropped). */
export const UNIQUE_CODING_SQL = `SELECT SUM(CASE WHEN gap > 0 AND gap <= ?5 THEN gap ELSE 0 END) AS micros FROM (
         SELECT t - LAG(t) OVER (ORDER BY t, id) AS gap FROM (
           SELECT id, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
           WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 AND category = 'coding'
             AND project IN (SELECT value FROM json_each(?4))))`;

export async function uniqueCodingMicros(d1: ShardDb, userId: number, range: Range, projects: string[], capMicros: number): Promise<number> {
  const row = await d1.prepare(UNIQUE_CODING_SQL).bind(userId, range.start, range.end, JSON.stringify(projects), capMicros).first<{ micros: number | null }>();
  return row?.micros ?? 0;
}

/**
 * Σ over users (but those in ?4) of each user's capped-gap total in [?1, ?2) (cap ?3): the aggregate /api/v1/stats.
 * A range scan of every user's heartbeats, by design (no per-user index applies).
 */
export const ALL_USERS_TOTAL_SQL = `SELECT SUM(gap) AS micros FROM (
         SELECT MIN(t - LAG(t) OVER (PARTITION BY user_id ORDER BY t, id), ?3) AS gap FROM (
           SELECT id, user_id, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
           WHERE deleted_at IS NULL AND time >= ?1 AND time < ?2
             AND user_id NOT IN (SELECT value FROM json_each(?4))))`;

/** `skip`: users whose rows in this shard are a partial copy (a move under way). */
export async function allUsersTotalMicros(d1: ShardDb, range: Range, capMicros: number, skip: number[] = []): Promise<number> {
  const row = await d1.prepare(ALL_USERS_TOTAL_SQL).bind(range.start, range.end, capMicros, JSON.stringify(skip)).first<{ micros: number | null }>();
  return row?.micros ?? 0;
}

/**
 * Hackatime's leaderboard score (hackatime-behavior.md §7) per user over [?1, ?2): capped LAG
 * (cap ?3) partitioned by user over the eligible heartbeats — category exactly 'coding', editor
 * NULL or not in ?4 (JSON, lower case), project not '<<LAST_PROJECT>>' (IS DISTINCT FROM). A
 * range scan of every user's heartbeats, by design: the oracle the bucket-built boards are tested against.
 */
export const LEADERBOARD_REFERENCE_SQL = `SELECT user_id, SUM(gap) AS micros FROM (
         SELECT user_id, MIN(t - LAG(t) OVER (PARTITION BY user_id ORDER BY t, id), ?3) AS gap FROM (
           SELECT id, user_id, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
           WHERE deleted_at IS NULL AND time >= ?1 AND time < ?2 AND category = 'coding'
             AND (editor IS NULL OR LOWER(editor) NOT IN (SELECT value FROM json_each(?4)))
             AND (project IS NULL OR project != '<<LAST_PROJECT>>')))
       GROUP BY user_id`;

export async function leaderboardReferenceMicros(d1: ShardDb, range: Range, capMicros: number, browserEditors: string[]): Promise<Array<{ user_id: number; micros: number | null }>> {
  const { results } = await d1.prepare(LEADERBOARD_REFERENCE_SQL).bind(range.start, range.end, capMicros, JSON.stringify(browserEditors)).all<{ user_id: number; micros: number | null }>();
  return results;
}
