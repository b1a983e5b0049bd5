// Worker entry: HTTP, queue and cron handlers, and the Durable Object classes.
import { buildApp } from "./app";
import { handleQueueBatch } from "./queues";
import { handleScheduled } from "./cron";

export { UserActivity } from "./durable/user-activity";

const app = buildApp();

export default {
  fetch: app.fetch,
  queue: handleQueueBatch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
