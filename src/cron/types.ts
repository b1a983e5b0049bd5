export type CronJob = (env: Env, controller: ScheduledController) => Promise<void>;
