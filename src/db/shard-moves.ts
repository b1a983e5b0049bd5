// Moving a user's rows from one shard database to another (domain/shards/move.ts runs the steps,
// the user's UserActivity object serialises them with the user's writes). Raw SQL: rows travel
// as ONE JSON parameter expanded with json_each, whole rows with their ids, so a copy is the
// same row, and copying it twice is a no-op (ON CONFLICT DO NOTHING on the id and the dedup index).
import { HEARTBEAT_COLUMNS, type StoredHeartbeat } from "./heartbeat-fields";
import type { ShardDb } from "./shards";

const ALL_COLUMNS = HEARTBEAT_COLUMNS.map((c) => c.name);

/** One page of the user's rows, live and soft-deleted, in (time, id) order after the cursor: heartbeats_user_time. */
export const MOVE_PAGE_SQL = `SELECT * FROM heartbeats
  WHERE user_id = ?1 AND (time > ?2 OR (time = ?2 AND id > ?3))
  ORDER BY time, id LIMIT ?4`;

export interface MoveCursor {
  time: number;
  id: number;
}

/** All of time, for the all-time total a move compares (epoch seconds). */
export const ALL_TIME = { start: 0, end: 2 ** 40 };

export const MOVE_START: MoveCursor = { time: -Infinity, id: 0 };

export async function heartbeatPageForMove(d1: ShardDb, userId: number, after: MoveCursor, limit: number): Promise<StoredHeartbeat[]> {
  // -Infinity does not bind; the smallest double does the same job.
  const time = after.time === -Infinity ? -Number.MAX_VALUE : after.time;
  const { results } = await d1.prepare(MOVE_PAGE_SQL).bind(userId, time, after.id, limit).all<StoredHeartbeat>();
  return results;
}

const COPY_SQL = `INSERT INTO heartbeats (${ALL_COLUMNS.join(", ")})
  SELECT ${ALL_COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(", ")} FROM json_each(?1) WHERE true
  ON CONFLICT DO NOTHING`;

/** Statements that copy whole heartbeat rows (ids included) into `to`; rows already there are kept. */
export function copyHeartbeatRows(to: ShardDb, rows: readonly StoredHeartbeat[]): D1PreparedStatement[] {
  return rows.length ? [to.prepare(COPY_SQL).bind(JSON.stringify(rows))] : [];
}

export interface ShardRowCounts {
  rows: number;
  live: number;
}

/** How many rows (and live rows) of the user a shard holds: one heartbeats_user_time range. */
export async function heartbeatCounts(d1: ShardDb, userId: number): Promise<ShardRowCounts> {
  const row = await d1
    .prepare("SELECT COUNT(*) AS rows, COALESCE(SUM(deleted_at IS NULL), 0) AS live FROM heartbeats WHERE user_id = ?")
    .bind(userId)
    .first<ShardRowCounts>();
  return row ?? { rows: 0, live: 0 };
}

/** Deletes up to `limit` of the user's heartbeats from a shard; answers how many went, 0 when none is left. */
export async function deleteUserRowsPage(d1: ShardDb, userId: number, limit: number): Promise<number> {
  const res = await d1
    .prepare("DELETE FROM heartbeats WHERE id IN (SELECT id FROM heartbeats WHERE user_id = ?1 ORDER BY time LIMIT ?2)")
    .bind(userId, limit)
    .run();
  return res.meta.changes ?? 0;
}
