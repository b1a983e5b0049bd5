// Heartbeat imports through the queue (domain/imports): one message per staged slice, and the
// remote-dump steps. A message that reaches the dead-letter queue fails its run.
import { log } from "../lib/log";
import { IMPORT_REMOTE, IMPORT_SLICE, type ImportRemoteMessage } from "../domain/imports/messages";
import { failImport } from "../domain/imports/runs";
import { importSlice } from "../domain/imports/slices";
import { runRemoteStep } from "../domain/imports/start";
import type { QueueHandler } from "./types";

const slice: QueueHandler = async (body, env, meta) => {
  const importId = Number(body.import_id);
  const seq = Number(body.seq);
  if (!Number.isSafeInteger(importId) || !Number.isSafeInteger(seq)) return;
  if (meta.deadLettered) {
    const failed = await failImport(env, importId, `Part ${seq + 1} of the file could not be imported after several attempts.`);
    if (failed) log.error("import slice dead-lettered", { import_id: importId, seq });
    return;
  }
  await importSlice(env, importId, seq);
};

const remote: QueueHandler = async (body, env, meta) => {
  if (!Number.isSafeInteger(Number(body.import_id))) return;
  await runRemoteStep(env, body as unknown as ImportRemoteMessage, { deadLettered: meta.deadLettered });
};

/** Queue message kinds → handlers for heartbeat imports. */
export const importQueueHandlers: Record<string, QueueHandler> = {
  [IMPORT_SLICE]: slice,
  [IMPORT_REMOTE]: remote,
};
