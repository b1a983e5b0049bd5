// Staging: a dump's bytes (optionally gzipped) → heartbeat objects → slices of ≤ 500 heartbeats
// (and ≤ ~1 MB) in heartbeat_import_slices. The bytes are streamed through gunzip, a streaming
// UTF-8 decoder and the incremental scanner; only the slice being filled is held in memory.
import { insertSlice } from "../../db/imports";
import { HeartbeatScanner, ImportFileError } from "./scanner";

export const SLICE_HEARTBEATS = 500;
export const SLICE_MAX_CHARS = 1_000_000;
/** Upper bound on one import: what the queue and D1 should be asked to hold for one run. */
export const MAX_IMPORT_HEARTBEATS = 2_000_000;
/** Upper bound on the decompressed text of one file (a gzip bomb stops here). */
export const MAX_IMPORT_CHARS = 1_500_000_000;

export interface StageResult {
  total: number;
  slices: number;
}

export interface StageOptions {
  /** Rewrites each parsed heartbeat before it is staged (e.g. WakaTime user_agent_id → UA). */
  transform?: (heartbeat: Record<string, unknown>) => Record<string, unknown>;
  maxHeartbeats?: number;
}

/** Passes the stream through gunzip when it starts with the gzip magic bytes (1f 8b). */
export async function maybeGunzip(body: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < 2) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    if (value.length) {
      head.push(value);
      size += value.length;
    }
  }
  const first = head[0];
  const second = first && first.length > 1 ? first[1] : head[1]?.[0];
  const gzip = first !== undefined && first[0] === 0x1f && second === 0x8b;
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const h of head) controller.enqueue(h);
      if (ended) controller.close();
    },
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return gzip ? replay.pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : replay;
}

/**
 * Streams `body` into slices 0, 1, 2 … of import `importId`. Throws ImportFileError for a file
 * that is not a heartbeat dump (the caller fails the run); the slices already written are left
 * for the caller to delete.
 */
export async function stageHeartbeats(d1: D1Database, importId: number, body: ReadableStream<Uint8Array>, opts: StageOptions = {}): Promise<StageResult> {
  const max = opts.maxHeartbeats ?? MAX_IMPORT_HEARTBEATS;
  const scanner = new HeartbeatScanner();
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
  const found: string[] = [];
  let pending: string[] = [];
  let pendingChars = 0;
  let total = 0;
  let slices = 0;
  let inflight: Promise<unknown> | null = null;
  let chars = 0;

  const flush = async () => {
    if (!pending.length) return;
    const seq = slices++;
    const text = `[${pending.join(",")}]`;
    const first = total - pending.length;
    pending = [];
    pendingChars = 0;
    let items: Record<string, unknown>[];
    try {
      items = JSON.parse(text);
    } catch (e) {
      throw new ImportFileError(`Invalid JSON in heartbeats ${first + 1}–${total}: ${(e as Error).message}`);
    }
    const stored = opts.transform ? JSON.stringify(items.map(opts.transform)) : text;
    // One write in flight while the next slice is scanned.
    if (inflight) await inflight;
    inflight = insertSlice(d1, importId, seq, stored);
  };

  const take = async () => {
    for (const obj of found) {
      if (pendingChars + obj.length + 1 > SLICE_MAX_CHARS && pending.length) await flush();
      pending.push(obj);
      pendingChars += obj.length + 1;
      total++;
      if (total > max) throw new ImportFileError(`An import holds at most ${max} heartbeats.`);
      if (pending.length >= SLICE_HEARTBEATS) await flush();
    }
    found.length = 0;
  };

  const reader = (await maybeGunzip(body)).getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new ImportFileError(`Could not read the file: ${(e as Error).message}`);
      }
      if (chunk.done) break;
      const text = decoder.decode(chunk.value, { stream: true });
      chars += text.length;
      if (chars > MAX_IMPORT_CHARS) throw new ImportFileError(`The file is larger than ${MAX_IMPORT_CHARS / 1e9} GB of JSON.`);
      scanner.push(text, found);
      if (found.length) await take();
    }
    scanner.push(decoder.decode(), found);
    scanner.end();
    await take();
    await flush();
    if (inflight) await inflight;
  } catch (e) {
    await reader.cancel().catch(() => {});
    if (inflight) await (inflight as Promise<unknown>).catch(() => {});
    throw e;
  }
  if (total === 0) throw new ImportFileError("Expected a heartbeat export JSON file.");
  return { total, slices };
}
