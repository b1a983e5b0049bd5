// Starting imports (the request side) and the remote-dump steps (the queue side). The request
// only validates and stages; the queue imports slice by slice (slices.ts).
import { credentialOf, deleteHeartbeatSlices, dropCredential, importById, putCredential, updateActiveImport, type ImportRow, type ImportSourceKind } from "../../db/imports";
import { AppError } from "../../lib/errors";
import { allSlices, enqueueSlices, remoteMessage, type ImportRemoteMessage } from "./messages";
import { DumpClient, RemoteDumpError, remoteBaseUrl, sourceName, userAgentTransform, type FetchFn, type RemoteDump, type RemoteKind } from "./remote";
import { beginImporting, createImport, failImport, isTerminal, remoteCooldownUntil, type ImportUser } from "./runs";
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

/** A started import run. Refusals throw AppError (conflict, invalid_parameter, rate_limited). */
export type StartResult = { id: number; total?: number };

/**
 * Stages an uploaded (or downloaded) dump into the run's slices, then moves the run to
 * `importing` and queues one message per slice. A file that is not a heartbeat dump fails the
 * run with its reason (ImportFileError is rethrown for the caller to report).
 */
export async function stageAndQueue(env: Env, importId: number, body: ReadableStream<Uint8Array>, opts: StageOptions = {}): Promise<{ total: number; slices: number }> {
  try {
    await deleteHeartbeatSlices(env.DB, importId);
    const staged = await stageHeartbeats(env.DB, importId, body, opts);
    if (await beginImporting(env.DB, importId, staged.total, staged.slices)) await enqueueSlices(env.IMPORTS, importId, allSlices(staged.slices));
    return staged;
  } catch (e) {
    if (e instanceof ImportFileError) await failImport(env.DB, importId, e.message);
    throw e;
  }
}

/** An uploaded file (dev_upload): the run is created, the file staged and queued. */
export async function startUpload(env: Env, userId: number, filename: string | null, body: ReadableStream<Uint8Array>): Promise<StartResult> {
  let created: { id: number };
  try {
    created = await createImport(env.DB, userId, { sourceKind: "dev_upload", state: "queued", filename, message: "Queued import." });
  } catch (e) {
    await body.cancel().catch(() => {});
    throw e;
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
export async function startRemote(env: Env, user: ImportUser, kind: RemoteKind, apiKey: string): Promise<StartResult> {
  const until = await remoteCooldownUntil(env.DB, user);
  if (until) throw new AppError("rate_limited", "Remote imports are limited to once every 8 minutes.", { cooldown_until: until });
  const created = await createImport(env.DB, user.id, { sourceKind: kind, state: "queued", message: "Queued import." });
  await putCredential(env.DB, created.id, JSON.stringify({ api_key: apiKey }));
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
  await env.IMPORTS.send(remoteMessage(created.id, "download", { download_url: url }));
  return { id: created.id };
}

async function credential(d1: D1Database, importId: number): Promise<string | null> {
  const body = await credentialOf(d1, importId);
  if (body === null) return null;
  try {
    const key = (JSON.parse(body) as { api_key?: unknown }).api_key;
    return typeof key === "string" && key !== "" ? key : null;
  } catch {
    return null;
  }
}

const waitingMessage = (dump: RemoteDump) => {
  const status = dump.status || "Preparing data dump";
  return dump.percent_complete > 0 ? `${status} (${Math.round(dump.percent_complete)}%)` : `${status}...`;
};

/** What a run says when the remote service kept failing until the queue gave up. */
export function transientFailureMessage(kind: ImportSourceKind): string {
  return `${sourceName(kind)} could not be reached while processing the import. Please try again.`;
}

/** Why a remote run failed, as the user reads it. */
function remoteFailureMessage(kind: ImportSourceKind, e: RemoteDumpError): string {
  switch (e.reason) {
    case "auth":
      return `${sourceName(kind)} rejected the import because the API key is invalid.`;
    case "manual_download":
      return "WakaTime needs a recent export download link. Export your heartbeats at https://wakatime.com/settings/account, then import the file or its download link.";
    default:
      return e.message;
  }
}

/**
 * One step of a remote import: request the dump, poll it (re-queued every 3 s for up to 30
 * minutes), download and stage it. Auth and request errors fail the run; transient errors
 * (408, 429, 5xx, network) throw so the queue retries with backoff, and the dead-letter
 * queue's delivery fails the run.
 */
export async function runRemoteStep(env: Env, msg: ImportRemoteMessage, opts: { deadLettered?: boolean; fetchFn?: FetchFn } = {}): Promise<void> {
  const id = Number(msg.import_id);
  const run = await importById(env.DB, id);
  if (!run || isTerminal(run.state)) return;
  if (opts.deadLettered) {
    await failImport(env.DB, id, transientFailureMessage(run.sourceKind));
    return;
  }
  const pollable = run.state === "queued" || run.state === "requesting_dump" || run.state === "waiting_for_dump";
  if ((msg.step === "download" && run.state !== "downloading_dump") || (msg.step !== "download" && !pollable)) return; // a stale redelivery
  if (run.sourceKind === "dev_upload") return;
  const kind = run.sourceKind;

  const apiKey = kind === "wakatime_download_link" ? null : await credential(env.DB, id);
  if (kind !== "wakatime_download_link" && !apiKey) {
    await failImport(env.DB, id, "The API key for this import is no longer available. Please start the import again.");
    return;
  }
  const client = new DumpClient(kind, apiKey, remoteBaseUrl(env, kind), opts.fetchFn);
  try {
    if (msg.step === "request") {
      await updateActiveImport(env.DB, id, { state: "requesting_dump", message: "Requesting data dump...", errorMessage: null });
      const dump = await client.requestDump();
      await updateActiveImport(env.DB, id, { state: "waiting_for_dump", remoteDumpStatus: dump.status, remotePercentComplete: dump.percent_complete, message: waitingMessage(dump) });
      await afterDump(env, run, dump);
    } else if (msg.step === "poll") {
      const dump = (await client.listDumps()).find((d) => d.id === String(msg.dump_id));
      if (!dump) throw new RemoteDumpError("refused", `Data dump ${msg.dump_id} was not found.`);
      await afterDump(env, run, dump);
    } else {
      const url = String(msg.download_url ?? "");
      const agents = kind !== "hackatime_v1_dump" && apiKey ? await client.userAgents() : null;
      const res = await client.download(url);
      await updateActiveImport(env.DB, id, { message: "Importing heartbeats..." });
      await stageAndQueue(env, id, res.body!, agents && agents.size ? { transform: userAgentTransform(agents) } : {});
      await dropCredential(env.DB, id);
    }
  } catch (e) {
    if (e instanceof RemoteDumpError) await failImport(env.DB, id, remoteFailureMessage(kind, e));
    else if (e instanceof ImportFileError) await failImport(env.DB, id, e.message);
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
    const moved = await updateActiveImport(env.DB, id, {
      state: "downloading_dump",
      remoteDumpStatus: dump.status,
      remotePercentComplete: dump.percent_complete > 0 ? dump.percent_complete : 100,
      message: "Downloading data dump...",
      errorMessage: null,
    });
    if (moved) await env.IMPORTS.send(remoteMessage(id, "download", { download_url: dump.download_url }));
    return;
  }
  await updateActiveImport(env.DB, id, { state: "waiting_for_dump", remoteDumpStatus: dump.status, remotePercentComplete: dump.percent_complete, message: waitingMessage(dump) });
  const startedMs = Date.parse(run.startedAt ?? run.createdAt);
  if (Date.now() - startedMs >= MAX_POLL_SECONDS * 1000) {
    await failImport(env.DB, id, `Data dump did not complete within ${MAX_POLL_SECONDS / 60} minutes.`);
    return;
  }
  await env.IMPORTS.send(remoteMessage(id, "poll", { dump_id: dump.id }), { delaySeconds: POLL_INTERVAL_SECONDS });
}
