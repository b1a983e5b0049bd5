// Heartbeat storage statements, raw SQL: bulk writes pass the whole batch as ONE JSON parameter
// and expand it with json_each, which keeps D1's 100-bound-parameter limit out of the picture.
import { NORMALIZED_FIELDS, pickFields, type HeartbeatField, type NormalizedHeartbeat, type StoredHeartbeat } from "./heartbeat-fields";
import { HEARTBEAT_ID_BLOCK, type Shard, type ShardDb } from "./shards";

export type { StoredHeartbeat } from "./heartbeat-fields";

// Every column a normalised heartbeat carries (db/heartbeat-fields.ts), but user_id: bound once as ?1.
const COLUMNS = NORMALIZED_FIELDS.filter((c) => c !== "user_id");

// Ids: shard k counts k·2^40 + 1, + 2, … in id_sequences (created at the shard's first insert),
// so ids are unique across shards and never reused, even after a user moves away. Every item
// takes the next id in order (json_each's key); a duplicate skipped by the dedup index leaves
// its id unused. The statements run in one batch, i.e. one transaction.
const RESERVE_IDS_SQL = "INSERT INTO id_sequences (name, last) VALUES ('heartbeats', ?1) ON CONFLICT (name) DO NOTHING";
const INSERT_SQL = `INSERT INTO heartbeats (id, user_id, ${COLUMNS.join(", ")})
  SELECT (SELECT last FROM id_sequences WHERE name = 'heartbeats') + key + 1, ?1, ${COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(", ")}
  FROM json_each(?2) WHERE true
  ON CONFLICT DO NOTHING`;
const ADVANCE_IDS_SQL = "UPDATE id_sequences SET last = last + json_array_length(?1) WHERE name = 'heartbeats'";

export const SELECT_BY_HASH_SQL = `SELECT * FROM heartbeats
  WHERE user_id = ?1 AND deleted_at IS NULL AND fields_hash IN (SELECT value FROM json_each(?2))`;

/**
 * Inserts a user's heartbeats, skipping those already stored (same fields hash), and returns
 * the live row for every hash: new rows and the existing rows duplicates map to. `alongside`
 * runs in the same batch (one transaction) after the insert: upkeep other tables keep of
 * heartbeats, which this module knows nothing about.
 */
export async function insertHeartbeats(
  shard: Shard,
  userId: number,
  batch: NormalizedHeartbeat[],
  alongside: D1PreparedStatement[] = [],
): Promise<Map<string, StoredHeartbeat>> {
  const d1 = shard.db;
  const rows = JSON.stringify(batch.map((h) => pickFields(h, COLUMNS)));
  const hashes = JSON.stringify(batch.map((h) => h.fields_hash));
  const results = await d1.batch<StoredHeartbeat>([
    d1.prepare(RESERVE_IDS_SQL).bind(shard.index * HEARTBEAT_ID_BLOCK),
    d1.prepare(INSERT_SQL).bind(userId, rows),
    d1.prepare(ADVANCE_IDS_SQL).bind(rows),
    ...alongside,
    d1.prepare(SELECT_BY_HASH_SQL).bind(userId, hashes),
  ]);
  return new Map(results[results.length - 1].results.map((r) => [r.fields_hash, r]));
}

/** The latest real value of `field`, of one project (?2) or of any. */
export const latestFieldValueSql = (field: "language" | "branch", withProject: boolean) => `SELECT ${field} AS v FROM heartbeats
    WHERE user_id = ?1 ${withProject ? "AND project = ?2" : ""} AND deleted_at IS NULL
      AND ${field} IS NOT NULL AND ${field} != '' AND ${field} NOT LIKE '<<LAST_%'
    ORDER BY time DESC LIMIT 1`;

/** Latest real language/branch of a project (or of any project, when project is null). */
export async function latestFieldValue(d1: ShardDb, userId: number, field: "language" | "branch", project: string | null): Promise<string | null> {
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
export async function pageHeartbeatsForChains(d1: ShardDb, userId: number, after: { time: number; id: number } | null, limit: number): Promise<ChainSource[]> {
  const { results } = await d1.prepare(CHAIN_PAGE_SQL).bind(userId, after?.time ?? -1, after?.id ?? -1, limit).all<ChainSource>();
  return results;
}
