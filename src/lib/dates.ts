// Parsing dates and times from query strings, as Hackatime's Rails code reads them, but never
// throwing: every parser returns null for input it cannot read.
import { parseIsoDate } from "./time";

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/**
 * Time.zone.parse in UTC: "2024-03-01", "2024-03-01T10:00:00Z", "2024-03-01 10:00",
 * "2024-03-01T10:00:00+02:00". Returns epoch seconds.
 */
export function parseUtcDateTime(value: string | undefined | null): number | null {
  if (!value) return null;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  if (!parseIsoDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000 + (frac ? Number(`0.${frac}`) : 0);
  if (zone && !/^(z|utc)$/i.test(zone)) {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.replace(/[^0-9]/g, "");
    epoch -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return epoch;
}

/** Date.iso8601: a strict YYYY-MM-DD, as epoch seconds of its UTC midnight. */
export function parseStrictDate(value: string | undefined | null): number | null {
  if (!value) return null;
  const p = parseIsoDate(value);
  return p ? Date.UTC(p.year, p.month - 1, p.day) / 1000 : null;
}

export const DAY_SECONDS = 86_400;

/** UTC midnight of the day containing `epoch`. */
export const utcDayStart = (epoch: number) => Math.floor(epoch / DAY_SECONDS) * DAY_SECONDS;

/** Rails' `n.years.ago` (calendar years, UTC). */
export function yearsAgo(years: number, now = Date.now() / 1000): number {
  const d = new Date(now * 1000);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.getTime() / 1000;
}
