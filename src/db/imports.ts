// Heartbeat import runs (heartbeat_imports) and their staged data (heartbeat_import_slices).
// Drizzle for lookups and single-row updates (rows typed from schema.ts). Raw SQL, run as one
// D1 batch (a transaction), where a rule must hold under concurrency: "one active import per
// user" is an INSERT … SELECT … WHERE NOT EXISTS; a slice is counted once by an UPDATE guarded
// on the slice's done_at in the same transaction that marks it, and the last slice completes
// the run. EXISTING_HASHES_SQL reads heartbeats with json_each (one parameter per batch).
import { and, desc, eq, gte, inArray, max, sql } from "drizzle-orm";
import { getDb } from "./client";
import { heartbeatImports, heartbeatImportSlices, IMPORT_SOURCE_KINDS, IMPORT_STATES } from "./schema";
import { NOW_ISO } from "./sql";

export type ImportRow = typeof heartbeatImports.$inferSelect;
export type ImportState = (typeof IMPORT_STATES)[number];
export type ImportSourceKind = (typeof IMPORT_SOURCE_KINDS)[number];

/** States of a run that is still going: a user has at most one run in them. */
export const ACTIVE_IMPORT_STATES: readonly ImportState[] = ["queued", "requesting_dump", "waiting_for_dump", "downloading_dump", "importing"];
/** Imports whose dump is requested from a remote service (rate-limited per user). */
export const REMOTE_IMPORT_KINDS: readonly ImportSourceKind[] = ["wakatime_dump", "hackatime_v1_dump"];

const ACTIVE_SQL = ACTIVE_IMPORT_STATES.map((s) => `'${s}'`).join(", ");
const REMOTE_SQL = REMOTE_IMPORT_KINDS.map((s) => `'${s}'`).join(", ");
const now = sql.raw(NOW_ISO);
const active = () => inArray(heartbeatImports.state, [...ACTIVE_IMPORT_STATES]);

export async function importById(d1: D1Database, id: number): Promise<ImportRow | undefined> {
  return getDb(d1).select().from(heartbeatImports).where(eq(heartbeatImports.id, id)).get();
}

export async function userImportById(d1: D1Database, userId: number, id: number): Promise<ImportRow | undefined> {
  return getDb(d1)
    .select()
    .from(heartbeatImports)
    .where(and(eq(heartbeatImports.id, id), eq(heartbeatImports.userId, userId)))
    .get();
}

/** The user's active run (index heartbeat_imports_user_state). */
export async function activeImportOf(d1: D1Database, userId: number): Promise<ImportRow | undefined> {
  return getDb(d1)
    .select()
    .from(heartbeatImports)
    .where(and(eq(heartbeatImports.userId, userId), active()))
    .orderBy(desc(heartbeatImports.id))
    .limit(1)
    .get();
}

/** When the user last asked for a remote dump (created_at), or null. */
export async function lastRemoteImportAt(d1: D1Database, userId: number): Promise<string | null> {
  const row = await getDb(d1)
    .select({ at: max(heartbeatImports.createdAt) })
    .from(heartbeatImports)
    .where(and(eq(heartbeatImports.userId, userId), inArray(heartbeatImports.sourceKind, [...REMOTE_IMPORT_KINDS])))
    .get();
  return row?.at ?? null;
}

export interface NewImport {
  sourceKind: ImportSourceKind;
  state: ImportState;
  filename?: string | null;
  message: string;
  remoteDumpStatus?: string | null;
}

/**
 * Inserts a run unless the user has an active one (one statement, so two concurrent requests
 * cannot both pass); an active run not updated for `stale.afterSeconds` is failed with
 * `stale.error` first. Returns the new id, or null when another run is active.
 */
export async function insertImportUnlessActive(d1: D1Database, userId: number, init: NewImport, stale: { afterSeconds: number; error: string }): Promise<number | null> {
  const [, inserted] = await d1.batch<{ id: number }>([
    d1
      .prepare(
        `UPDATE heartbeat_imports SET state = 'failed', message = 'Import failed: ' || ?3, error_message = ?3, finished_at = ${NOW_ISO}, updated_at = ${NOW_ISO}
         WHERE user_id = ?1 AND state IN (${ACTIVE_SQL}) AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2)`,
      )
      .bind(userId, `-${stale.afterSeconds} seconds`, stale.error),
    d1
      .prepare(
        `INSERT INTO heartbeat_imports (user_id, state, source_kind, source_filename, message, remote_dump_status, started_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ${NOW_ISO}
         WHERE NOT EXISTS (SELECT 1 FROM heartbeat_imports WHERE user_id = ?1 AND state IN (${ACTIVE_SQL}))
         RETURNING id`,
      )
      .bind(userId, init.state, init.sourceKind, init.filename ?? null, init.message, init.remoteDumpStatus ?? null),
  ]);
  return inserted.results[0]?.id ?? null;
}

export type ActiveImportFields = Partial<Pick<ImportRow, "state" | "message" | "errorMessage" | "remoteDumpStatus" | "remotePercentComplete">>;

/** Sets fields of a run that is still active (a finished run is never changed back). */
export async function updateActiveImport(d1: D1Database, id: number, fields: ActiveImportFields): Promise<boolean> {
  const res = await getDb(d1)
    .update(heartbeatImports)
    .set({ ...fields, updatedAt: now })
    .where(and(eq(heartbeatImports.id, id), active()))
    .run();
  return res.meta.changes > 0;
}

/** Staging finished: the run imports `slices` slices holding `total` heartbeats. */
export async function markImporting(d1: D1Database, id: number, total: number, slices: number, message: string): Promise<boolean> {
  const res = await getDb(d1)
    .update(heartbeatImports)
    .set({
      state: "importing",
      totalCount: total,
      slicesTotal: slices,
      processedCount: 0,
      slicesDone: 0,
      message,
      errorMessage: null,
      startedAt: sql`coalesce(${heartbeatImports.startedAt}, ${now})`,
      updatedAt: now,
    })
    .where(and(eq(heartbeatImports.id, id), active()))
    .run();
  return res.meta.changes > 0;
}

/**
 * Fails an active run ("Import failed: " + error) and drops its staged data, in one
 * transaction. A remote run's dump status becomes "failed" unless it says something already.
 */
export async function failActiveImport(d1: D1Database, id: number, error: string): Promise<boolean> {
  const [res] = await d1.batch([
    d1
      .prepare(
        `UPDATE heartbeat_imports SET state = 'failed', message = 'Import failed: ' || ?2, error_message = ?2,
           remote_dump_status = CASE WHEN source_kind IN (${REMOTE_SQL}) THEN coalesce(nullif(remote_dump_status, ''), 'failed') ELSE remote_dump_status END,
           finished_at = ${NOW_ISO}, updated_at = ${NOW_ISO}
         WHERE id = ?1 AND state IN (${ACTIVE_SQL})`,
      )
      .bind(id, error),
    d1.prepare("DELETE FROM heartbeat_import_slices WHERE import_id = ?1").bind(id),
  ]);
  return res.meta.changes > 0;
}

export interface SliceCounts {
  processed: number;
  imported: number;
  skipped: number;
  errors: number;
}

/**
 * Marks slice `seq` done and adds its counts — once: the counters move only while the slice is
 * not yet done, in the same transaction that marks it. When that was the last slice the run
 * completes, with Hackatime's message ("Imported N out of M heartbeats in Xs. Skipped K
 * duplicate heartbeats."), and its staged data is dropped.
 */
export async function countSliceOnce(d1: D1Database, id: number, seq: number, counts: SliceCounts): Promise<{ counted: boolean; completed: boolean }> {
  const [counted, , completed] = await d1.batch([
    d1
      .prepare(
        `UPDATE heartbeat_imports SET processed_count = processed_count + ?3, imported_count = imported_count + ?4,
           skipped_count = skipped_count + ?5, errors_count = errors_count + ?6, slices_done = slices_done + 1, updated_at = ${NOW_ISO}
         WHERE id = ?1 AND state = 'importing'
           AND EXISTS (SELECT 1 FROM heartbeat_import_slices WHERE import_id = ?1 AND seq = ?2 AND done_at IS NULL)`,
      )
      .bind(id, seq, counts.processed, counts.imported, counts.skipped, counts.errors),
    d1.prepare(`UPDATE heartbeat_import_slices SET done_at = ${NOW_ISO}, body = '' WHERE import_id = ?1 AND seq = ?2 AND done_at IS NULL`).bind(id, seq),
    d1
      .prepare(
        `UPDATE heartbeat_imports SET state = 'completed', processed_count = total_count, finished_at = ${NOW_ISO}, updated_at = ${NOW_ISO}, error_message = NULL,
           message = 'Imported ' || imported_count || ' out of ' || total_count || ' heartbeats in '
             || round((julianday('now') - julianday(coalesce(started_at, created_at))) * 86400.0, 2) || 's.'
             || CASE WHEN skipped_count > 0 THEN ' Skipped ' || skipped_count || ' duplicate heartbeats.' ELSE '' END
         WHERE id = ?1 AND state = 'importing' AND slices_done >= slices_total`,
      )
      .bind(id),
    d1.prepare("DELETE FROM heartbeat_import_slices WHERE import_id = ?1 AND (SELECT state FROM heartbeat_imports WHERE id = ?1) = 'completed'").bind(id),
  ]);
  return { counted: counted.meta.changes > 0, completed: completed.meta.changes > 0 };
}

/** Touches an importing run last updated at `updatedAt`; true for the one caller that did. */
export async function claimImportingRun(d1: D1Database, id: number, updatedAt: string): Promise<boolean> {
  const res = await getDb(d1)
    .update(heartbeatImports)
    .set({ updatedAt: now })
    .where(and(eq(heartbeatImports.id, id), eq(heartbeatImports.state, "importing"), eq(heartbeatImports.updatedAt, updatedAt)))
    .run();
  return res.meta.changes > 0;
}

// ---- slices: seq ≥ 0 holds heartbeats (a JSON array); a remote run's API key waits in seq -1 ----

export const CREDENTIAL_SEQ = -1;

export async function insertSlice(d1: D1Database, importId: number, seq: number, body: string): Promise<void> {
  await getDb(d1).insert(heartbeatImportSlices).values({ importId, seq, body }).run();
}

/** Drops the heartbeat slices of a run (not its credential), before staging it again. */
export async function deleteHeartbeatSlices(d1: D1Database, importId: number): Promise<void> {
  await getDb(d1)
    .delete(heartbeatImportSlices)
    .where(and(eq(heartbeatImportSlices.importId, importId), gte(heartbeatImportSlices.seq, 0)))
    .run();
}

export async function sliceOf(d1: D1Database, importId: number, seq: number): Promise<{ body: string; doneAt: string | null } | undefined> {
  return getDb(d1)
    .select({ body: heartbeatImportSlices.body, doneAt: heartbeatImportSlices.doneAt })
    .from(heartbeatImportSlices)
    .where(and(eq(heartbeatImportSlices.importId, importId), eq(heartbeatImportSlices.seq, seq)))
    .get();
}

/** The seqs of a run's heartbeat slices not yet imported, in order (the primary key). */
export async function openSliceSeqs(d1: D1Database, importId: number, limit: number): Promise<number[]> {
  const rows = await getDb(d1)
    .select({ seq: heartbeatImportSlices.seq })
    .from(heartbeatImportSlices)
    .where(and(eq(heartbeatImportSlices.importId, importId), gte(heartbeatImportSlices.seq, 0), sql`${heartbeatImportSlices.doneAt} IS NULL`))
    .orderBy(heartbeatImportSlices.seq)
    .limit(limit)
    .all();
  return rows.map((r) => r.seq);
}

/** Keeps a remote run's credential (stored done, so no slice message ever picks it up). */
export async function putCredential(d1: D1Database, importId: number, body: string): Promise<void> {
  await getDb(d1).insert(heartbeatImportSlices).values({ importId, seq: CREDENTIAL_SEQ, body, doneAt: now }).run();
}

export async function credentialOf(d1: D1Database, importId: number): Promise<string | null> {
  return (await sliceOf(d1, importId, CREDENTIAL_SEQ))?.body ?? null;
}

export async function dropCredential(d1: D1Database, importId: number): Promise<void> {
  await getDb(d1)
    .delete(heartbeatImportSlices)
    .where(and(eq(heartbeatImportSlices.importId, importId), eq(heartbeatImportSlices.seq, CREDENTIAL_SEQ)))
    .run();
}

// ---- heartbeats an import would duplicate ----

/** Which of a batch's keys are stored already: the unique index (user_id, fields_hash) answers it. */
export const EXISTING_HASHES_SQL =
  "SELECT fields_hash FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND fields_hash IN (SELECT value FROM json_each(?2))";

export async function existingFieldsHashes(d1: D1Database, userId: number, hashes: string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const { results } = await d1.prepare(EXISTING_HASHES_SQL).bind(userId, JSON.stringify(hashes)).all<{ fields_hash: string }>();
  return new Set(results.map((r) => r.fields_hash));
}
