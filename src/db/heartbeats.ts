// Heartbeat storage statements, raw SQL: bulk writes pass the whole batch as ONE JSON parameter
// and expand it with json_each, which keeps D1's 100-bound-parameter limit out of the picture.
import { NORMALIZED_FIELDS, pickFields, type HeartbeatField, type NormalizedHeartbeat, type StoredHeartbeat } from "./heartbeat-fields";

export type { StoredHeartbeat } from "./heartbeat-fields";

// Every column a normalised heartbeat carries (db/heartbeat-fields.ts), but user_id: bound once as ?1.
const COLUMNS = NORMALIZED_FIELDS.filter((c) => c !== "user_id");

const INSERT_SQL = `INSERT INTO heartbeats (user_id, ${COLUMNS.join(", ")})
  SELECT ?1, ${COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(", ")}
  FROM json_each(?2) WHERE true
  ON CONFLICT DO NOTHING`;

export const SELECT_BY_HASH_SQL = `SELECT * FROM heartbeats
  WHERE user_id = ?1 AND deleted_at IS NULL AND fields_hash IN (SELECT value FROM json_each(?2))`;

/**
 * Inserts a user's heartbeats, skipping those already stored (same fields hash), and returns
 * the live row for every hash: new rows and the existing rows duplicates map to. `alongside`
 * runs in the same batch (one transaction) after the insert: upkeep other tables keep of
 * heartbeats, which this module knows nothing about.
 */
export async function insertHeartbeats(
  d1: D1Database,
  userId: number,
  batch: NormalizedHeartbeat[],
  alongside: D1PreparedStatement[] = [],
): Promise<Map<string, StoredHeartbeat>> {
  const rows = batch.map((h) => pickFields(h, COLUMNS));
  const hashes = JSON.stringify(batch.map((h) => h.fields_hash));
  const results = await d1.batch<StoredHeartbeat>([
    d1.prepare(INSERT_SQL).bind(userId, JSON.stringify(rows)),
    ...alongside,
    d1.prepare(SELECT_BY_HASH_SQL).bind(userId, hashes),
  ]);
  const selected = results[results.length - 1];
  return new Map(selected.results.map((r) => [r.fields_hash, r]));
}

/** The latest real value of `field`, of one project (?2) or of any. */
export const latestFieldValueSql = (field: "language" | "branch", withProject: boolean) => `SELECT ${field} AS v FROM heartbeats
    WHERE user_id = ?1 ${withProject ? "AND project = ?2" : ""} AND deleted_at IS NULL
      AND ${field} IS NOT NULL AND ${field} != '' AND ${field} NOT LIKE '<<LAST_%'
    ORDER BY time DESC LIMIT 1`;

/** Latest real language/branch of a project (or of any project, when project is null). */
export async function latestFieldValue(d1: D1Database, userId: number, field: "language" | "branch", project: string | null): Promise<string | null> {
  const sql = latestFieldValueSql(field, project !== null);
  const stmt = project === null ? d1.prepare(sql).bind(userId) : d1.prepare(sql).bind(userId, project);
  const row = await stmt.first<{ v: string }>();
  return row?.v ?? null;
}

/** The columns the duration chains are built from (durable/user-activity.ts): the key and the grouping values. */
export const CHAIN_FIELDS = ["id", "time", "category", "project", "language", "editor", "operating_system", "machine"] as const satisfies readonly HeartbeatField[];
export type ChainSource = Pick<StoredHeartbeat, (typeof CHAIN_FIELDS)[number]>;

export const CHAIN_PAGE_SQL = `SELECT ${CHAIN_FIELDS.join(", ")} FROM heartbeats
  WHERE user_id = ?1 AND deleted_at IS NULL AND (time, id) > (?2, ?3)
  ORDER BY time, id LIMIT ?4`;

/** One page of a user's live heartbeats in (time, id) order, for rebuilding derived data. */
export async function pageHeartbeatsForChains(d1: D1Database, userId: number, after: { time: number; id: number } | null, limit: number): Promise<ChainSource[]> {
  const { results } = await d1.prepare(CHAIN_PAGE_SQL).bind(userId, after?.time ?? -1, after?.id ?? -1, limit).all<ChainSource>();
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reads of the WakaTime-shaped API (domain/wakatime). Raw SQL: each walks heartbeats_user_time or
// heartbeats_user_project_time from the user id on (test/routes/wakatime-*.test.ts EXPLAIN these).

/** The user's first live heartbeat (heartbeats_user_time: an index walk that stops at the first live row). */
export const FIRST_HEARTBEAT_SQL = "SELECT time FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL ORDER BY time, id LIMIT 1";
/** The first live heartbeat of one project (heartbeats_user_project_time). */
export const FIRST_PROJECT_HEARTBEAT_SQL = "SELECT time FROM heartbeats WHERE user_id = ?1 AND project = ?2 AND deleted_at IS NULL ORDER BY time LIMIT 1";

export async function firstHeartbeatTime(d1: D1Database, userId: number, project?: string): Promise<number | null> {
  const stmt = project === undefined ? d1.prepare(FIRST_HEARTBEAT_SQL).bind(userId) : d1.prepare(FIRST_PROJECT_HEARTBEAT_SQL).bind(userId, project);
  return (await stmt.first<{ time: number }>())?.time ?? null;
}

/** The columns a day's durations are sliced by. */
const SLICE_FIELDS = ["id", "time", "project", "branch", "entity", "language", "dependencies", "operating_system", "editor", "category", "machine"] as const satisfies readonly HeartbeatField[];
export type SliceRow = Pick<StoredHeartbeat, (typeof SLICE_FIELDS)[number]>;

const SLICE_COLUMNS = SLICE_FIELDS.join(", ");
/** One [start, end) slice of the user's live heartbeats in (time, id) order (heartbeats_user_time). */
export const DAY_SLICE_SQL = `SELECT ${SLICE_COLUMNS} FROM heartbeats
  WHERE user_id = ?1 AND time >= ?2 AND time < ?3 AND deleted_at IS NULL ORDER BY time, id`;
/** The same for one project (either time index bounds it by the range; both end in the rowid, so no sort). */
export const DAY_PROJECT_SLICE_SQL = `SELECT ${SLICE_COLUMNS} FROM heartbeats
  WHERE user_id = ?1 AND project = ?4 AND time >= ?2 AND time < ?3 AND deleted_at IS NULL ORDER BY time, id`;

export async function heartbeatSlices(d1: D1Database, userId: number, range: { start: number; end: number }, project?: string): Promise<SliceRow[]> {
  const stmt =
    project === undefined
      ? d1.prepare(DAY_SLICE_SQL).bind(userId, range.start, range.end)
      : d1.prepare(DAY_PROJECT_SLICE_SQL).bind(userId, range.start, range.end, project);
  return (await stmt.all<SliceRow>()).results;
}

/**
 * Every named project of the user with its first and last live heartbeat and repository URL. The
 * names are walked as a skip scan of heartbeats_user_project_time (one seek per project, never a
 * pass over the user's heartbeats); first and last are one seek each.
 */
export const PROJECT_LIST_SQL = `WITH RECURSIVE names(name) AS (
    SELECT (SELECT MIN(project) FROM heartbeats WHERE user_id = ?1 AND project > '')
    UNION ALL
    SELECT (SELECT MIN(project) FROM heartbeats WHERE user_id = ?1 AND project > names.name) FROM names WHERE names.name IS NOT NULL
  ),
  spans AS (
    SELECT n.name,
      (SELECT time FROM heartbeats WHERE user_id = ?1 AND project = n.name AND deleted_at IS NULL ORDER BY time LIMIT 1) AS first_time,
      (SELECT time FROM heartbeats WHERE user_id = ?1 AND project = n.name AND deleted_at IS NULL ORDER BY time DESC LIMIT 1) AS last_time
    FROM names n WHERE n.name IS NOT NULL
  )
  SELECT s.name, s.first_time, s.last_time, m.repo_url FROM spans s
  LEFT JOIN project_repo_mappings m ON m.user_id = ?1 AND m.project_name = s.name
  WHERE s.first_time IS NOT NULL ORDER BY s.last_time DESC, s.name`;

export type ProjectListRow = { name: string; first_time: number; last_time: number; repo_url: string | null };

export async function projectList(d1: D1Database, userId: number): Promise<ProjectListRow[]> {
  return (await d1.prepare(PROJECT_LIST_SQL).bind(userId).all<ProjectListRow>()).results;
}

/**
 * The user's distinct user agents (or machines) with first and last use. A grouped pass over the
 * user's heartbeats (a user_id prefix of either time index): no index holds these columns per
 * user, and adding one to the largest table costs every write (docs/wakatime-api.md).
 */
export const USER_AGENT_LIST_SQL = `SELECT user_agent AS value, MIN(time) AS first_time, MAX(time) AS last_time, editor, operating_system
  FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND user_agent IS NOT NULL AND user_agent != ''
  GROUP BY user_agent ORDER BY last_time DESC`;
export const MACHINE_LIST_SQL = `SELECT machine AS value, MIN(time) AS first_time, MAX(time) AS last_time
  FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND machine IS NOT NULL AND machine != ''
  GROUP BY machine ORDER BY last_time DESC`;

export type UsageRow = { value: string; first_time: number; last_time: number; editor?: string | null; operating_system?: string | null };

export async function userAgentList(d1: D1Database, userId: number): Promise<UsageRow[]> {
  return (await d1.prepare(USER_AGENT_LIST_SQL).bind(userId).all<UsageRow>()).results;
}

export async function machineList(d1: D1Database, userId: number): Promise<UsageRow[]> {
  return (await d1.prepare(MACHINE_LIST_SQL).bind(userId).all<UsageRow>()).results;
}
