// The admin API's parameters, read as Rails reads them (Hackatime `UserUtilities`, `DateParsing`,
// `find_user_by_id`): every value arrives as a string (or, in a JSON body, any JSON value) and is
// judged here — `blank?`, `to_i`, clamps, dates and epoch timestamps — so that the domain
// functions take typed values. Refusals are Hackatime's 422 messages.
import { parseRailsTime, utcDayStart, yearsAgo } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { DAY_SECONDS, isoSeconds, nowSeconds, parseIsoDate } from "../../lib/time";
import type { InclusiveRange } from "../../domain/admin/users";
import { MAX_VALID_TIME, MIN_VALID_TIME } from "../../domain/stats/windows";

/** Rails' `blank?` for a request parameter of any JSON type. */
export const isBlankParam = (v: unknown): boolean => v === null || v === undefined || v === false || (typeof v === "string" && isBlank(v));

/** Ruby's String#to_i: the leading integer, else 0. */
export function rubyToI(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value !== "string") return 0;
  const m = /^\s*([+-]?\d+)/.exec(value);
  return m ? Number(m[1]) : 0;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** `(params[:name] || fallback).to_i.clamp(lo, hi)`. */
export const intParam = (raw: string | undefined, fallback: number, lo: number, hi: number) => clamp(raw === undefined ? fallback : rubyToI(raw), lo, hi);

/** An `offset`: ≥ 0, and small enough to bind as an SQLite integer. */
export const offsetParam = (raw: string | undefined) => intParam(raw, 0, 0, Number.MAX_SAFE_INTEGER);

/** A body value as text: strings as they are, numbers and booleans printed, anything else null. */
export const textParam = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null;

/** A required string parameter: 422 `message` when blank or not a string. */
export function requiredString(v: unknown, message: string): string {
  if (isBlankParam(v) || typeof v !== "string") throw new AppError("invalid_parameter", message);
  return v;
}

/**
 * A resource id in the path: a positive integer of at most 15 digits, else null (then the
 * resource is "not found"). `leadingZeros: false` refuses "01" too (deletion requests).
 */
export function pathId(value: string | undefined | null, opts: { leadingZeros?: boolean } = {}): number | null {
  const pattern = opts.leadingZeros === false ? /^[1-9]\d{0,15}$/ : /^\d{1,15}$/;
  if (!value || !pattern.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/**
 * Hackatime `find_user_by_id`'s parameter: `id`, else `user_id` (ActiveRecord casts it with
 * to_i); 422 "who?" when blank. The id may be one no user has (then "user not found").
 */
export function targetUserId(params: { id?: unknown; user_id?: unknown }): number {
  const raw = params.id ?? params.user_id;
  if (isBlankParam(raw)) throw new AppError("invalid_parameter", "who?");
  return rubyToI(typeof raw === "string" || typeof raw === "number" ? raw : "");
}

export const MAX_BATCH_IDS = 2000;

/** `ids=1,2,3` (Ruby split/strip/to_i, unique, the first 2000); 422 when blank or empty. */
export function idListParam(raw: string | undefined): number[] {
  if (isBlankParam(raw)) throw new AppError("invalid_parameter", "ids parameter required");
  const parts = raw!.split(",");
  while (parts.length && parts[parts.length - 1] === "") parts.pop(); // Ruby drops trailing empties
  const ids = [...new Set(parts.map((p) => rubyToI(p.trim())))].slice(0, MAX_BATCH_IDS);
  if (ids.length === 0) throw new AppError("invalid_parameter", "no valid ids provided");
  return ids;
}

/** `user_ids` as the timeline splits them (split(",").map(&:to_i).uniq); none when blank. */
export function userIdsParam(raw: string | undefined): number[] {
  if (isBlankParam(raw)) return [];
  return [...new Set(raw!.split(",").map((p) => rubyToI(p)))];
}

// ---- dates and times ----

const DATE_PREFIX = /^(\d{4})(?:([-/])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2}))(?!\d)/;

/**
 * Ruby's `Date.parse` for the forms clients send: the calendar date of any date or date-time
 * Rails reads ("2024-03-01", "2024/3/1", "20240301", "2024-03-01T10:00:00-05:00" → 2024-03-01;
 * a bare time is today). YYYY-MM-DD, or null when unreadable.
 */
export function calendarDate(value: string, now = nowSeconds()): string | null {
  const s = value.trim();
  if (parseRailsTime(s, now) === null) return null;
  const m = DATE_PREFIX.exec(s);
  if (!m) return new Date(utcDayStart(now) * 1000).toISOString().slice(0, 10);
  const iso = `${m[1]}-${(m[3] ?? m[5]).padStart(2, "0")}-${(m[4] ?? m[6]).padStart(2, "0")}`;
  return parseIsoDate(iso) ? iso : null;
}

/** Epoch seconds of a YYYY-MM-DD's UTC midnight. */
export const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * Hackatime `parse_ts`: digits are epoch seconds (milliseconds from 10^12 on) within the valid
 * range; anything else a date, at its UTC start (or, for an end, 23:59:59). 422 "invalid <name>".
 */
export function parseTimestamp(raw: string, name: string, boundary: "start" | "end", now = nowSeconds()): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    let ts = Number(s);
    if (ts >= 1_000_000_000_000) ts = Math.floor(ts / 1000);
    if (ts >= MIN_VALID_TIME && ts <= MAX_VALID_TIME) return ts;
  } else {
    const date = calendarDate(s, now);
    if (date) return utcMidnight(date) + (boundary === "end" ? DAY_SECONDS - 1 : 0);
  }
  throw new AppError("invalid_parameter", `invalid ${name}`);
}

interface RangeQuery {
  start_date?: string;
  end_date?: string;
}

const hasRange = (q: RangeQuery) => !isBlankParam(q.start_date) || !isBlankParam(q.end_date);

/** Hackatime `apply_time_range`: only the bounds given (start_date, end_date). */
export function optionalTimeRange(q: RangeQuery, now = nowSeconds()): { start: number | null; end: number | null } {
  return {
    start: isBlankParam(q.start_date) ? null : parseTimestamp(q.start_date!, "start_date", "start", now),
    end: isBlankParam(q.end_date) ? null : parseTimestamp(q.end_date!, "end_date", "end", now),
  };
}

/** Hackatime `parse_default_time_range`: 10 years ago … the end of today (UTC) by default. */
export function defaultTimeRange(q: RangeQuery, now = nowSeconds()): InclusiveRange {
  const r = optionalTimeRange(q, now);
  return { start: r.start ?? Math.floor(yearsAgo(10, now)), end: r.end ?? utcDayStart(now) + DAY_SECONDS - 1 };
}

/**
 * user/stats: one UTC day (`date`, default today; 422 "Invalid date.") or, when start_date or
 * end_date is given, that range (defaults as defaultTimeRange).
 */
export function statsRange(q: RangeQuery & { date?: string }, now = nowSeconds()): InclusiveRange {
  if (hasRange(q)) return defaultTimeRange(q, now);
  const date = isBlankParam(q.date) ? isoSeconds(now).slice(0, 10) : calendarDate(q.date!, now);
  if (!date) throw new AppError("invalid_parameter", "Invalid date.");
  return { start: utcMidnight(date), end: utcMidnight(date) + DAY_SECONDS - 1 };
}

/** user/projects: the whole history, or start_date/end_date when either is given. */
export const projectsRange = (q: RangeQuery): InclusiveRange => (hasRange(q) ? defaultTimeRange(q) : { start: MIN_VALID_TIME, end: MAX_VALID_TIME });

/** The last day whose neighbours (and every zone's local day) are still YYYY-MM-DD dates. */
const LAST_TIMELINE_DATE = "9999-12-30";

/** The timeline's `date`: default today (UTC); 422 "Invalid date format" when unreadable or too late. */
export function timelineDate(raw: string | undefined, now = nowSeconds()): string {
  const date = raw === undefined ? new Date(now * 1000).toISOString().slice(0, 10) : calendarDate(raw, now);
  if (!date || date > LAST_TIMELINE_DATE) throw new AppError("invalid_parameter", "Invalid date format");
  return date;
}
