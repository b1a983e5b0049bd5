// Importing one staged slice: the import rules, then the same write path as live ingestion
// (the user's UserActivity stores the batch in D1 with ON CONFLICT DO NOTHING on the dedup key
// and folds the new rows into the projection). Counts: imported (new rows), skipped
// (duplicates of stored rows or of earlier items), errors (items that fail normalisation).
import { latestFieldValue } from "../../db/heartbeats";
import { claimImportingRun, countSliceOnce, existingFieldsHashes, importById, openSliceSeqs, sliceOf, type ImportRow, type SliceCounts } from "../../db/imports";
import { userById } from "../../db/users";
import { userActivity } from "../../durable/stub";
import { log } from "../../lib/log";
import { safeTimeZone } from "../../lib/time";
import { prepareHeartbeats, type NormalizedHeartbeat } from "../heartbeats/normalize";
import { postImport, preImport } from "./normalize";
import { enqueueSlices } from "./messages";

/** An importing run whose counters have not moved for this long gets its open slices re-queued. */
export const RESUME_AFTER_SECONDS = 10 * 60;
const RESUME_MAX_SLICES = 2000;

export type SliceOutcome = "imported" | "already_done" | "not_importing";

/** Normalises and stores a batch of dump heartbeats for a user; returns the counts. */
export async function importHeartbeatBatch(env: Env, user: { id: number; timezone: string }, items: unknown[]): Promise<SliceCounts> {
  const pre = items.map(preImport);
  const prepared = await prepareHeartbeats(
    pre.map((p) => p.item),
    { userId: user.id, userAgentHeader: null, machineHeader: null, ipAddress: null, sourceType: "wakapi_import" },
    (field, project) => latestFieldValue(env.DB, user.id, field, project),
  );
  const final = await Promise.all(prepared.map((p, i) => postImport(p, pre[i])));

  const valid: NormalizedHeartbeat[] = [];
  let errors = 0;
  for (const p of final) {
    if (p.ok) valid.push(p.heartbeat);
    else errors++;
  }
  const existing = await existingFieldsHashes(env.DB, user.id, [...new Set(valid.map((h) => h.fields_hash))]);
  const fresh: NormalizedHeartbeat[] = [];
  const seen = new Set<string>();
  for (const h of valid) {
    if (existing.has(h.fields_hash) || seen.has(h.fields_hash)) continue;
    seen.add(h.fields_hash);
    fresh.push(h);
  }
  if (fresh.length) await userActivity(env, user.id).ingest(user.id, user.timezone, fresh);
  return { processed: items.length, imported: fresh.length, skipped: valid.length - fresh.length, errors };
}

/**
 * Imports slice `seq` of run `importId` once. A slice already done (a redelivered message) and
 * a run that is no longer importing do nothing. Errors propagate (the queue retries).
 */
export async function importSlice(env: Env, importId: number, seq: number): Promise<SliceOutcome> {
  const run = await importById(env.DB, importId);
  if (!run || run.state !== "importing") return "not_importing";
  const slice = await sliceOf(env.DB, importId, seq);
  if (!slice || slice.doneAt) return "already_done";
  const user = await userById(env.DB, run.userId);
  if (!user) throw new Error(`user ${run.userId} of import ${importId} not found`);
  const items = JSON.parse(slice.body) as unknown;
  if (!Array.isArray(items)) throw new Error(`slice ${seq} of import ${importId} is not a JSON array`);
  const counts = await importHeartbeatBatch(env, { id: user.id, timezone: safeTimeZone(user.timezone) }, items);
  const { counted } = await countSliceOnce(env.DB, importId, seq, counts);
  return counted ? "imported" : "already_done";
}

/**
 * Re-queues the slices of an importing run that has made no progress for RESUME_AFTER_SECONDS
 * (a lost message must not leave a run hanging). Safe to repeat: a done slice is skipped and a
 * slice is counted once. Returns how many messages were sent.
 */
export async function resumeStalled(env: Env, run: ImportRow, nowMs = Date.now()): Promise<number> {
  if (run.state !== "importing" || nowMs - Date.parse(run.updatedAt) < RESUME_AFTER_SECONDS * 1000) return 0;
  // Claim the resume (one caller wins) by touching updated_at.
  if (!(await claimImportingRun(env.DB, run.id, run.updatedAt))) return 0;
  const seqs = await openSliceSeqs(env.DB, run.id, RESUME_MAX_SLICES);
  await enqueueSlices(env.IMPORTS, run.id, seqs);
  if (seqs.length) log.warn("import resumed", { import_id: run.id, slices: seqs.length });
  return seqs.length;
}
