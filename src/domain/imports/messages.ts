// Queue messages of heartbeat imports: ids and cursors only (never file contents).
export const IMPORT_SLICE = "import_slice";
export const IMPORT_REMOTE = "import_remote";

export type RemoteStep = "request" | "poll" | "download";

export interface ImportSliceMessage {
  kind: typeof IMPORT_SLICE;
  import_id: number;
  seq: number;
}

export interface ImportRemoteMessage {
  kind: typeof IMPORT_REMOTE;
  import_id: number;
  step: RemoteStep;
  dump_id?: string;
  download_url?: string;
}

export const sliceMessage = (importId: number, seq: number): ImportSliceMessage => ({ kind: IMPORT_SLICE, import_id: importId, seq });

export const remoteMessage = (importId: number, step: RemoteStep, extra: { dump_id?: string; download_url?: string } = {}): ImportRemoteMessage => ({
  kind: IMPORT_REMOTE,
  import_id: importId,
  step,
  ...extra,
});

/** One message per slice `seqs`, sent 100 to a sendBatch call (the platform's limit). */
export async function enqueueSlices(queue: Queue, importId: number, seqs: number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += 100) await queue.sendBatch(seqs.slice(i, i + 100).map((seq) => ({ body: sliceMessage(importId, seq) })));
}

/** Slices 0 … count-1. */
export const allSlices = (count: number) => Array.from({ length: count }, (_, seq) => seq);
