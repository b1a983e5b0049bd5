import type { QueueHandler } from "./types";

/** Queue message kinds → handlers for heartbeat imports. */
export const importQueueHandlers: Record<string, QueueHandler> = {};
