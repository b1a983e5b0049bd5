// Time windows of the public /api/v1/users/{username}/* routes (hackatime-behavior.md §6.4,
// §6.5), all in UTC (the app zone). Values are read with lib/dates' parseRailsTime (Rails'
// `Time.zone.parse`). Every window is inclusive at both ends, as Rails' `where(time: start..end)`.
import { daysAgoStartOfDay, endOfTodayUtc, parseRailsTime, yearsAgo } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { nowSeconds } from "../../lib/time";

// Re-exported for routes/my-data.ts, which imports them from here; they live in lib/dates.
export { daysAgoStartOfDay, endOfTodayUtc };

/** Hackatime's valid heartbeat timestamps: 0 ≤ time ≤ 9999-12-31T23:59:59Z. */
export const MIN_VALID_TIME = 0;
export const MAX_VALID_TIME = 253402300799;

/** [start, end] in epoch seconds, both inclusive. */
export interface TimeWindow {
  start: number;
  end: number;
}

export type QueryValues = Record<string, string | undefined>;

/** A required-format parameter: its default when blank, 422 {"error":"Invalid <name>"} when unparseable. */
export function strictTimeParam(query: QueryValues, name: string, fallback: number, now = nowSeconds()): number {
  const raw = query[name];
  if (isBlank(raw)) return fallback;
  const parsed = parseRailsTime(raw, now);
  if (parsed === null) throw new AppError("invalid_parameter", `Invalid ${name}`);
  return parsed;
}

/** The first of `names` that parses (unparseable values are silently skipped), else the default. */
export function lenientTimeParam(query: QueryValues, names: readonly string[], fallback: number, now = nowSeconds()): number {
  for (const name of names) {
    const raw = query[name];
    if (isBlank(raw)) continue;
    const parsed = parseRailsTime(raw, now);
    if (parsed !== null) return parsed;
  }
  return fallback;
}

/** Spans (`start_date`, `end_date`): default 10 years ago … end of today; invalid → 422. */
export function spansWindow(query: QueryValues, now = nowSeconds()): TimeWindow {
  const start = strictTimeParam(query, "start_date", yearsAgo(10, now), now);
  const end = strictTimeParam(query, "end_date", endOfTodayUtc(now), now);
  return { start, end };
}

/** Project discovery (`/projects`): default the last 30 days (from midnight UTC) … now. */
export function discoveryWindow(query: QueryValues, now = nowSeconds()): TimeWindow {
  return {
    start: lenientTimeParam(query, ["since", "start", "start_date"], daysAgoStartOfDay(30, now), now),
    end: lenientTimeParam(query, ["until", "until_date", "end", "end_date"], now, now),
  };
}

/** Project stats (`/project/{name}`, `/projects/details`): default the last year … now. */
export function statsWindow(query: QueryValues, now = nowSeconds()): TimeWindow {
  return {
    start: lenientTimeParam(query, ["start", "start_date"], yearsAgo(1, now), now),
    end: lenientTimeParam(query, ["end", "end_date"], now, now),
  };
}

/** The window cut to valid heartbeat times; null when nothing can match. */
export function clampToValidTimes(w: TimeWindow): TimeWindow | null {
  const start = Math.max(w.start, MIN_VALID_TIME);
  const end = Math.min(w.end, MAX_VALID_TIME);
  return end >= start ? { start, end } : null;
}
