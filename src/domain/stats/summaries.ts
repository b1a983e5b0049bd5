// WakaTime-style summaries (hackatime-behavior.md §6.2, §6.6) and the one-day heartbeat
// listing, with the date and interval parsing they share:
//   * dailySummaries: GET /api/hackatime/v1/users/{id}/summaries, one entry per local day, each
//     heartbeat credited min(gap to the NEXT heartbeat of the same local day, 120 s) to its
//     own project (LEAD attribution; a gap across local midnight is lost); start/end or
//     WakaTime's range= names, project= and branches= filters;
//   * heartbeatsOfDay: GET /api/hackatime/v1/users/{id}/heartbeats?date= (WakaTime's listing);
//   * summaryWindow + publicSummary: GET /api/summary (UTC windows, grouped durations).
// Days are handled as day numbers (lib/time: days since 1970-01-01 on the proleptic Gregorian
// calendar), so any four-digit year is safe to compute with.
import { daySummaryRows, heartbeatsBetween } from "../../db/heartbeat-reads";
import { parseDay, parseLooseDateTime } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { decimalHours, digitalHms, shortTimeDetailed } from "../../lib/format";
import { isBlank } from "../../lib/text";
import {
  DAY_SECONDS,
  calendarOf,
  dayNumber,
  daysInMonth,
  formatDayNumber,
  isKnownTimeZone,
  isoSeconds,
  localDayNumber,
  localDayNumberBounds,
  monthsBefore,
  nowSeconds,
  startOfLocalDayNumber,
} from "../../lib/time";
import { TIMEOUT_MICROS, microsToSeconds } from "../durations/dimensions";
import { durations, type DurationSubject } from "../durations/query";
import { heartbeatJson } from "../heartbeats/serialize";
import { resolveStatsTarget } from "../users/lookup";
import { displayName } from "./display-names";
import { SUMMARY_RANGES, summaryRange } from "../wakatime/ranges";
import { MAX_VALID_TIME } from "./windows";

export const MAX_SUMMARY_DAYS = 366;
/** 2100-01-01T00:00:00Z: past every storable heartbeat time. */
export const QUERY_TIME_LIMIT = 4_102_444_800;

// ---------------------------------------------------------------------------------------------
// Calendar days

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Rails' Date#to_fs(:long): "August 5, 2026". */
export function longDate(n: number): string {
  const { year, month, day } = calendarOf(n);
  return `${MONTHS[month - 1]} ${day}, ${String(year).padStart(4, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// GET /api/hackatime/v1/users/{id}/summaries

export interface SummariesQuery {
  start?: string;
  end?: string;
  range?: string;
  project?: string;
  branches?: string;
  timezone?: string;
}

export interface SummariesRequest {
  startDay: number;
  endDay: number;
  timezone: string;
  project: string | null;
  /** Only heartbeats on these branches (WakaTime's branches=, comma-separated); null: any. */
  branches: string[] | null;
}

/**
 * Validates the query as Hackatime does, in its order; every failure is a 400 {"error": …}.
 * WakaTime's range= (domain/wakatime/ranges: Today … Last Month, in the request's zone) stands
 * for start and end when given.
 */
export function parseSummariesQuery(q: SummariesQuery, userTimezone: string, now: number = nowSeconds()): SummariesRequest {
  const timezone = isBlank(q.timezone) ? userTimezone : q.timezone!;
  const branchList = (q.branches ?? "").split(",").map((b) => b.trim()).filter((b) => b !== "");
  const filters = { project: isBlank(q.project) ? null : q.project!, branches: branchList.length ? branchList : null };
  if (!isBlank(q.range)) {
    if (!isKnownTimeZone(timezone)) throw new AppError("bad_request", "Invalid timezone");
    const named = summaryRange(q.range!, timezone, now);
    if (!named) throw new AppError("bad_request", `range must be one of: ${SUMMARY_RANGES.join(", ")}`);
    return { startDay: named.firstDay, endDay: named.lastDay, timezone, ...filters };
  }
  const startDay = parseDay(q.start);
  const endDay = parseDay(q.end);
  if (startDay === null || endDay === null) throw new AppError("bad_request", "start and end must be valid dates in YYYY-MM-DD format");
  if (endDay < startDay) throw new AppError("bad_request", "end must not be before start");
  if (endDay - startDay >= MAX_SUMMARY_DAYS) throw new AppError("bad_request", `date range cannot exceed ${MAX_SUMMARY_DAYS} days`);
  if (!isKnownTimeZone(timezone)) throw new AppError("bad_request", "Invalid timezone");
  return { startDay, endDay, timezone, ...filters };
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

/** Ruby's Float#round(2) for the non-negative values used here. */
const round2 = (x: number) => Math.round(x * 100) / 100;

interface DayActivity {
  micros: number;
  projects: Map<string, number>; // name → micros
  aiIn: number;
  aiInN: number;
  aiOut: number;
  aiOutN: number;
  aiModels: Map<string, number>; // model → lines
}

export async function dailySummaries(d1: D1Database, userId: number, req: SummariesRequest, now: number = nowSeconds()) {
  const days = localDayNumberBounds(req.startDay, req.endDay, req.timezone);
  // One window query over D1, bounded by the days (db/heartbeat-reads.ts dailySummarySql).
  const results = await daySummaryRows(d1, userId, days, { capMicros: TIMEOUT_MICROS, maxTime: MAX_VALID_TIME, project: req.project, branches: req.branches });

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

  const today = localDayNumber(now, req.timezone);
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
        date: formatDayNumber(b.day),
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
    start: formatDayNumber(req.startDay),
    end: formatDayNumber(req.endDay),
  };
}

// ---------------------------------------------------------------------------------------------
// GET /api/hackatime/v1/users/{id}/heartbeats?date=YYYY-MM-DD

/** One local day of the user's heartbeats, in (time, id) order: bounded by the day. */
export async function heartbeatsOfDay(d1: D1Database, userId: number, date: string | undefined, timezone: string) {
  const day = parseDay(date);
  if (day === null) throw new AppError("bad_request", "date must be a valid date in YYYY-MM-DD format");
  const start = startOfLocalDayNumber(day, timezone);
  const end = startOfLocalDayNumber(day + 1, timezone);
  const rows = await heartbeatsBetween(d1, userId, start, end);
  return { data: rows.map(heartbeatJson), start: isoSeconds(start), end: isoSeconds(end - 1), timezone };
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


/**
 * Hackatime's determine_date_range, in UTC: explicit from|start and to|end (start of the first
 * day … end of the last; null when either does not parse), else the interval|range table.
 */
export function summaryWindow(q: PublicSummaryQuery, now: number = nowSeconds()): SummaryWindow | null {
  const dayStart = (n: number) => n * DAY_SECONDS;
  const dayEnd = (n: number) => n * DAY_SECONDS + DAY_SECONDS - 1;
  const fromRaw = q.from ?? q.start;
  const toRaw = q.to ?? q.end;
  if (!isBlank(fromRaw) && !isBlank(toRaw)) {
    const from = parseLooseDateTime(fromRaw!);
    const to = parseLooseDateTime(toRaw!);
    if (from === null || to === null) return null;
    return { from: dayStart(Math.floor(from / DAY_SECONDS)), to: dayEnd(Math.floor(to / DAY_SECONDS)) };
  }
  const today = Math.floor(now / DAY_SECONDS);
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

/** GET /api/summary: the user named by user_id (or the deprecated `user`, echoed back) over the window asked for. */
export async function summaryOf(env: Env, q: PublicSummaryQuery & { user_id?: string; user?: string; project?: string }) {
  const identifier = q.user_id ?? q.user;
  if (isBlank(identifier)) throw new AppError("bad_request", "Missing required parameter: user_id");
  // Credentials are ignored here, so a user who hides their stats is hidden from themselves too.
  const target = await resolveStatsTarget(env.DB, identifier!, null, "User has disabled public stats");
  const window = summaryWindow(q);
  if (!window) throw new AppError("bad_request", "Invalid date range");
  const summary = await publicSummary(env, target.subject, window, isBlank(q.project) ? null : q.project!);
  return { user_id: q.user ?? null, ...summary };
}
