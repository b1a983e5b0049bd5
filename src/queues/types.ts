export interface QueueMessage {
  kind: string;
  [field: string]: unknown;
}

export type QueueHandler = (body: QueueMessage, env: Env, meta: { deadLettered: boolean; attempts: number }) => Promise<void>;
