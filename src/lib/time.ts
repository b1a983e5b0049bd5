// Calendar and time-zone helpers. Everything is epoch seconds in UTC; "local day" keys are
// YYYY-MM-DD strings in a user's IANA zone, or day numbers (days since 1970-01-01 on the
// proleptic Gregorian calendar) where any four-digit year must be safe to compute with.
// Parsing query strings into dates and times is ./dates, built on these.

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== "string" || tz.length === 0 || tz.length > 64) return false;
  try {
    partsFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * A zone TZInfo would accept: a zone Intl knows, spelled with its own case ("utc" or
 * "america/new_york" are refused as TZInfo refuses them; aliases like Asia/Calcutta pass).
 * Stricter than isValidTimeZone: the summaries endpoint answers 400 "Invalid timezone" for those.
 */
export function isKnownTimeZone(tz: unknown): tz is string {
  if (!isValidTimeZone(tz)) return false;
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
}

/** A valid zone, or UTC (Hackatime falls back to UTC for a blank or invalid zone). */
export function safeTimeZone(tz: string | null | undefined): string {
  return isValidTimeZone(tz) ? tz : "UTC";
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

function wallClock(epochSeconds: number, tz: string): WallClock {
  const parts = partsFormatter(tz).formatToParts(new Date(Math.floor(epochSeconds) * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** The zone's offset from UTC at that instant, in seconds (east positive). */
export function utcOffsetSeconds(epochSeconds: number, tz: string): number {
  const w = wallClock(epochSeconds, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
  return asUtc - Math.floor(epochSeconds);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** YYYY-MM-DD of the instant in the zone. */
export function localDate(epochSeconds: number, tz: string): string {
  const w = wallClock(epochSeconds, tz);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * A memoised localDate for one zone. Offsets only change on quarter-hour boundaries, so a
 * 15-minute bucket always falls in one local day: a batch of heartbeats costs a few Intl calls.
 */
export function dayKeyer(tz: string): (epochSeconds: number) => string {
  const cache = new Map<number, string>();
  return (epochSeconds) => {
    const bucket = Math.floor(epochSeconds / 900);
    let day = cache.get(bucket);
    if (day === undefined) {
      day = localDate(bucket * 900, tz);
      if (cache.size > 4096) cache.clear();
      cache.set(bucket, day);
    }
    return day;
  };
}

export const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;

/** Day number of a calendar date; out-of-range days roll over as JavaScript (and Ruby's Time.new) do. */
export function dayNumber(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / DAY_MS);
}

export function calendarOf(n: number): CalendarDate & { weekday: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

export const daysInMonth = (year: number, month: number) => dayNumber(year, month + 1, 1) - dayNumber(year, month, 1);

/** YYYY-MM-DD of a day number. */
export function formatDayNumber(n: number): string {
  const { year, month, day } = calendarOf(n);
  return `${year < 0 ? "-" : ""}${pad(Math.abs(year), 4)}-${pad(month)}-${pad(day)}`;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The strict YYYY-MM-DD reader (Hackatime: /\A\d{4}-\d{2}-\d{2}\z/ + Date.iso8601): a real
 * calendar date in any four-digit year, else null. Every strict YYYY-MM-DD parser builds on it.
 */
export function parseCalendarDate(value: unknown): CalendarDate | null {
  if (typeof value !== "string") return null;
  const m = DATE_PATTERN.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/**
 * parseCalendarDate for the YYYY-MM-DD keys below, which are computed with Date.UTC: it reads the
 * years 0–99 as 1900–1999, so those years are refused (null), as they always have been here.
 */
export function parseIsoDate(value: string): CalendarDate | null {
  const p = parseCalendarDate(value);
  return p && p.year >= 100 ? p : null;
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const p = parseIsoDate(date);
  if (!p) throw new Error(`invalid date ${date}`);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return d.toISOString().slice(0, 10);
}

/** Local midnight of a wall-clock midnight (`wall`: its epoch seconds read as UTC). */
function localMidnight(wall: number, offsetAt: (epochSeconds: number) => number): number {
  // Two passes converge across DST changes (the offset at the guess may differ from the answer's).
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return guess;
}

/** Epoch seconds of local midnight starting `date` in the zone. */
export function startOfLocalDay(date: string, tz: string): number {
  const p = parseIsoDate(date);
  if (!p) throw new Error(`invalid date ${date}`);
  return localMidnight(Date.UTC(p.year, p.month - 1, p.day) / 1000, (t) => utcOffsetSeconds(t, tz));
}

// Before 1900 Intl's answers mix calendars and local mean times; those days take 1900's offset.
const OFFSET_FLOOR = -2_208_988_800;

/**
 * Epoch seconds of local midnight starting day number `n` in the zone. Unlike startOfLocalDay it
 * takes any four-digit year: days before 1900 use 1900's offset (the WakaTime-style summaries
 * and last_7_days answer any date the client names).
 */
export function startOfLocalDayNumber(n: number, tz: string): number {
  return localMidnight(n * DAY_SECONDS, (t) => utcOffsetSeconds(Math.max(t, OFFSET_FLOOR), tz));
}

/** Local-day [start, end) bounds (epoch seconds) of day numbers first…last. */
export function localDayNumberBounds(first: number, last: number, tz: string): Array<{ day: number; start: number; end: number }> {
  const out = [];
  let start = startOfLocalDayNumber(first, tz);
  for (let day = first; day <= last; day++) {
    const end = startOfLocalDayNumber(day + 1, tz);
    out.push({ day, start, end });
    start = end;
  }
  return out;
}

/** The day number of the instant's local day in the zone. */
export function localDayNumber(epochSeconds: number, tz: string): number {
  const p = parseCalendarDate(localDate(epochSeconds, tz))!;
  return dayNumber(p.year, p.month, p.day);
}

/** [start, end) of a local day, in epoch seconds. */
export function localDayBounds(date: string, tz: string): { start: number; end: number } {
  return { start: startOfLocalDay(date, tz), end: startOfLocalDay(addDays(date, 1), tz) };
}

/** ISO 8601 without fraction, in UTC: 2026-08-22T10:00:00Z. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const nowSeconds = () => Date.now() / 1000;

/** The calendar day `months` months before day n, its day clamped to the target month (ActiveSupport's advance). */
export function monthsBefore(n: number, months: number): number {
  const { year, month, day } = calendarOf(n);
  const first = dayNumber(year, month - months, 1);
  const target = calendarOf(first);
  return first + Math.min(day, daysInMonth(target.year, target.month)) - 1;
}
