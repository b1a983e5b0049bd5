// WakaTime-style summaries (hackatime-behavior.md §6.2, §6.6) and the one-day heartbeat
// listing, with the date and interval parsing they share:
//   * dailySummaries: GET /api/hackatime/v1/users/{id}/summaries, one entry per local day, each
//     heartbeat credited min(gap to the NEXT heartbeat of the same local day, 120 s) to its
//     own project (LEAD attribution; a gap across local midnight is lost);
//   * heartbeatsOfDay: GET /api/hackatime/v1/users/{id}/heartbeats?date= (WakaTime's listing);
//   * summaryWindow + publicSummary: GET /api/summary (UTC windows, grouped durations).
// Days are handled as day numbers (days since 1970-01-01 on the proleptic Gregorian calendar),
// so any four-digit year is safe to compute with.
import { ApiError } from "../../lib/errors";
import { digitalHms, shortTimeDetailed } from "../../lib/format";
import { isValidTimeZone, isoSeconds, localDate, nowSeconds, utcOffsetSeconds } from "../../lib/time";
import { TIMEOUT_MICROS, microsToSeconds } from "../durations/dimensions";
import { durations, type DurationSubject } from "../durations/query";
import { heartbeatJson } from "../heartbeats/serialize";
import type { StoredHeartbeat } from "../../db/heartbeats";
import { displayName, isBlank } from "./display-names";

const DAY = 86_400;
const MS_PER_DAY = DAY * 1000;
/** Hackatime's with_valid_timestamps: 0 <= time <= 9999-12-31T23:59:59Z. */
const MAX_VALID_TIME = 253_402_300_799;
export const MAX_SUMMARY_DAYS = 366;
/** 2100-01-01T00:00:00Z: past every storable heartbeat time. */
const QUERY_TIME_LIMIT = 4_102_444_800;

// ---------------------------------------------------------------------------------------------
// Calendar days

/** Day number of a calendar date; out-of-range days roll over as JavaScript (and Ruby's Time.new) do. */
export function dayNumber(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / MS_PER_DAY);
}

export function calendarOf(n: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(n * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** YYYY-MM-DD of a day number. */
export function formatDay(n: number): string {
  const { year, month, day } = calendarOf(n);
  return `${year < 0 ? "-" : ""}${pad(Math.abs(year), 4)}-${pad(month)}-${pad(day)}`;
}

const daysInMonth = (year: number, month: number) => dayNumber(year, month + 1, 1) - dayNumber(year, month, 1);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A strict YYYY-MM-DD calendar date (Hackatime: /\A\d{4}-\d{2}-\d{2}\z/ + Date.iso8601), else null. */
export function parseDay(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return dayNumber(year, month, day);
}

// Before 1900 Intl's answers mix calendars and local mean times; those days take 1900's offset.
const OFFSET_FLOOR = -2_208_988_800;
const offsetAt = (epochSeconds: number, tz: string) => utcOffsetSeconds(Math.max(epochSeconds, OFFSET_FLOOR), tz);

/** Epoch seconds of local midnight starting day `n` in the zone (two passes converge across DST). */
export function localDayStart(n: number, tz: string): number {
  const wall = n * DAY;
  let guess = wall - offsetAt(wall, tz);
  guess = wall - offsetAt(guess, tz);
  return guess;
}

/** The zone's current local day, as a day number. */
export function todayIn(tz: string, now: number = nowSeconds()): number {
  return parseDay(localDate(now, tz))!;
}

/**
 * A zone TZInfo would accept: a zone Intl knows, spelled with its own case ("utc" or
 * "america/new_york" are refused as TZInfo refuses them; aliases like Asia/Calcutta pass).
 */
export function isKnownTimeZone(tz: unknown): tz is string {
  if (!isValidTimeZone(tz)) return false;
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Rails' Date#to_fs(:long): "August 5, 2026". */
export function longDate(n: number): string {
  const { year, month, day } = calendarOf(n);
  return `${MONTHS[month - 1]} ${day}, ${pad(year, 4)}`;
}

// ---------------------------------------------------------------------------------------------
// GET /api/hackatime/v1/users/{id}/summaries

export interface SummariesQuery {
  start?: string;
  end?: string;
  project?: string;
  timezone?: string;
}

export interface SummariesRequest {
  startDay: number;
  endDay: number;
  timezone: string;
  project: string | null;
}

/** Validates the query as Hackatime does, in its order; every failure is a 400 {"error": …}. */
export function parseSummariesQuery(q: SummariesQuery, userTimezone: string): SummariesRequest {
  const startDay = parseDay(q.start);
  const endDay = parseDay(q.end);
  if (startDay === null || endDay === null) throw new ApiError(400, "start and end must be valid dates in YYYY-MM-DD format");
  if (endDay < startDay) throw new ApiError(400, "end must not be before start");
  if (endDay - startDay >= MAX_SUMMARY_DAYS) throw new ApiError(400, `date range cannot exceed ${MAX_SUMMARY_DAYS} days`);
  const timezone = isBlank(q.timezone) ? userTimezone : q.timezone!;
  if (!isKnownTimeZone(timezone)) throw new ApiError(400, "Invalid timezone");
  return { startDay, endDay, timezone, project: isBlank(q.project) ? null : q.project! };
}

/** Hackatime's WakatimeService#duration: integer parts, zero-padded HH:MM:SS, "%.2f" hours, "1h 2m 3s". */
export function summaryDuration(totalSeconds: number) {
  const s = Math.max(0, Math.trunc(totalSeconds));
  return {
    total_seconds: s,
    hours: Math.floor(s / 3600),
    minutes: Math.floor((s % 3600) / 60),
    seconds: s % 60,
    digital: digitalHms(s),
    decimal: decimalHours(s),
    text: shortTimeDetailed(s),
  };
}

/**
 * Ruby's format("%.2f", s / 3600.0). toFixed rounds the double's exact value like printf does,
 * except on exact binary ties (s = 450·odd, i.e. x.125 / x.375 / …), where Ruby rounds to even.
 */
export function decimalHours(seconds: number): string {
  if (seconds % 900 === 450) {
    const hundredths = (seconds * 100) / 3600; // exactly k + 0.5
    const down = Math.floor(hundredths);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return (seconds / 3600).toFixed(2);
}

/** Ruby's Float#round(2) for the non-negative values used here. */
const round2 = (x: number) => Math.round(x * 100) / 100;

interface DayRow {
  d: number;
  project: string | null;
  ai_model: string | null;
  micros: number | null;
  ai_in: number | null;
  ai_in_n: number;
  ai_out: number | null;
  ai_out_n: number;
  ai_lines: number | null;
}

// ONE window query over D1, bounded by the range: at most 366 local days, each a [start, end)
// slice of the heartbeats_user_time index (one index range scan per day, never the user's
// whole history). LEAD is partitioned by local day, so the chain breaks at local midnight and
// each gap is credited to the earlier heartbeat's row; a day's last heartbeat adds NULL (→ 0).
export const dailySummarySql = (projectFilter: boolean) => `
  WITH days AS (
    SELECT CAST(key AS INTEGER) AS d, json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS e FROM json_each(?2)
  ),
  day_rows AS (
    SELECT days.d AS d, h.id AS id, CAST(ROUND(h.time * 1000000) AS INTEGER) AS t, h.project AS project, h.ai_model AS ai_model,
           h.ai_input_tokens AS ai_in, h.ai_output_tokens AS ai_out, h.ai_line_changes AS ai_lines
    FROM days JOIN heartbeats h
      ON h.user_id = ?1 AND h.time >= days.s AND h.time < days.e
    WHERE h.deleted_at IS NULL AND h.time >= 0 AND h.time <= ${MAX_VALID_TIME} ${projectFilter ? "AND h.project = ?4" : ""}
  ),
  gaps AS (
    SELECT d, project, ai_model, ai_in, ai_out, ai_lines,
           MIN(LEAD(t) OVER (PARTITION BY d ORDER BY t, id) - t, ?3) AS gap
    FROM day_rows
  )
  SELECT d, project, ai_model, SUM(gap) AS micros,
         SUM(ai_in) AS ai_in, COUNT(ai_in) AS ai_in_n, SUM(ai_out) AS ai_out, COUNT(ai_out) AS ai_out_n, SUM(ai_lines) AS ai_lines
  FROM gaps GROUP BY d, project, ai_model`;

interface DayActivity {
  micros: number;
  projects: Map<string, number>; // name → micros
  aiIn: number;
  aiInN: number;
  aiOut: number;
  aiOutN: number;
  aiModels: Map<string, number>; // model → lines
}

/** Local-day [start, end) bounds (epoch seconds) of days first…last. */
export function dayBounds(first: number, last: number, tz: string): Array<{ day: number; start: number; end: number }> {
  const out = [];
  let start = localDayStart(first, tz);
  for (let day = first; day <= last; day++) {
    const end = localDayStart(day + 1, tz);
    out.push({ day, start, end });
    start = end;
  }
  return out;
}

export async function dailySummaries(d1: D1Database, userId: number, req: SummariesRequest, now: number = nowSeconds()) {
  const days = dayBounds(req.startDay, req.endDay, req.timezone);
  const params: unknown[] = [userId, JSON.stringify(days.map((b) => [b.start, b.end])), TIMEOUT_MICROS];
  if (req.project !== null) params.push(req.project);
  const { results } = await d1
    .prepare(dailySummarySql(req.project !== null))
    .bind(...params)
    .all<DayRow>();

  const activity = new Map<number, DayActivity>();
  for (const r of results) {
    let a = activity.get(r.d);
    if (!a) activity.set(r.d, (a = { micros: 0, projects: new Map(), aiIn: 0, aiInN: 0, aiOut: 0, aiOutN: 0, aiModels: new Map() }));
    const micros = r.micros ?? 0;
    a.micros += micros;
    const name = isBlank(r.project) ? "Other" : r.project!;
    a.projects.set(name, (a.projects.get(name) ?? 0) + micros);
    a.aiIn += r.ai_in ?? 0;
    a.aiInN += r.ai_in_n;
    a.aiOut += r.ai_out ?? 0;
    a.aiOutN += r.ai_out_n;
    if (!isBlank(r.ai_model)) a.aiModels.set(r.ai_model!, (a.aiModels.get(r.ai_model!) ?? 0) + (r.ai_lines ?? 0));
  }

  const today = todayIn(req.timezone, now);
  const data = days.map((b, i) => {
    const a = activity.get(i);
    // The day's total is its whole chain, rounded once: what the status bar shows for that day.
    const total = microsToSeconds(a?.micros ?? 0);
    const grand_total: Record<string, unknown> = summaryDuration(total);
    if (a && a.aiInN > 0) grand_total.ai_input_tokens = a.aiIn;
    if (a && a.aiOutN > 0) grand_total.ai_output_tokens = a.aiOut;
    if (a && a.aiModels.size > 0) {
      grand_total.ai_model_breakdown = [...a.aiModels]
        .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
        .map(([name, lines]) => ({ name, lines }));
    }
    const projects = [...(a?.projects ?? new Map<string, number>())]
      .map(([name, micros]) => [name, microsToSeconds(micros)] as const)
      .filter(([, seconds]) => seconds > 0)
      .map(([name, seconds]) => ({ ...summaryDuration(seconds), name, percent: total > 0 ? round2((seconds / total) * 100) : 0 }))
      .sort((x, y) => y.total_seconds - x.total_seconds || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return {
      grand_total: grand_total as ReturnType<typeof summaryDuration> & {
        ai_input_tokens?: number;
        ai_output_tokens?: number;
        ai_model_breakdown?: Array<{ name: string; lines: number }>;
      },
      branches: [] as never[],
      categories: [] as never[],
      dependencies: [] as never[],
      editors: [] as never[],
      entities: [] as never[],
      languages: [] as never[],
      machines: [] as never[],
      operating_systems: [] as never[],
      projects,
      range: {
        date: formatDay(b.day),
        start: isoSeconds(b.start),
        end: isoSeconds(b.end - 1),
        text: b.day === today ? "Today" : b.day === today - 1 ? "Yesterday" : longDate(b.day),
        timezone: req.timezone,
      },
    };
  });

  const totalSeconds = data.reduce((sum, d) => sum + d.grand_total.total_seconds, 0);
  const activeDays = data.filter((d) => d.grand_total.total_seconds > 0).length;
  const average = data.length > 0 ? Math.floor(totalSeconds / data.length) : 0;
  const { total_seconds: _moved, ...cumulative } = summaryDuration(totalSeconds);
  return {
    data,
    cumulative_total: { ...cumulative, seconds: totalSeconds },
    daily_average: {
      holidays: data.length - activeDays,
      days_including_holidays: data.length,
      days_minus_holidays: activeDays,
      seconds: average,
      seconds_including_other_language: average,
      text: shortTimeDetailed(average),
      text_including_other_language: shortTimeDetailed(average),
    },
    start: formatDay(req.startDay),
    end: formatDay(req.endDay),
  };
}

// ---------------------------------------------------------------------------------------------
// GET /api/hackatime/v1/users/{id}/heartbeats?date=YYYY-MM-DD

/** One local day of the user's heartbeats, in (time, id) order: bounded by the day. */
export async function heartbeatsOfDay(d1: D1Database, userId: number, date: string | undefined, timezone: string) {
  const day = parseDay(date);
  if (day === null) throw new ApiError(400, "date must be a valid date in YYYY-MM-DD format");
  const start = localDayStart(day, timezone);
  const end = localDayStart(day + 1, timezone);
  const { results } = await d1
    .prepare("SELECT * FROM heartbeats WHERE user_id = ?1 AND time >= ?2 AND time < ?3 AND deleted_at IS NULL ORDER BY time, id")
    .bind(userId, start, end)
    .all<StoredHeartbeat>();
  return { data: results.map(heartbeatJson), start: isoSeconds(start), end: isoSeconds(end - 1), timezone };
}

// ---------------------------------------------------------------------------------------------
// GET /api/summary (UTC)

export interface PublicSummaryQuery {
  interval?: string;
  range?: string;
  from?: string;
  start?: string;
  to?: string;
  end?: string;
}

/** [from, to) in epoch seconds; `to` is the window's last second, which (as in Hackatime) is excluded. */
export interface SummaryWindow {
  from: number;
  to: number;
}

// What Time.zone.parse reads in practice: a date, optionally a time and a UTC offset.
const LOOSE_DATE_TIME =
  /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?\s*$/i;

/** The instant an explicit from/to names (UTC unless it carries an offset), else null. */
export function parseLooseDateTime(raw: string): number | null {
  const m = LOOSE_DATE_TIME.exec(raw);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  // Ruby's Time.new refuses these (ArgumentError → "Invalid date range"); days 29–31 roll over.
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let offset = 0;
  const zone = m[7]?.toUpperCase();
  if (zone && zone !== "Z" && zone !== "UTC" && zone !== "GMT") {
    const digits = zone.replace(":", "");
    const sign = digits[0] === "-" ? -1 : 1;
    const hh = Number(digits.slice(1, 3));
    const mm = digits.length > 3 ? Number(digits.slice(3, 5)) : 0;
    if (hh > 23 || mm > 59) return null;
    offset = sign * (hh * 3600 + mm * 60);
  }
  return dayNumber(year, month, day) * DAY + hour * 3600 + minute * 60 + second - offset;
}

/** The calendar day `months` months before, its day clamped to the target month (ActiveSupport's advance). */
function monthsBefore(n: number, months: number): number {
  const { year, month, day } = calendarOf(n);
  const first = dayNumber(year, month - months, 1);
  const target = calendarOf(first);
  return first + Math.min(day, daysInMonth(target.year, target.month)) - 1;
}

/**
 * Hackatime's determine_date_range, in UTC: explicit from|start and to|end (start of the first
 * day … end of the last; null when either does not parse), else the interval|range table.
 */
export function summaryWindow(q: PublicSummaryQuery, now: number = nowSeconds()): SummaryWindow | null {
  const dayStart = (n: number) => n * DAY;
  const dayEnd = (n: number) => n * DAY + DAY - 1;
  const fromRaw = q.from ?? q.start;
  const toRaw = q.to ?? q.end;
  if (!isBlank(fromRaw) && !isBlank(toRaw)) {
    const from = parseLooseDateTime(fromRaw!);
    const to = parseLooseDateTime(toRaw!);
    if (from === null || to === null) return null;
    return { from: dayStart(Math.floor(from / DAY)), to: dayEnd(Math.floor(to / DAY)) };
  }
  const today = Math.floor(now / DAY);
  const { year, month, weekday } = calendarOf(today);
  const days = (first: number, last: number) => ({ from: dayStart(first), to: dayEnd(last) });
  switch (q.interval ?? q.range) {
    case "today":
      return days(today, today);
    case "yesterday":
      return days(today - 1, today - 1);
    case "week":
    case "7_days": {
      const monday = today - ((weekday + 6) % 7);
      return days(monday, monday + 6);
    }
    case "last_7_days":
      return days(today - 7, today);
    case "month":
    case "30_days":
      return days(dayNumber(year, month, 1), dayNumber(year, month + 1, 1) - 1);
    case "last_30_days":
      return days(today - 30, today);
    case "6_months":
      return days(dayNumber(year, month - 5, 1), dayNumber(year, month + 1, 1) - 1);
    case "last_6_months":
      return days(monthsBefore(today, 6), today);
    case "year":
    case "12_months":
      return days(dayNumber(year, 1, 1), dayNumber(year + 1, 1, 1) - 1);
    case "last_12_months":
    case "last_year":
      return days(monthsBefore(today, 12), today);
    case undefined:
    case "any":
    case "all_time":
      return { from: 0, to: dayEnd(today) };
    default:
      return days(today, today);
  }
}

/** {key, total} per project and per language over the window, largest first (blank → "Other"). */
export async function publicSummary(env: Env, subject: DurationSubject, window: SummaryWindow, project: string | null) {
  // Stored heartbeats lie in [1e9, 2e9) (ingestion's time repair), so the duration query is
  // clamped to [1970, 2100): any four-digit window answers, and the shared range planner only
  // ever sees dates it can handle.
  const result = await durations(env, subject, {
    start: Math.max(window.from, 0),
    end: Math.min(window.to, QUERY_TIME_LIMIT),
    breakdowns: ["project", "language"],
    filter: project === null ? undefined : { projects: [project] },
  });
  const entries = (dim: "project" | "language") => {
    const byKey = new Map<string, number>();
    for (const [raw, seconds] of result.groups[dim] ?? []) {
      const key = displayName(dim, raw, "Other");
      byKey.set(key, (byKey.get(key) ?? 0) + seconds);
    }
    return [...byKey]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key, total]) => ({ key, total }));
  };
  return {
    from: isoSeconds(window.from),
    to: isoSeconds(window.to),
    projects: entries("project"),
    languages: entries("language"),
    editors: {},
    operating_systems: {},
    machines: {},
    categories: {},
    branches: {},
    entities: {},
    labels: {},
  };
}
