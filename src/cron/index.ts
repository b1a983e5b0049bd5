// Cron entry: each trigger in wrangler.toml runs the jobs registered for its expression.
// Jobs must bound their own work (paginate, or fan out through the queue).

export type CronJob = (env: Env, controller: ScheduledController) => Promise<void>;

const jobs = new Map<string, CronJob[]>();

export function registerCronJob(cron: string, job: CronJob) {
  jobs.set(cron, [...(jobs.get(cron) ?? []), job]);
}

export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const scheduled = jobs.get(controller.cron) ?? [];
  const results = await Promise.allSettled(scheduled.map((job) => job(env, controller)));
  for (const r of results) {
    if (r.status === "rejected") console.error(JSON.stringify({ level: "error", cron: controller.cron, message: String(r.reason) }));
  }
  ctx.waitUntil(Promise.resolve());
}
