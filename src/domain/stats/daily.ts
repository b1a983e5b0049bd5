// Coding time per local day (the user's zone), split by project: the dashboard's daily chart and
// calendar, and the `days` feature of GET /api/v1/users/{username}/stats (the same function
// answers both). A day's numbers are that day's own: every chain restarts at local midnight, as
// the status bar counts "today" — so a day's total equals /api/v1/authenticated/hours for that
// one date, and the days of a range can sum to a little less than the range's total (a gap
// across midnight counts in the range, not in either day).
//
// Read from the projection's per-day rollups when no filter (or only one project) is set: the
// cost is one read of the days' rollup rows, whatever the history size. Any other filter reads
// the projection's filtered day cache (durable/filter-days.ts: each day computed once, until a
// heartbeat lands in it); db/daily-durations.ts is the reference the tests compare it with.
import type { HeartbeatFilter } from "../../db/durations";
import { userActivity } from "../../durable/stub";
import { dayNumber, formatDayNumber, parseIsoDate } from "../../lib/time";
import { decodeKey, encodeKey, microsToSeconds } from "../durations/dimensions";
import type { DurationSubject } from "../durations/query";

export interface DayActivity {
  /** YYYY-MM-DD, local to the user. */
  date: string;
  total_seconds: number;
  /** Seconds per project (null: heartbeats without a project), each project chained on its own. */
  projects: Map<string | null, number>;
}

/** The most days one request may ask for (10 years and a bit: the stats API's all-time default). */
export const MAX_DAYS = 3700;

const dayNum = (date: string) => {
  const d = parseIsoDate(date);
  if (!d) throw new Error(`not a date: ${date}`);
  return dayNumber(d.year, d.month, d.day);
};

/**
 * Days in [fromDate, toDate] (inclusive local dates) that have any time, oldest first.
 * Only whole local days: the caller picks which days a range covers.
 */
export async function dailyActivity(env: Env, user: DurationSubject, fromDate: string, toDate: string, filter: HeartbeatFilter = {}): Promise<DayActivity[]> {
  if (toDate < fromDate) return [];
  const first = Math.max(dayNum(fromDate), dayNum(toDate) - MAX_DAYS + 1);
  const from = formatDayNumber(first);
  const onlyProject = filter.projects?.length === 1 && Object.entries(filter).every(([k, v]) => k === "projects" || v === undefined);
  const noFilter = Object.values(filter).every((v) => v === undefined);
  const byDay = new Map<string, DayActivity>();
  const day = (date: string) => {
    let a = byDay.get(date);
    if (!a) byDay.set(date, (a = { date, total_seconds: 0, projects: new Map() }));
    return a;
  };

  if (noFilter) {
    // One read of the rollups: the "all" chain's days and every project's.
    for (const r of await userActivity(env, user.id).dailyTotalsByKey(user.id, user.timezone, ["all", "project"], from, toDate)) {
      if (r.dim === "all") day(r.day).total_seconds = microsToSeconds(r.micros);
      else day(r.day).projects.set(decodeKey(r.key), microsToSeconds(r.micros));
    }
  } else if (onlyProject) {
    const name = filter.projects![0];
    const rows = await userActivity(env, user.id).dailyTotals(user.id, user.timezone, "project", encodeKey(name), from, toDate);
    for (const r of rows) {
      const a = day(r.day);
      a.total_seconds = microsToSeconds(r.micros);
      a.projects.set(name, a.total_seconds);
    }
  } else {
    // Any other filter: the projection's filtered day cache (each day's entries computed once).
    for (const r of await userActivity(env, user.id).filteredDailyTotals(user.id, user.timezone, filter, ["project"], from, toDate)) {
      if (r.dim === "all") day(r.day).total_seconds = microsToSeconds(r.micros);
      else day(r.day).projects.set(decodeKey(r.key), microsToSeconds(r.micros));
    }
  }
  return [...byDay.values()].filter((a) => a.total_seconds > 0 || [...a.projects.values()].some((s) => s > 0)).sort((a, b) => (a.date < b.date ? -1 : 1));
}
