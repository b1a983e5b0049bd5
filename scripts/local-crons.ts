// `wrangler dev` never fires cron triggers by itself. This driver does, for `npm start`: at
// the top of every UTC minute it dispatches each trigger of wrangler.toml whose schedule
// matches, with that minute as the scheduled time, as Cloudflare would. Dispatch goes through
// miniflare's local endpoint (/cdn-cgi/local/scheduled), which keeps the request log quiet;
// /__scheduled?cron=… (wrangler's --test-scheduled) does the same by hand.
import { parseCron, type CronSchedule } from "./cron-schedule";

export interface CronDriver {
  schedules: CronSchedule[];
  stop(): void;
}

export function startLocalCrons(base: string, expressions: string[], log: (line: string) => void): CronDriver {
  const schedules = expressions.map(parseCron);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = async (schedule: CronSchedule, minute: Date) => {
    const url = `${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(schedule.expression)}&time=${minute.getTime()}`;
    try {
      const res = await fetch(url);
      if (!res.ok) log(`cron "${schedule.expression}" answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    } catch (e) {
      if (!stopped) log(`cron "${schedule.expression}" could not be fired: ${(e as Error).message}`);
    }
  };

  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    const minute = new Date(now - (now % 60_000));
    for (const s of schedules) if (s.matches(minute)) void fire(s, minute);
    armForNextMinute();
  };
  const armForNextMinute = () => {
    const now = Date.now();
    timer = setTimeout(tick, 60_000 - (now % 60_000) + 50);
  };

  armForNextMinute();
  return {
    schedules,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
