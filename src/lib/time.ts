// Time-zone helpers. Everything is epoch seconds in UTC; "local day" keys are YYYY-MM-DD
// strings in a user's IANA zone.

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

/** A valid zone, or UTC (Hackatime falls back to UTC for a blank or invalid zone). */
export function safeTimeZone(tz: string | null | undefined): string {
  return isValidTimeZone(tz) ? tz : "UTC";
}

interface WallClock {
  year: number;
  month: number;
  day: number;
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

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict YYYY-MM-DD calendar date; null when it is not a real date. */
export function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const m = DATE_PATTERN.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const p = parseIsoDate(date);
  if (!p) throw new Error(`invalid date ${date}`);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return d.toISOString().slice(0, 10);
}

/** Epoch seconds of local midnight starting `date` in the zone. */
export function startOfLocalDay(date: string, tz: string): number {
  const p = parseIsoDate(date);
  if (!p) throw new Error(`invalid date ${date}`);
  const wall = Date.UTC(p.year, p.month - 1, p.day) / 1000;
  // Two passes converge across DST changes (the offset at the guess may differ from the answer's).
  let guess = wall - utcOffsetSeconds(wall, tz);
  guess = wall - utcOffsetSeconds(guess, tz);
  return guess;
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
