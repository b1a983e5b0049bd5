// Importing one staged slice: the import rules, then the same write path as live ingestion
// (the user's UserActivity stores the batch in D1 with ON CONFLICT DO NOTHING on the dedup key
// and folds the new rows into the projection). Counts: imported (new rows), skipped
// (duplicates of stored rows or of earlier items), errors (items that fail normalisation).
import { log } from "../../lib/log";
import { latestFieldValue } from "../../db/heartbeats";
import { userActivity } from "../../durable/stub";
import { safeTimeZone } from "../../lib/time";
import { prepareHeartbeats, type NormalizedHeartbeat } from "../heartbeats/normalize";
import { postImport, preImport } from "./normalize";
import { sliceMessage } from "./messages";
import { finishSlice, getImport, type ImportRow, type SliceCounts } from "./runs";

/** An importing run whose counters have not moved for this long gets its open slices re-queued. */
export const RESUME_AFTER_SECONDS = 10 * 60;
const RESUME_MAX_SLICES = 2000;

/** Which of a batch's keys are stored already: the unique index (user_id, fields_hash) answers it. */
export const EXISTING_HASHES_SQL =
  "SELECT fields_hash FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND fields_hash IN (SELECT value FROM json_each(?2))";

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
  const hashes = [...new Set(valid.map((h) => h.fields_hash))];
  const existing = new Set<string>();
  if (hashes.length) {
    const { results } = await env.DB.prepare(EXISTING_HASHES_SQL)
      .bind(user.id, JSON.stringify(hashes))
      .all<{ fields_hash: string }>();
    for (const r of results) existing.add(r.fields_hash);
  }
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
  const run = await getImport(env.DB, importId);
  if (!run || run.state !== "importing") return "not_importing";
  const slice = await env.DB.prepare("SELECT body, done_at FROM heartbeat_import_slices WHERE import_id = ?1 AND seq = ?2")
    .bind(importId, seq)
    .first<{ body: string; done_at: string | null }>();
  if (!slice || slice.done_at) return "already_done";
  const user = await env.DB.prepare("SELECT id, timezone FROM users WHERE id = ?1").bind(run.user_id).first<{ id: number; timezone: string }>();
  if (!user) throw new Error(`user ${run.user_id} of import ${importId} not found`);
  const items = JSON.parse(slice.body) as unknown;
  if (!Array.isArray(items)) throw new Error(`slice ${seq} of import ${importId} is not a JSON array`);
  const counts = await importHeartbeatBatch(env, { id: user.id, timezone: safeTimeZone(user.timezone) }, items);
  const { counted } = await finishSlice(env.DB, importId, seq, counts);
  return counted ? "imported" : "already_done";
}

/**
 * Re-queues the slices of an importing run that has made no progress for RESUME_AFTER_SECONDS
 * (a lost message must not leave a run hanging). Safe to repeat: a done slice is skipped and a
 * slice is counted once. Returns how many messages were sent.
 */
export async function resumeStalled(env: Env, run: ImportRow, nowMs = Date.now()): Promise<number> {
  if (run.state !== "importing" || nowMs - Date.parse(run.updated_at) < RESUME_AFTER_SECONDS * 1000) return 0;
  // Claim the resume (one caller wins) by touching updated_at.
  const claimed = await env.DB.prepare(
    "UPDATE heartbeat_imports SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 AND state = 'importing' AND updated_at = ?2",
  )
    .bind(run.id, run.updated_at)
    .run();
  if (!claimed.meta.changes) return 0;
  const { results } = await env.DB.prepare("SELECT seq FROM heartbeat_import_slices WHERE import_id = ?1 AND seq >= 0 AND done_at IS NULL ORDER BY seq LIMIT ?2")
    .bind(run.id, RESUME_MAX_SLICES)
    .all<{ seq: number }>();
  for (let i = 0; i < results.length; i += 100) await env.IMPORTS.sendBatch(results.slice(i, i + 100).map((r) => ({ body: sliceMessage(run.id, r.seq) })));
  if (results.length) log.warn("import resumed", { import_id: run.id, slices: results.length });
  return results.length;
}
