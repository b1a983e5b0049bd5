// Heartbeat import runs (hackatime-behavior.md §9.1): creation under the one-active-import
// rule, state changes, counters, completion and failure, and the status JSON.
import { activeImportOf, failActiveImport, insertImportUnlessActive, lastRemoteImportAt, markImporting, type ImportRow, type ImportState, type NewImport } from "../../db/imports";
import { atLeast } from "../../auth/levels";
import { AppError } from "../../lib/errors";

/** A run that has not moved for this long is considered dead and no longer blocks a new one. */
export const STALE_AFTER_SECONDS = 3600;
/** Remote dumps may be requested once per 8 minutes (superadmins exempt). */
export const REMOTE_COOLDOWN_SECONDS = 8 * 60;

export const isTerminal = (state: ImportState) => state === "completed" || state === "failed";

/** Who starts or looks at an import: the cooldown depends on their admin level. */
export interface ImportUser {
  id: number;
  adminLevel: string;
}

/**
 * When the user may request the next remote dump (ISO), or null when they may now.
 * Superadmins (and above) are never held back.
 */
export async function remoteCooldownUntil(d1: D1Database, user: ImportUser, nowMs = Date.now()): Promise<string | null> {
  if (atLeast(user.adminLevel, "superadmin")) return null;
  const at = await lastRemoteImportAt(d1, user.id);
  if (!at) return null;
  const until = Date.parse(at) + REMOTE_COOLDOWN_SECONDS * 1000;
  return until > nowMs ? new Date(until).toISOString() : null;
}

/**
 * Creates a run unless the user already has an active one (conflict, with its id). A run that
 * has not moved for STALE_AFTER_SECONDS is failed first and no longer counts.
 */
export async function createImport(d1: D1Database, userId: number, init: NewImport): Promise<{ id: number }> {
  const id = await insertImportUnlessActive(d1, userId, init, { afterSeconds: STALE_AFTER_SECONDS, error: "the import stopped making progress." });
  if (id !== null) return { id };
  const activeId = (await activeImportOf(d1, userId))?.id;
  throw new AppError("conflict", "Another import is already in progress.", activeId === undefined ? {} : { import_id: String(activeId) });
}

/** Staging finished: the run imports `slices` slices holding `total` heartbeats. */
export const beginImporting = (d1: D1Database, id: number, total: number, slices: number) => markImporting(d1, id, total, slices, "Importing heartbeats...");

/** Fails an active run with `error` ("Import failed: …") and drops its staged data. Returns whether it changed. */
export const failImport = failActiveImport;

export function progressPercent(run: ImportRow): number {
  if (run.state === "completed") return 100;
  if (run.state === "requesting_dump" || run.state === "waiting_for_dump" || run.state === "downloading_dump") {
    return Math.round(Math.min(100, Math.max(0, run.remotePercentComplete ?? 0)));
  }
  if (!(run.totalCount > 0)) return 0;
  return Math.round(Math.min(100, Math.max(0, (run.processedCount / run.totalCount) * 100)));
}

/** The status JSON (HeartbeatImportRunner.serialize). */
export function serializeImport(run: ImportRow, cooldownUntil: string | null = null) {
  return {
    import_id: String(run.id),
    state: run.state,
    source_kind: run.sourceKind,
    progress_percent: progressPercent(run),
    processed_count: run.processedCount,
    total_count: run.totalCount,
    imported_count: run.importedCount,
    skipped_count: run.skippedCount,
    errors_count: run.errorsCount,
    message: run.message ?? "",
    error_message: run.errorMessage,
    remote_dump_status: run.remoteDumpStatus,
    remote_percent_complete: run.remotePercentComplete,
    cooldown_until: cooldownUntil,
    source_filename: run.sourceFilename,
    updated_at: run.updatedAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
  };
}

export type ImportStatus = ReturnType<typeof serializeImport>;
