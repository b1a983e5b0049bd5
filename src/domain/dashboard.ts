// The dashboard (/dashboard): a range and filters in, every number it shows out. It computes
// nothing itself: each number comes from the function the API answers it with, called with the
// same parameters, and `apiQuery` is that API call (the page links it, the tests compare):
//   range totals, breakdowns, per-day chart, streak   userStats  GET /api/v1/users/{u}/stats
//   today, this week                                  hoursBetween GET /api/v1/authenticated/hours
//   the one-year calendar                             dailyActivity (the stats API's `days`)
//   a picked day's timeline                           heartbeatSpans GET /api/v1/users/{u}/heartbeats/spans
//   the daily goal's progress                         dailyGoalProgress (statusbar/today's data.goal)
// Ranges are the projects list's intervals in the user's zone (projectsWindow), so a range here
// is the same window as GET /my/projects?interval=….
import { shardFor } from "../db/shards";
import type { UserRow } from "../db/schema";
import { parseDay } from "../lib/dates";
import { addDays, isoSeconds, localDate, nowSeconds } from "../lib/time";
import { dailyGoalProgress, goalTitle, shownDailyGoal, type StatusBarGoal } from "./goals";
import { mappingOrNull, projectsWindow, type MappingJson } from "./projects-settings";
import { ALL_TIME, hoursBetween } from "./stats/authenticated";
import { projectDetails, type ProjectRow } from "./stats/projects";
import { heartbeatSpans, type Span } from "./stats/spans";
import { dailyActivity } from "./stats/daily";
import { breakdownFilter, userStats, type UserStatsQuery } from "./stats/user-stats";
import type { DurationSubject } from "./durations/query";

/** The range picker's choices, as projectsWindow intervals (all_time: the stats API's default). */
export const DASHBOARD_RANGES = [
  { key: "today", label: "Today" },
  { key: "yesterday", label: "Yesterday" },
  { key: "last_7_days", label: "7 days" },
  { key: "last_30_days", label: "30 days" },
  { key: "last_6_months", label: "6 months" },
  { key: "last_12_months", label: "1 year" },
  { key: "all_time", label: "All time" },
] as const;
export const DEFAULT_RANGE = "last_7_days";

/** The filters, their URL names, and the stats API parameter each maps to. */
export const DASHBOARD_FILTERS = [
  { key: "project", label: "Project", feature: "projects", param: "filter_by_project" },
  { key: "language", label: "Language", feature: "languages", param: "filter_by_language" },
  { key: "editor", label: "Editor", feature: "editors", param: "filter_by_editor" },
  { key: "os", label: "Operating system", feature: "operating_systems", param: "filter_by_operating_system" },
  { key: "machine", label: "Machine", feature: "machines", param: "filter_by_machine" },
  { key: "category", label: "Category", feature: "categories", param: "filter_by_category" },
] as const;
export type FilterKey = (typeof DASHBOARD_FILTERS)[number]["key"];
export const BREAKDOWN_FEATURES = DASHBOARD_FILTERS.map((f) => f.feature);

export type DashboardQuery = Partial<Record<"range" | "from" | "to" | FilterKey, string>>;

export interface DashboardRange {
  key: string;
  label: string;
  /** Local dates, inclusive. */
  fromDate: string;
  toDate: string;
  /** The stats API's start_date/end_date (absent for all time: the API's own default). */
  statsDates: { start_date?: string; end_date?: string };
  /** [start, end) of a single picked day, for its timeline. */
  singleDay: { date: string; start: number; end: number } | null;
}

/** The picked range (422 for a malformed custom date, as GET /my/projects answers). */
export function dashboardRange(q: DashboardQuery, timezone: string, now = nowSeconds()): DashboardRange {
  const today = localDate(now, timezone);
  const custom = q.range === "custom" || (!q.range && (q.from || q.to));
  const key = custom ? "custom" : DASHBOARD_RANGES.some((r) => r.key === q.range) ? q.range! : DEFAULT_RANGE;
  if (key === "all_time") {
    // The stats API's default window: 10 years back, to the end of today (UTC).
    return { key, label: "All time", fromDate: addDays(today, -3652), toDate: today, statsDates: {}, singleDay: null };
  }
  const w = projectsWindow(key === "custom" ? { interval: "custom", from: q.from, to: q.to } : { interval: key }, timezone, now);
  const fromDate = localDate(w.start, timezone);
  const toDate = localDate(Math.max(w.start, w.end - 1), timezone);
  const label = key === "custom" ? (fromDate === toDate ? fromDate : `${fromDate} – ${toDate}`) : DASHBOARD_RANGES.find((r) => r.key === key)!.label;
  const singleDay = fromDate === toDate ? { date: fromDate, start: w.start, end: w.end } : null;
  return { key, label, fromDate, toDate, statsDates: { start_date: isoSeconds(w.start), end_date: isoSeconds(w.end) }, singleDay };
}

/** The active filters (blank values dropped). */
export function dashboardFilters(q: DashboardQuery): Partial<Record<FilterKey, string>> {
  const out: Partial<Record<FilterKey, string>> = {};
  for (const f of DASHBOARD_FILTERS) {
    const v = q[f.key]?.trim();
    if (v) out[f.key] = v;
  }
  return out;
}

/** The stats API query for a range and filters (features: every breakdown and `days`). */
export function statsQuery(dates: DashboardRange["statsDates"], filters: Partial<Record<FilterKey, string>>): UserStatsQuery {
  const q: Record<string, string> = { ...dates, features: [...BREAKDOWN_FEATURES, "days"].join(",") };
  for (const f of DASHBOARD_FILTERS) if (filters[f.key]) q[f.param] = filters[f.key]!;
  return q as UserStatsQuery;
}

export type StatsData = {
  total_seconds: number;
  daily_average: number;
  streak: number;
  days: Array<{ date: string; total_seconds: number; projects: Array<{ name: string; total_seconds: number }> }>;
} & Record<(typeof BREAKDOWN_FEATURES)[number], Array<{ name: string; total_seconds: number; percent: number | null; text: string; color?: string }>>;

export interface Dashboard {
  range: DashboardRange;
  filters: Partial<Record<FilterKey, string>>;
  stats: StatsData;
  /** The stats API call behind `stats` (path and query, no credential). */
  apiQuery: UserStatsQuery;
  todaySeconds: number;
  weekSeconds: number;
  /** The last 365 days (today included), day totals under the same filters. */
  year: { fromDate: string; toDate: string; days: StatsData["days"] };
  spans: Span[] | null;
  /** Today's progress towards the daily goal the status bar shows (null: no enabled daily goal). */
  goal: (StatusBarGoal & { title: string }) | null;
}

/** Who the dashboard is of: the signed-in user (hasDailyGoal: from the session's lookup). */
export type DashboardUser = Pick<UserRow, "id" | "username" | "trustLevel"> & { hasDailyGoal: boolean };

export async function dashboard(env: Env, user: DashboardUser, subject: DurationSubject, q: DashboardQuery, now = nowSeconds()): Promise<Dashboard> {
  const range = dashboardRange(q, subject.timezone, now);
  const filters = dashboardFilters(q);
  const apiQuery = statsQuery(range.statsDates, filters);
  const today = localDate(now, subject.timezone);
  const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  const yearFrom = addDays(today, -364);
  // The range's own `days` already hold the last year when the range covers it (1 year, all
  // time), and today's total when it covers today without filters: a day's number is the same
  // whichever range asks (domain/stats/daily.ts), so those are not asked twice.
  const coversYear = range.fromDate <= yearFrom && range.toDate >= today;
  const todayFromDays = range.fromDate <= today && range.toDate >= today && Object.keys(filters).length === 0;
  const [stats, yearDays, todayAsked, weekSeconds, spans, goal] = await Promise.all([
    userStats(env, user, user.username, subject, apiQuery),
    // The stats API's `days` with the same filters over the last 365 local days.
    coversYear ? null : dailyActivity(env, subject, yearFrom, today, breakdownFilter(apiQuery)),
    todayFromDays ? null : hoursBetween(env, subject, today, today),
    hoursBetween(env, subject, monday, today),
    range.singleDay
      ? heartbeatSpans(shardFor(env, subject).db, subject.id, { start: range.singleDay.start, end: range.singleDay.end - 1e-6 }, filters.project ? [filters.project] : undefined)
      : Promise.resolve(null),
    shownDailyGoal(env.DB, user),
  ]);
  const data = (stats as unknown as { data: StatsData }).data;
  const year = yearDays
    ? yearDays.map((d) => ({ date: d.date, total_seconds: d.total_seconds, projects: [] }))
    : data.days.filter((d) => d.date >= yearFrom && d.date <= today);
  const todaySeconds = todayAsked ?? data.days.find((d) => d.date === today)?.total_seconds ?? 0;
  // The status bar's number: the same function over the same unfiltered day total.
  const progress = goal ? await dailyGoalProgress(env, subject, goal, parseDay(today)!, todaySeconds) : null;
  return {
    range,
    filters,
    stats: data,
    apiQuery,
    todaySeconds,
    weekSeconds,
    year: { fromDate: yearFrom, toDate: today, days: year },
    spans,
    goal: goal && progress ? { ...progress, title: goalTitle(goal) } : null,
  };
}

// ---- projects (/projects, /projects/:name) ----

/** GET /my/projects for a dashboard range: the same window (all time: no interval). */
export function projectsListWindow(q: DashboardQuery, timezone: string, now = nowSeconds()) {
  const range = dashboardRange(q, timezone, now);
  const interval = range.key === "all_time" ? {} : range.key === "custom" ? { interval: "custom", from: q.from, to: q.to } : { interval: range.key };
  return { range, window: projectsWindow(interval, timezone, now) };
}

export const PROJECT_FEATURES = ["languages", "editors", "operating_systems", "machines", "categories", "branches", "entities", "days"] as const;

export interface ProjectOverview {
  range: DashboardRange;
  stats: StatsData & { branches?: StatsData["languages"]; entities?: StatsData["languages"] };
  apiQuery: UserStatsQuery;
  /** GET /api/v1/users/{u}/project/{name} for the range, archived or not (null: no heartbeats in it). */
  details: ProjectRow | null;
  mapping: MappingJson | null;
}

/**
 * One project over a dashboard range: the stats API filtered to the project (with the owner's
 * branches and files), the project-details row, and its repository mapping.
 */
export async function projectOverview(env: Env, user: DashboardUser, subject: DurationSubject, name: string, q: DashboardQuery, now = nowSeconds()): Promise<ProjectOverview> {
  const range = dashboardRange(q, subject.timezone, now);
  const apiQuery = { ...statsQuery(range.statsDates, { project: name }), features: PROJECT_FEATURES.join(",") };
  const window = range.key === "all_time" ? ALL_TIME : { start: Date.parse(range.statsDates.start_date!) / 1000, end: Date.parse(range.statsDates.end_date!) / 1000 - 1e-6 };
  const [stats, details, mapping] = await Promise.all([
    userStats(env, user, user.username, subject, apiQuery, { owner: true }),
    projectDetails(env, subject, window, { names: [name], includeArchived: true }),
    mappingOrNull(env.DB, user.id, name),
  ]);
  return { range, stats: (stats as unknown as { data: ProjectOverview["stats"] }).data, apiQuery, details: details[0] ?? null, mapping };
}
