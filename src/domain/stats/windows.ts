// Time windows of the public /api/v1/users/{username}/* routes (hackatime-behavior.md §6.4,
// §6.5), all in UTC (the app zone). Parsing follows Rails' `Time.zone.parse` /
// `String#to_datetime` for the forms clients send: dates, ISO 8601 date-times (with "T" or a
// space, optional fraction, optional zone) and bare times (today at that time).
// Every window is inclusive at both ends, as Rails' `where(time: start..end)`.
import { ApiError } from "../../lib/errors";
import { nowSeconds } from "../../lib/time";

/** Hackatime's valid heartbeat timestamps: 0 ≤ time ≤ 9999-12-31T23:59:59Z. */
export const MIN_VALID_TIME = 0;
export const MAX_VALID_TIME = 253402300799;

/** [start, end] in epoch seconds, both inclusive. */
export interface TimeWindow {
  start: number;
  end: number;
}

export type QueryValues = Record<string, string | undefined>;

/** Rails' `blank?` for a query value: missing, empty or whitespace only. */
export const isBlank = (value: string | null | undefined): value is null | undefined | "" =>
  value === null || value === undefined || value.trim() === "";

// Named groups: y, mo/d (separated) or mo2/d2 (compact); h/mi/s (with colons) or h2/mi2/s2
// (compact, after "T"); f the fraction; z the zone.
const DATE = String.raw`(?<y>\d{4})(?:(?<sep>[-/])(?<mo>\d{1,2})\k<sep>(?<d>\d{1,2})|(?<mo2>\d{2})(?<d2>\d{2}))`;
const TIME = String.raw`(?:(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?|(?<h2>\d{2})(?<mi2>\d{2})(?<s2>\d{2})?)(?:[.,](?<f>\d{1,9}))?`;
const ZONE = String.raw`\s*(?<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)`;
const DATE_TIME = new RegExp(`^${DATE}(?:(?:T|\\s+)${TIME}(?:${ZONE})?)?$`, "i");
const TIME_ONLY = new RegExp(`^(?:T)?${TIME}(?:${ZONE})?$`, "i");

function zoneOffsetSeconds(zone: string | undefined): number {
  if (!zone || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60;
  return m[1] === "-" ? -seconds : seconds;
}

type Parts = Record<string, string | undefined>;

function toEpoch(y: number, mo: number, d: number, g: Parts): number | null {
  const h = Number(g.h ?? g.h2 ?? 0);
  const mi = Number(g.mi ?? g.mi2 ?? 0);
  const s = Number(g.s ?? g.s2 ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const check = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  check.setUTCFullYear(y, mo - 1, d); // years 0–99 too (Date.UTC would read them as 19xx)
  const ms = check.getTime();
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const fraction = g.f ? Number(`0.${g.f}`) : 0;
  return ms / 1000 + fraction - zoneOffsetSeconds(g.z);
}

/**
 * `Time.zone.parse(value)` with the zone UTC, as epoch seconds; null when Rails would give nil
 * or raise (the caller decides: 422, or ignore). A bare time means today (UTC) at that time.
 */
export function parseRailsTime(value: string, now = nowSeconds()): number | null {
  const s = value.trim();
  const dt = DATE_TIME.exec(s)?.groups;
  if (dt) return toEpoch(Number(dt.y), Number(dt.mo ?? dt.mo2), Number(dt.d ?? dt.d2), dt);
  const t = TIME_ONLY.exec(s)?.groups;
  if (t && t.h !== undefined) {
    const today = new Date(Math.floor(now) * 1000);
    return toEpoch(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate(), t);
  }
  return null;
}

/** A required-format parameter: its default when blank, 422 {"error":"Invalid <name>"} when unparseable. */
export function strictTimeParam(query: QueryValues, name: string, fallback: number, now = nowSeconds()): number {
  const raw = query[name];
  if (isBlank(raw)) return fallback;
  const parsed = parseRailsTime(raw, now);
  if (parsed === null) throw new ApiError(422, `Invalid ${name}`);
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

const utcDate = (epochSeconds: number) => new Date(epochSeconds * 1000);

/** Rails `n.years.ago`: the same calendar instant n years back (Feb 29 → Feb 28). */
export function yearsAgo(years: number, now = nowSeconds()): number {
  const d = utcDate(now);
  const target = new Date(d.getTime());
  target.setUTCFullYear(d.getUTCFullYear() - years);
  if (target.getUTCMonth() !== d.getUTCMonth()) target.setUTCDate(0); // overflowed past the month's end
  return target.getTime() / 1000;
}

/** Rails `n.days.ago.beginning_of_day` in UTC. */
export function daysAgoStartOfDay(days: number, now = nowSeconds()): number {
  const d = utcDate(now - days * 86400);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000;
}

/** Rails `Date.today.end_of_day` in UTC: 23:59:59.999999 today. */
export function endOfTodayUtc(now = nowSeconds()): number {
  return daysAgoStartOfDay(-1, now) - 0.000001;
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
