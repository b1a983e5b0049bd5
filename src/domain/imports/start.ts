// Starting imports (the request side) and the remote-dump steps (the queue side). The request
// only validates and stages; the queue imports slice by slice (slices.ts).
import { AppError } from "../../lib/errors";
import { enqueueSlices, remoteMessage, type ImportRemoteMessage } from "./messages";
import {
  DumpAuthError,
  DumpClient,
  DumpRequestError,
  ManualDownloadRequired,
  remoteBaseUrl,
  sourceName,
  userAgentTransform,
  type FetchFn,
  type RemoteDump,
  type RemoteKind,
} from "./remote";
import { beginImporting, createImport, failImport, getImport, isTerminal, remoteCooldownUntil, updateActive, type ImportRow, type ImportSourceKind } from "./runs";
import { ImportFileError } from "./scanner";
import { stageHeartbeats, type StageOptions } from "./stage";

export const PROVIDERS: Record<string, RemoteKind> = {
  wakatime: "wakatime_dump",
  wakatime_dump: "wakatime_dump",
  hackatime_v1: "hackatime_v1_dump",
  hackatime_v1_dump: "hackatime_v1_dump",
};
export const WAKATIME_DOWNLOAD_PREFIX = "https://wakatime.s3.amazonaws.com/";
export const POLL_INTERVAL_SECONDS = 3;
export const MAX_POLL_SECONDS = 30 * 60;
const CREDENTIAL_SEQ = -1;

/** A started import run. Refusals throw AppError (conflict, invalid_parameter, rate_limited). */
export type StartResult = { id: number; total?: number };

const anotherImportRunning = (activeId: number | null) =>
  new AppError("conflict", "Another import is already in progress.", activeId === null ? {} : { import_id: String(activeId) });

/**
 * Stages an uploaded (or downloaded) dump into the run's slices, then moves the run to
 * `importing` and queues one message per slice. A file that is not a heartbeat dump fails the
 * run with its reason (ImportFileError is rethrown for the caller to report).
 */
export async function stageAndQueue(env: Env, importId: number, body: ReadableStream<Uint8Array>, opts: StageOptions = {}): Promise<{ total: number; slices: number }> {
  try {
    await env.DB.prepare("DELETE FROM heartbeat_import_slices WHERE import_id = ?1 AND seq >= 0").bind(importId).run();
    const staged = await stageHeartbeats(env.DB, importId, body, opts);
    if (await beginImporting(env.DB, importId, staged.total, staged.slices)) await enqueueSlices(env.IMPORTS, importId, staged.slices);
    return staged;
  } catch (e) {
    if (e instanceof ImportFileError) await failImport(env.DB, importId, e.message);
    throw e;
  }
}

/** An uploaded file (dev_upload): the run is created, the file staged and queued. */
export async function startUpload(env: Env, userId: number, filename: string | null, body: ReadableStream<Uint8Array>): Promise<StartResult> {
  const created = await createImport(env.DB, userId, { sourceKind: "dev_upload", state: "queued", filename, message: "Queued import." });
  if (!created.ok) {
    await body.cancel().catch(() => {});
    throw anotherImportRunning(created.activeId);
  }
  try {
    const staged = await stageAndQueue(env, created.id, body);
    return { id: created.id, total: staged.total };
  } catch (e) {
    if (e instanceof ImportFileError) throw new AppError("invalid_parameter", e.message, { import_id: String(created.id) });
    await failImport(env.DB, created.id, "The file could not be staged.");
    throw e;
  }
}

/** A remote dump import: the API key is kept (staged, not queued) until the dump is downloaded. */
export async function startRemote(env: Env, user: { id: number; adminLevel: string }, kind: RemoteKind, apiKey: string): Promise<StartResult> {
  if (user.adminLevel !== "superadmin" && user.adminLevel !== "ultraadmin") {
    const until = await remoteCooldownUntil(env.DB, user.id);
    if (until) throw new AppError("rate_limited", "Remote imports are limited to once every 8 minutes.", { cooldown_until: until });
  }
  const created = await createImport(env.DB, user.id, { sourceKind: kind, state: "queued", message: "Queued import." });
  if (!created.ok) throw anotherImportRunning(created.activeId);
  await env.DB.prepare(`INSERT INTO heartbeat_import_slices (import_id, seq, body, done_at) VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`)
    .bind(created.id, CREDENTIAL_SEQ, JSON.stringify({ api_key: apiKey }))
    .run();
  await env.IMPORTS.send(remoteMessage(created.id, "request"));
  return { id: created.id };
}

/** A WakaTime download link (https://wakatime.s3.amazonaws.com/…): downloaded by the queue. */
export async function startDownloadLink(env: Env, userId: number, url: string): Promise<StartResult> {
  if (!url.startsWith(WAKATIME_DOWNLOAD_PREFIX)) throw new AppError("invalid_parameter", "Download link must start with https://wakatime.s3.amazonaws.com.");
  const created = await createImport(env.DB, userId, {
    sourceKind: "wakatime_download_link",
    state: "downloading_dump",
    message: "Downloading data dump...",
    remoteDumpStatus: "Manual download link received",
  });
  if (!created.ok) throw anotherImportRunning(created.activeId);
  await env.IMPORTS.send(remoteMessage(created.id, "download", { download_url: url }));
  return { id: created.id };
}

async function credential(d1: D1Database, importId: number): Promise<string | null> {
  const row = await d1.prepare("SELECT body FROM heartbeat_import_slices WHERE import_id = ?1 AND seq = ?2").bind(importId, CREDENTIAL_SEQ).first<{ body: string }>();
  if (!row) return null;
  try {
    const key = (JSON.parse(row.body) as { api_key?: unknown }).api_key;
    return typeof key === "string" && key !== "" ? key : null;
  } catch {
    return null;
  }
}

const dropCredential = (d1: D1Database, importId: number) => d1.prepare("DELETE FROM heartbeat_import_slices WHERE import_id = ?1 AND seq = ?2").bind(importId, CREDENTIAL_SEQ).run();

const waitingMessage = (dump: RemoteDump) => {
  const status = dump.status || "Preparing data dump";
  return dump.percent_complete > 0 ? `${status} (${Math.round(dump.percent_complete)}%)` : `${status}...`;
};

/** What a run says when the remote service kept failing until the queue gave up. */
export function transientFailureMessage(kind: ImportSourceKind): string {
  return `${sourceName(kind)} could not be reached while processing the import. Please try again.`;
}

/**
 * One step of a remote import: request the dump, poll it (re-queued every 3 s for up to 30
 * minutes), download and stage it. Auth and request errors fail the run; transient errors
 * (408, 429, 5xx, network) throw so the queue retries with backoff, and the dead-letter
 * queue's delivery fails the run.
 */
export async function runRemoteStep(env: Env, msg: ImportRemoteMessage, opts: { deadLettered?: boolean; fetchFn?: FetchFn } = {}): Promise<void> {
  const id = Number(msg.import_id);
  const run = await getImport(env.DB, id);
  if (!run || isTerminal(run.state)) return;
  if (opts.deadLettered) {
    await failImport(env.DB, id, transientFailureMessage(run.source_kind));
    return;
  }
  const pollable = run.state === "queued" || run.state === "requesting_dump" || run.state === "waiting_for_dump";
  if ((msg.step === "download" && run.state !== "downloading_dump") || (msg.step !== "download" && !pollable)) return; // a stale redelivery
  if (run.source_kind === "dev_upload") return;
  const kind = run.source_kind;

  const apiKey = kind === "wakatime_download_link" ? null : await credential(env.DB, id);
  if (kind !== "wakatime_download_link" && !apiKey) {
    await failImport(env.DB, id, "The API key for this import is no longer available. Please start the import again.");
    return;
  }
  const client = new DumpClient(kind, apiKey, remoteBaseUrl(env, kind), opts.fetchFn);
  try {
    if (msg.step === "request") {
      await updateActive(env.DB, id, { state: "requesting_dump", message: "Requesting data dump...", error_message: null });
      const dump = await client.requestDump();
      await updateActive(env.DB, id, { state: "waiting_for_dump", remote_dump_status: dump.status, remote_percent_complete: dump.percent_complete, message: waitingMessage(dump) });
      await afterDump(env, run, dump);
    } else if (msg.step === "poll") {
      const dump = (await client.listDumps()).find((d) => d.id === String(msg.dump_id));
      if (!dump) throw new DumpRequestError(`Data dump ${msg.dump_id} was not found.`);
      await afterDump(env, run, dump);
    } else {
      const url = String(msg.download_url ?? "");
      const agents = kind !== "hackatime_v1_dump" && apiKey ? await client.userAgents() : null;
      const res = await client.download(url);
      await updateActive(env.DB, id, { message: "Importing heartbeats..." });
      await stageAndQueue(env, id, res.body!, agents && agents.size ? { transform: userAgentTransform(agents) } : {});
      await dropCredential(env.DB, id);
    }
  } catch (e) {
    if (e instanceof DumpAuthError) await failImport(env.DB, id, `${sourceName(kind)} rejected the import because the API key is invalid.`);
    else if (e instanceof ManualDownloadRequired)
      await failImport(env.DB, id, "WakaTime needs a recent export download link. Export your heartbeats at https://wakatime.com/settings/account, then import the file or its download link.");
    else if (e instanceof DumpRequestError || e instanceof ImportFileError) await failImport(env.DB, id, e.message);
    else throw e;
  }
}

async function afterDump(env: Env, run: ImportRow, dump: RemoteDump): Promise<void> {
  const id = run.id;
  if (dump.has_failed || dump.is_stuck) {
    await failImport(env.DB, id, "The remote provider could not finish preparing the data dump.");
    return;
  }
  if (!dump.is_processing && dump.download_url) {
    const moved = await updateActive(env.DB, id, {
      state: "downloading_dump",
      remote_dump_status: dump.status,
      remote_percent_complete: dump.percent_complete > 0 ? dump.percent_complete : 100,
      message: "Downloading data dump...",
      error_message: null,
    });
    if (moved) await env.IMPORTS.send(remoteMessage(id, "download", { download_url: dump.download_url }));
    return;
  }
  await updateActive(env.DB, id, { state: "waiting_for_dump", remote_dump_status: dump.status, remote_percent_complete: dump.percent_complete, message: waitingMessage(dump) });
  const startedMs = Date.parse(run.started_at ?? run.created_at);
  if (Date.now() - startedMs >= MAX_POLL_SECONDS * 1000) {
    await failImport(env.DB, id, `Data dump did not complete within ${MAX_POLL_SECONDS / 60} minutes.`);
    return;
  }
  await env.IMPORTS.send(remoteMessage(id, "poll", { dump_id: dump.id }), { delaySeconds: POLL_INTERVAL_SECONDS });
}
