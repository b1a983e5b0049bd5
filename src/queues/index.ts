// Queue consumer entry. Messages carry a `kind` and ids/cursors (never file contents); each
// kind has one handler. Failures retry with exponential backoff; after max_retries the
// platform moves the message to the dead-letter queue, whose handler sees deadLettered=true.

import { log } from "../lib/log";
import { importQueueHandlers } from "./imports";
import { REBUILD_AGGREGATES, rebuildAggregates } from "./rebuild-aggregates";
import { SHARD_MOVE, shardMove } from "./shard-moves";
import type { QueueHandler, QueueMessage } from "./types";

export type { QueueHandler, QueueMessage };

const handlers = new Map<string, QueueHandler>([[REBUILD_AGGREGATES, rebuildAggregates], [SHARD_MOVE, shardMove], ...Object.entries(importQueueHandlers)]);

export const retryDelaySeconds = (attempts: number) => Math.min(15 * 2 ** Math.max(0, attempts - 1), 900);

/**
 * A batch's messages run concurrently (their waits on Durable Objects and fetches overlap);
 * each is acked or retried on its own. Handlers are idempotent and keep shared counters with
 * atomic SQL, so order does not matter.
 */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deadLettered = batch.queue.endsWith("-dlq");
  await Promise.all(
    (batch.messages as readonly Message<QueueMessage>[]).map(async (message) => {
      const handler = handlers.get(message.body?.kind);
      if (!handler) {
        log.warn("no handler for message kind", { queue: batch.queue, kind: message.body?.kind });
        message.ack();
        return;
      }
      try {
        await handler(message.body, env, { deadLettered, attempts: message.attempts });
        message.ack();
      } catch (err) {
        log.error("queue message failed", { queue: batch.queue, kind: message.body.kind, attempts: message.attempts, error: String(err) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
