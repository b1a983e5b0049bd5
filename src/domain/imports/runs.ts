// Heartbeat import runs (hackatime-behavior.md §9.1): creation under the one-active-import
// rule, state changes, counters, completion and failure, and the status JSON.
import { IMPORT_SOURCE_KINDS, IMPORT_STATES } from "../../db/schema";

export type ImportState = (typeof IMPORT_STATES)[number];
export type ImportSourceKind = (typeof IMPORT_SOURCE_KINDS)[number];

export const ACTIVE_STATES: readonly ImportState[] = ["queued", "requesting_dump", "waiting_for_dump", "downloading_dump", "importing"];
export const REMOTE_KINDS: readonly ImportSourceKind[] = ["wakatime_dump", "hackatime_v1_dump"];
/** A run that has not moved for this long is considered dead and no longer blocks a new one. */
export const STALE_AFTER_SECONDS = 3600;
/** Remote dumps may be requested once per 8 minutes (superadmins exempt). */
export const REMOTE_COOLDOWN_SECONDS = 8 * 60;

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const ACTIVE_SQL = ACTIVE_STATES.map((s) => `'${s}'`).join(", ");
const REMOTE_SQL = REMOTE_KINDS.map((s) => `'${s}'`).join(", ");

export interface ImportRow {
  id: number;
  user_id: number;
  state: ImportState;
  source_kind: ImportSourceKind;
  source_filename: string | null;
  remote_dump_status: string | null;
  remote_percent_complete: number | null;
  total_count: number;
  processed_count: number;
  imported_count: number;
  skipped_count: number;
  errors_count: number;
  slices_total: number;
  slices_done: number;
  message: string | null;
  error_message: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
}

export const isTerminal = (state: ImportState) => state === "completed" || state === "failed";

export async function getImport(d1: D1Database, id: number): Promise<ImportRow | null> {
  return d1.prepare("SELECT * FROM heartbeat_imports WHERE id = ?1").bind(id).first<ImportRow>();
}

export async function getUserImport(d1: D1Database, userId: number, id: number): Promise<ImportRow | null> {
  return d1.prepare("SELECT * FROM heartbeat_imports WHERE id = ?1 AND user_id = ?2").bind(id, userId).first<ImportRow>();
}

export async function activeImport(d1: D1Database, userId: number): Promise<ImportRow | null> {
  return d1
    .prepare(`SELECT * FROM heartbeat_imports WHERE user_id = ?1 AND state IN (${ACTIVE_SQL}) ORDER BY id DESC LIMIT 1`)
    .bind(userId)
    .first<ImportRow>();
}

/** When the user may request the next remote dump (ISO), or null when they may now. */
export async function remoteCooldownUntil(d1: D1Database, userId: number, nowMs = Date.now()): Promise<string | null> {
  const row = await d1
    .prepare(`SELECT max(created_at) AS at FROM heartbeat_imports WHERE user_id = ?1 AND source_kind IN (${REMOTE_SQL})`)
    .bind(userId)
    .first<{ at: string | null }>();
  if (!row?.at) return null;
  const until = Date.parse(row.at) + REMOTE_COOLDOWN_SECONDS * 1000;
  return until > nowMs ? new Date(until).toISOString() : null;
}

export type CreateResult = { ok: true; id: number } | { ok: false; activeId: number | null };

/**
 * Creates a run unless the user already has an active one (one statement, so two concurrent
 * requests cannot both pass). A run that has not moved for STALE_AFTER_SECONDS is failed first.
 */
export async function createImport(
  d1: D1Database,
  userId: number,
  init: { sourceKind: ImportSourceKind; state: ImportState; filename?: string | null; message: string; remoteDumpStatus?: string | null },
): Promise<CreateResult> {
  const [, inserted] = await d1.batch<{ id: number }>([
    d1
      .prepare(
        `UPDATE heartbeat_imports SET state = 'failed', message = 'Import failed: the import stopped making progress.',
           error_message = 'the import stopped making progress.', finished_at = ${NOW}, updated_at = ${NOW}
         WHERE user_id = ?1 AND state IN (${ACTIVE_SQL}) AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2)`,
      )
      .bind(userId, `-${STALE_AFTER_SECONDS} seconds`),
    d1
      .prepare(
        `INSERT INTO heartbeat_imports (user_id, state, source_kind, source_filename, message, remote_dump_status, started_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ${NOW}
         WHERE NOT EXISTS (SELECT 1 FROM heartbeat_imports WHERE user_id = ?1 AND state IN (${ACTIVE_SQL}))
         RETURNING id`,
      )
      .bind(userId, init.state, init.sourceKind, init.filename ?? null, init.message, init.remoteDumpStatus ?? null),
  ]);
  const id = inserted.results[0]?.id;
  if (id !== undefined) return { ok: true, id };
  return { ok: false, activeId: (await activeImport(d1, userId))?.id ?? null };
}

/** Sets fields of a run that is still active (a finished run is never changed back). */
export async function updateActive(d1: D1Database, id: number, fields: Partial<Pick<ImportRow, "state" | "message" | "error_message" | "remote_dump_status" | "remote_percent_complete">>): Promise<boolean> {
  const keys = Object.keys(fields) as Array<keyof typeof fields>;
  const sets = keys.map((k, i) => `${k} = ?${i + 2}`);
  const res = await d1
    .prepare(`UPDATE heartbeat_imports SET ${[...sets, `updated_at = ${NOW}`].join(", ")} WHERE id = ?1 AND state IN (${ACTIVE_SQL})`)
    .bind(id, ...keys.map((k) => fields[k] ?? null))
    .run();
  return res.meta.changes > 0;
}

/** Staging finished: the run imports `slices` slices holding `total` heartbeats. */
export async function beginImporting(d1: D1Database, id: number, total: number, slices: number): Promise<boolean> {
  const res = await d1
    .prepare(
      `UPDATE heartbeat_imports SET state = 'importing', total_count = ?2, slices_total = ?3, processed_count = 0, slices_done = 0,
         message = 'Importing heartbeats...', error_message = NULL, started_at = coalesce(started_at, ${NOW}), updated_at = ${NOW}
       WHERE id = ?1 AND state IN (${ACTIVE_SQL})`,
    )
    .bind(id, total, slices)
    .run();
  return res.meta.changes > 0;
}

/** Fails an active run with `error` and drops its staged data. Returns whether it changed. */
export async function failImport(d1: D1Database, id: number, error: string): Promise<boolean> {
  const [res] = await d1.batch([
    d1
      .prepare(
        `UPDATE heartbeat_imports SET state = 'failed', message = 'Import failed: ' || ?2, error_message = ?2,
           remote_dump_status = CASE WHEN source_kind IN (${REMOTE_SQL}) THEN coalesce(nullif(remote_dump_status, ''), 'failed') ELSE remote_dump_status END,
           finished_at = ${NOW}, updated_at = ${NOW}
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
 * Records a slice as done and adds its counts — once: the counters move only while the slice
 * is not yet done, in the same transaction that marks it. The last slice completes the run
 * (and drops the staged data). Returns whether this call completed the run.
 */
export async function finishSlice(d1: D1Database, id: number, seq: number, counts: SliceCounts): Promise<{ counted: boolean; completed: boolean }> {
  const [counted, , completed] = await d1.batch([
    d1
      .prepare(
        `UPDATE heartbeat_imports SET processed_count = processed_count + ?3, imported_count = imported_count + ?4,
           skipped_count = skipped_count + ?5, errors_count = errors_count + ?6, slices_done = slices_done + 1, updated_at = ${NOW}
         WHERE id = ?1 AND state = 'importing'
           AND EXISTS (SELECT 1 FROM heartbeat_import_slices WHERE import_id = ?1 AND seq = ?2 AND done_at IS NULL)`,
      )
      .bind(id, seq, counts.processed, counts.imported, counts.skipped, counts.errors),
    d1.prepare(`UPDATE heartbeat_import_slices SET done_at = ${NOW}, body = '' WHERE import_id = ?1 AND seq = ?2 AND done_at IS NULL`).bind(id, seq),
    d1
      .prepare(
        `UPDATE heartbeat_imports SET state = 'completed', processed_count = total_count, finished_at = ${NOW}, updated_at = ${NOW}, error_message = NULL,
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

export function progressPercent(run: ImportRow): number {
  if (run.state === "completed") return 100;
  if (run.state === "requesting_dump" || run.state === "waiting_for_dump" || run.state === "downloading_dump") {
    return Math.round(Math.min(100, Math.max(0, run.remote_percent_complete ?? 0)));
  }
  if (!(run.total_count > 0)) return 0;
  return Math.round(Math.min(100, Math.max(0, (run.processed_count / run.total_count) * 100)));
}

/** The status JSON (HeartbeatImportRunner.serialize). */
export function serializeImport(run: ImportRow, cooldownUntil: string | null = null) {
  return {
    import_id: String(run.id),
    state: run.state,
    source_kind: run.source_kind,
    progress_percent: progressPercent(run),
    processed_count: run.processed_count,
    total_count: run.total_count,
    imported_count: run.imported_count,
    skipped_count: run.skipped_count,
    errors_count: run.errors_count,
    message: run.message ?? "",
    error_message: run.error_message,
    remote_dump_status: run.remote_dump_status,
    remote_percent_complete: run.remote_percent_complete,
    cooldown_until: cooldownUntil,
    source_filename: run.source_filename,
    updated_at: run.updated_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
  };
}

export type ImportStatus = ReturnType<typeof serializeImport>;
