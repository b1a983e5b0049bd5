// Cron entry: each trigger in wrangler.toml runs the jobs listed for its expression.
// Jobs must bound their own work (paginate, or fan out through the queue).
import { log } from "../lib/log";
import { deletionJobs } from "./deletions";
import { leaderboardJobs } from "./leaderboards";
import type { CronJob } from "./types";

export type { CronJob };

function jobsFor(cron: string): CronJob[] {
  return [...(leaderboardJobs[cron] ?? []), ...(deletionJobs[cron] ?? [])];
}

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const results = await Promise.allSettled(jobsFor(controller.cron).map((job) => job(env, controller)));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  for (const r of failed) log.error("cron handler failed", { cron: controller.cron, error: String(r.reason) });
  // A failed job fails the invocation, so the platform records it.
  if (failed.length) throw failed[0].reason;
}
