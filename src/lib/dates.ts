// Parsing dates and times from query strings, as Hackatime's Rails code reads them, but never
// throwing: every parser returns null for input it cannot read. Also the UTC day and year
// arithmetic the query defaults use. The calendar and zone primitives are in ./time.
//
// One parser per rule. Where endpoints have always read the same parameter differently, the
// variants are kept side by side below and each says which endpoint needs it and why:
//   parseRailsTime       Time.zone.parse (the most complete reader; the default choice)
//   parseUtcDateTime     /api/v1/users/{username}/stats: a narrower ISO 8601 grammar
//   parseLooseDateTime   /api/summary: Ruby's Time.new, which rolls Feb 30 over to Mar 2
//   parseTimeParam       /api/v1/my/heartbeats: epoch seconds, else parseRailsTime
import { DAY_SECONDS, dayNumber, nowSeconds, parseCalendarDate, parseIsoDate } from "./time";

// ---------------------------------------------------------------------------------------------
// Dates (strict YYYY-MM-DD: parseCalendarDate in ./time)

/** Date.iso8601: a strict YYYY-MM-DD in any four-digit year, as a day number. */
export function parseDay(value: unknown): number | null {
  const p = parseCalendarDate(value);
  return p ? dayNumber(p.year, p.month, p.day) : null;
}

/**
 * Date.iso8601: a strict YYYY-MM-DD, as epoch seconds of its UTC midnight. Years 0000–0099 are
 * refused (parseIsoDate), as /api/v1/stats always has.
 */
export function parseStrictDate(value: string | undefined | null): number | null {
  if (!value) return null;
  const p = parseIsoDate(value);
  return p ? Date.UTC(p.year, p.month - 1, p.day) / 1000 : null;
}

/**
 * A date parameter as YYYY-MM-DD: a strict calendar date, or an ISO datetime whose date part is
 * taken (as Rails' String#to_date does). null when invalid. /api/v1/authenticated/hours.
 */
export function parseDatePart(raw: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/.exec(raw.trim());
  return m && parseIsoDate(m[1]) ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Date-times

/** A zone designator ("Z", "UTC", "GMT", "+02", "+0200", "-05:30"): its hours and minutes as written, and its offset east of UTC in seconds. */
function zoneOffset(zone: string | undefined): { hours: number; minutes: number; seconds: number } {
  if (!zone || /^(z|utc|gmt)$/i.test(zone)) return { hours: 0, minutes: 0, seconds: 0 };
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  const seconds = hours * 3600 + minutes * 60;
  return { hours, minutes, seconds: m[1] === "-" ? -seconds : seconds };
}

type Parts = Record<string, string | undefined>;

/** The instant of a real calendar date and time (h/h2, mi/mi2, s/s2, fraction f, zone z); null when it is not one. */
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
  return ms / 1000 + fraction - zoneOffset(g.z).seconds;
}

// Named groups: y, mo/d (separated) or mo2/d2 (compact); h/mi/s (with colons) or h2/mi2/s2
// (compact, after "T"); f the fraction; z the zone.
const DATE = String.raw`(?<y>\d{4})(?:(?<sep>[-/])(?<mo>\d{1,2})\k<sep>(?<d>\d{1,2})|(?<mo2>\d{2})(?<d2>\d{2}))`;
const TIME = String.raw`(?:(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?|(?<h2>\d{2})(?<mi2>\d{2})(?<s2>\d{2})?)(?:[.,](?<f>\d{1,9}))?`;
const ZONE = String.raw`\s*(?<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)`;
const DATE_TIME = new RegExp(`^${DATE}(?:(?:T|\\s+)${TIME}(?:${ZONE})?)?$`, "i");
const TIME_ONLY = new RegExp(`^(?:T)?${TIME}(?:${ZONE})?$`, "i");

/**
 * `Time.zone.parse(value)` with the zone UTC, as epoch seconds: dates, ISO 8601 date-times (with
 * "T" or a space, optional fraction, optional zone) and bare times (today, UTC, at that time).
 * null when Rails would give nil or raise (the caller decides: 422, or ignore).
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

const UTC_DATE_TIME = /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[T ](?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.(?<f>\d+))?)?)?\s*(?<z>Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/**
 * Time.zone.parse in UTC for the ISO 8601 forms only: "2024-03-01", "2024-03-01T10:00:00Z",
 * "2024-03-01 10:00", "2024-03-01T10:00:00+02:00", "2024-03-01 UTC". Returns epoch seconds.
 * Kept apart from parseRailsTime for /api/v1/users/{username}/stats (user-stats.ts), which has
 * always answered 422 for what this grammar refuses and parseRailsTime reads (bare times,
 * "2024/3/1", compact forms, GMT, one-digit hours, years 0000–0099) and read a zone after a
 * bare date, which parseRailsTime refuses.
 */
export function parseUtcDateTime(value: string | undefined | null): number | null {
  if (!value) return null;
  const g = UTC_DATE_TIME.exec(value.trim())?.groups;
  if (!g || Number(g.y) < 100) return null;
  return toEpoch(Number(g.y), Number(g.mo), Number(g.d), g);
}

// What Time.zone.parse reads in practice: a date, optionally a time and a UTC offset.
const LOOSE_DATE_TIME =
  /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?\s*$/i;

/**
 * The instant an explicit from/to of /api/summary names (UTC unless it carries an offset), else
 * null. Kept apart from parseRailsTime because Hackatime builds that window with Ruby's
 * Time.new, which rolls days 29–31 over ("2023-02-30" is Mar 2; parseRailsTime refuses it) and
 * takes second 60; it drops a fraction, refuses offsets past 23:59, and reads no bare times.
 */
export function parseLooseDateTime(raw: string): number | null {
  const m = LOOSE_DATE_TIME.exec(raw);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  // Ruby's Time.new refuses these (ArgumentError → "Invalid date range"); days 29–31 roll over.
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = zoneOffset(m[7]);
  if (zone.hours > 23 || zone.minutes > 59) return null;
  return dayNumber(year, month, day) * DAY_SECONDS + hour * 3600 + minute * 60 + second - zone.seconds;
}

// Nine or more digits: epoch seconds (every heartbeat time is ≥ 1e9); eight are a compact date.
const EPOCH = /^\d{9,12}(?:\.\d+)?$/;

/**
 * A time parameter as epoch seconds: epoch seconds ("1732485600", "1732485600.5"), or what
 * Rails' Time.parse reads in the app zone (UTC): a date ("2024-03-13", midnight), an ISO 8601 /
 * Rails-style datetime ("2024-03-13T10:00:00Z", "2024-03-13 10:00:00 +0200", "… UTC"; no zone
 * means UTC) or a bare time (today). null when it is none of these or not a real calendar time.
 */
export function parseTimeParam(raw: string, now = nowSeconds()): number | null {
  const value = raw.trim();
  return EPOCH.test(value) ? Number(value) : parseRailsTime(value, now);
}

// ---------------------------------------------------------------------------------------------
// UTC day and year arithmetic

/** UTC midnight of the day containing `epoch`. */
export const utcDayStart = (epoch: number) => Math.floor(epoch / DAY_SECONDS) * DAY_SECONDS;

/** Rails `n.days.ago.beginning_of_day` in UTC. */
export function daysAgoStartOfDay(days: number, now = nowSeconds()): number {
  return utcDayStart(now - days * DAY_SECONDS);
}

/** Rails `Date.today.end_of_day` in UTC: 23:59:59.999999 today. */
export function endOfTodayUtc(now = nowSeconds()): number {
  return daysAgoStartOfDay(-1, now) - 0.000001;
}

/** `now` and the same calendar instant `years` back, as JavaScript's setUTCFullYear gives it. */
function yearsBefore(years: number, now: number): { from: Date; to: Date } {
  const from = new Date(now * 1000);
  const to = new Date(from.getTime());
  to.setUTCFullYear(from.getUTCFullYear() - years);
  return { from, to };
}

/** Rails `n.years.ago`: the same calendar instant n years back (Feb 29 → Feb 28). */
export function yearsAgo(years: number, now = nowSeconds()): number {
  const { from, to } = yearsBefore(years, now);
  if (to.getUTCMonth() !== from.getUTCMonth()) to.setUTCDate(0); // overflowed past the month's end
  return to.getTime() / 1000;
}

/**
 * `n.years.ago` with a Feb 29 rolled over to Mar 1 instead of Feb 28. Only the default start
 * dates of /api/v1/users/{username}/stats and /api/v1/stats use it: they have always been
 * computed this way, and on a Feb 29 yearsAgo would move them a day.
 */
export function yearsAgoRollingOver(years: number, now = nowSeconds()): number {
  return yearsBefore(years, now).to.getTime() / 1000;
}
