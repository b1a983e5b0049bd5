// Per-local-day totals from the user's projection (UserActivity's rollups): each day's own chain,
// restarted at local midnight, exactly what the status bar shows for that day. Days without a
// heartbeat have no row. Used for best days, active-day counts and goal charts.
import { userActivity } from "../../durable/stub";
import { parseDay } from "../../lib/dates";
import { formatDayNumber } from "../../lib/time";
import { ALL_KEY, microsToSeconds, type Dimension } from "../durations/dimensions";
import type { DurationSubject } from "../durations/query";
import { QUERY_TIME_LIMIT } from "../stats/summaries";
import type { DayRange } from "./ranges";

/** The local days the projection can hold (stored heartbeat times lie in [1970, 2100)). */
const LAST_QUERYABLE_DAY = Math.floor(QUERY_TIME_LIMIT / 86_400);

export interface DayTotal {
  day: number;
  seconds: number;
}

/** One chain's day totals over a run of days (default: every heartbeat). */
export async function dayTotals(env: Env, subject: DurationSubject, r: DayRange, chain: { dim: Dimension; key: string } = { dim: "all", key: ALL_KEY }): Promise<DayTotal[]> {
  const first = Math.max(r.firstDay, 0);
  const last = Math.min(r.lastDay, LAST_QUERYABLE_DAY);
  if (last < first) return [];
  const rows = await userActivity(env, subject.id).dailyTotals(subject.id, subject.timezone, chain.dim, chain.key, formatDayNumber(first), formatDayNumber(last));
  return rows.map((r) => ({ day: parseDay(r.day)!, seconds: microsToSeconds(r.micros) }));
}

/** The day with the most time (the earliest of equals); null when no day has any. */
export function bestDay(days: DayTotal[]): DayTotal | null {
  let best: DayTotal | null = null;
  for (const d of days) if (d.seconds > 0 && (!best || d.seconds > best.seconds)) best = d;
  return best;
}

/** [start, end) cut to the instants the projection can hold. */
export function queryable(window: { start: number; end: number }): { start: number; end: number } {
  return { start: Math.max(window.start, 0), end: Math.min(window.end, QUERY_TIME_LIMIT) };
}
