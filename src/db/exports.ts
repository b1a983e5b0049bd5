// Heartbeat exports: the requested export (heartbeat_exports, drizzle) and the reads its
// download streams from heartbeats. Those are raw SQL: the page walks (time, id) with a
// row-value keyset, and its rows go straight into the export JSON, whose names are the
// columns' (snake_case), so they are not mapped to schema.ts's field names and back.
import { and, eq } from "drizzle-orm";
import { getDb } from "./client";
import type { HeartbeatField, StoredHeartbeat } from "./heartbeat-fields";
import { heartbeatExports } from "./schema";

export type ExportRow = typeof heartbeatExports.$inferSelect;

export async function insertExport(d1: D1Database, userId: number, range: { startTime: number; endTime: number; allData: boolean }): Promise<number> {
  const row = await getDb(d1)
    .insert(heartbeatExports)
    .values({ userId, ...range })
    .returning({ id: heartbeatExports.id })
    .get();
  return row.id;
}

export async function userExportById(d1: D1Database, userId: number, id: number): Promise<ExportRow | undefined> {
  return getDb(d1)
    .select()
    .from(heartbeatExports)
    .where(and(eq(heartbeatExports.id, id), eq(heartbeatExports.userId, userId)))
    .get();
}

/** How many live heartbeats [start, end) holds and its first and last time (index heartbeats_user_time). */
export const EXPORT_STATS_SQL =
  "SELECT count(*) AS n, min(time) AS first, max(time) AS last FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3";

export async function exportStats(d1: D1Database, userId: number, start: number, end: number): Promise<{ n: number; first: number | null; last: number | null }> {
  const row = await d1.prepare(EXPORT_STATS_SQL).bind(userId, start, end).first<{ n: number; first: number | null; last: number | null }>();
  return row ?? { n: 0, first: null, last: null };
}

/** The fields of an exported heartbeat, in Hackatime's export order, plus the AI fields. */
export const EXPORT_FIELDS = [
  "id",
  "time",
  "entity",
  "type",
  "category",
  "project",
  "language",
  "editor",
  "operating_system",
  "machine",
  "branch",
  "user_agent",
  "is_write",
  "line_additions",
  "line_deletions",
  "lineno",
  "lines",
  "cursorpos",
  "dependencies",
  "source_type",
  "project_root_count",
  "ai_model",
  "ai_session",
  "ai_subscription_plan",
  "ai_input_tokens",
  "ai_output_tokens",
  "ai_prompt_length",
  "ai_line_changes",
  "human_line_changes",
  "created_at",
  "updated_at",
] as const satisfies readonly HeartbeatField[];
const EXPORT_COLUMNS = EXPORT_FIELDS.join(", ");

/** One page in (time, id) order, after the cursor (?5, ?6) when given (index heartbeats_user_time, no sort). */
export const exportPageSql = (withCursor: boolean) =>
  `SELECT ${EXPORT_COLUMNS} FROM heartbeats
   WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${withCursor ? "AND (time, id) > (?5, ?6)" : ""}
   ORDER BY time, id LIMIT ?4`;

/** An exported heartbeat as D1 returns it: the columns above, by their names. */
export type ExportedHeartbeatRow = Pick<StoredHeartbeat, (typeof EXPORT_FIELDS)[number]>;

export async function exportPage(
  d1: D1Database,
  userId: number,
  range: { start: number; end: number },
  after: { time: number; id: number } | null,
  limit: number,
): Promise<ExportedHeartbeatRow[]> {
  const from = after ? Math.max(range.start, after.time) : range.start;
  const params: unknown[] = [userId, from, range.end, limit];
  if (after) params.push(after.time, after.id);
  const { results } = await d1
    .prepare(exportPageSql(after !== null))
    .bind(...params)
    .all<ExportedHeartbeatRow>();
  return results;
}
