// Coding goals in WakaTime's shape (GET/POST/PATCH/DELETE …/users/current/goals[/{id}]) and the
// status bar's progress towards the daily goal. A goal is so many seconds per local day or week
// (weeks start on Monday), of some languages, projects or editors (empty: all). Progress is
// Tally's number for the period: durations() over [period start, period end) with the goal's
// filter, i.e. what the stats and the status bar show for the same instants (a day's chain
// restarts at midnight; a week is chained across its days, as stats for those seven days are).
// chart_data holds the last seven periods, the current one last.
import { credentialsChanged } from "./credentials";
import { dailyGoalOf, deleteGoal as deleteGoalRow, goalOf, goalsOf, insertGoal, updateGoal as updateGoalRow } from "../db/goals";
import type { GoalRow } from "../db/schema";
import { AppError, notFound } from "../lib/errors";
import { shortTimeSimple, wakatimeText } from "../lib/format";
import { calendarOf, formatDayNumber, isoSeconds, localDayNumber, nowSeconds, startOfLocalDayNumber } from "../lib/time";
import type { GoalInput, GoalPatch } from "../schemas/wakatime";
import { durations, type DurationSubject } from "./durations/query";
import type { HeartbeatFilter } from "./durations/reference";
import { userProfile } from "./users/profile";
import { queryable } from "./wakatime/days";
import { mondayOf } from "./wakatime/ranges";

export const MAX_GOALS_PER_USER = 50;
const CHART_PERIODS = 7;
const WEEKDAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

type Status = "success" | "fail" | "pending" | "ignored";

interface Period {
  firstDay: number;
  lastDay: number;
  start: number;
  end: number;
  current: boolean;
}

/** The goal's last seven periods in the zone, oldest first; the last one holds today. */
function periods(goal: GoalRow, tz: string, now: number): Period[] {
  const today = localDayNumber(now, tz);
  const length = goal.delta === "day" ? 1 : 7;
  const currentFirst = goal.delta === "day" ? today : mondayOf(today);
  return Array.from({ length: CHART_PERIODS }, (_, i) => {
    const firstDay = currentFirst - (CHART_PERIODS - 1 - i) * length;
    const lastDay = firstDay + length - 1;
    return { firstDay, lastDay, start: startOfLocalDayNumber(firstDay, tz), end: startOfLocalDayNumber(lastDay + 1, tz), current: i === CHART_PERIODS - 1 };
  });
}

/** The heartbeats a goal counts; undefined when it counts all of them. */
export function goalFilter(goal: Pick<GoalRow, "languages" | "projects" | "editors">): HeartbeatFilter | undefined {
  const filter: HeartbeatFilter = {};
  if (goal.projects.length) filter.projects = goal.projects;
  if (goal.languages.length) filter.languages = goal.languages;
  if (goal.editors.length) filter.editors = goal.editors;
  return Object.keys(filter).length ? filter : undefined;
}

async function tracked(env: Env, subject: DurationSubject, goal: GoalRow, window: { start: number; end: number }): Promise<number> {
  return (await durations(env, subject, { ...queryable(window), filter: goalFilter(goal) })).total;
}

/** "1 hr", "2 hrs 30 mins", "45 mins", "0 secs": WakaTime's goal texts, zero parts left out. */
function goalText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (h === 0) return wakatimeText(seconds);
  return m === 0 ? `${h} ${h === 1 ? "hr" : "hrs"}` : wakatimeText(seconds);
}

/** A goal's title: its custom one, else the generated one (autoTitle). */
export const goalTitle = (goal: GoalRow) => goal.customTitle ?? autoTitle(goal);

/** "Code 1 hr per day in Go using VSCode on tally", "Code less than 2 hrs per week". */
function autoTitle(goal: GoalRow): string {
  const parts = [`Code ${goal.isInverse ? "less than " : ""}${goalText(goal.seconds)} per ${goal.delta}`];
  if (goal.languages.length) parts.push(`in ${goal.languages.join(", ")}`);
  if (goal.editors.length) parts.push(`using ${goal.editors.join(", ")}`);
  if (goal.projects.length) parts.push(`on ${goal.projects.join(", ")}`);
  return parts.join(" ");
}

function periodStatus(goal: GoalRow, p: Period, actual: number): { status: Status; reason: string; short: string } {
  const per = goal.delta === "day" ? "daily" : "weekly";
  const did = `coded ${wakatimeText(actual)}`;
  const short = `${shortTimeSimple(actual)}`;
  const weekday = WEEKDAY_NAMES[calendarOf(p.firstDay).weekday];
  if (goal.delta === "day" && goal.ignoreDays.includes(weekday)) return { status: "ignored", reason: `ignored because ${weekday}s are ignored days`, short: `${short} (ignored day)` };
  const diff = Math.abs(actual - goal.seconds);
  const over = actual > goal.seconds;
  const reached = goal.isInverse ? !over : actual >= goal.seconds;
  if (p.current && (goal.isInverse ? !over : !reached)) {
    return { status: "pending", reason: `${did} so far; the ${per} goal is ${goalText(goal.seconds)}`, short: `${short} so far` };
  }
  if (!p.current && actual === 0 && goal.ignoreZeroDays) return { status: "ignored", reason: "ignored because there was no coding activity", short: `${short} (ignored)` };
  const comparison = actual === goal.seconds ? `exactly your ${per} goal` : `${goalText(diff)} ${over ? "more" : "less"} than your ${per} goal`;
  return { status: reached ? "success" : "fail", reason: `${did} which is ${comparison}`, short: `${short} (${actual === goal.seconds ? "goal" : `${shortTimeSimple(diff)} ${over ? "more" : "less"} than goal`})` };
}

const isoNoFraction = (stored: string) => isoSeconds(Date.parse(stored) / 1000);

function periodText(goal: GoalRow, p: Period): string {
  const label = (n: number) => {
    const { month, day, weekday } = calendarOf(n);
    return `${goal.delta === "day" ? `${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][weekday]} ` : ""}${MONTHS[month - 1]} ${day}`;
  };
  return goal.delta === "day" ? label(p.firstDay) : `${label(p.firstDay)} - ${label(p.lastDay)}`;
}

/** One goal in WakaTime's shape, with its chart over the last seven periods. */
async function goalJson(env: Env, subject: DurationSubject, goal: GoalRow, owner: Awaited<ReturnType<typeof userProfile>>, now: number) {
  const ps = periods(goal, subject.timezone, now);
  const actuals = await Promise.all(ps.map((p) => tracked(env, subject, goal, p)));
  const chart = ps.map((p, i) => {
    const { status, reason, short } = periodStatus(goal, p, actuals[i]);
    return {
      actual_seconds: actuals[i],
      actual_seconds_text: wakatimeText(actuals[i]),
      goal_seconds: goal.seconds,
      goal_seconds_text: goalText(goal.seconds),
      range_status: status,
      range_status_reason: reason,
      range_status_reason_short: short,
      range: {
        ...(goal.delta === "day" ? { date: formatDayNumber(p.firstDay) } : {}),
        start: isoSeconds(p.start),
        end: isoSeconds(p.end - 1),
        text: periodText(goal, p),
        timezone: subject.timezone,
      },
    };
  });
  const counted = chart.filter((c) => c.range_status !== "ignored" && c.range_status !== "pending");
  const wins = counted.filter((c) => c.range_status === "success").length;
  const sumActual = counted.reduce((s, c) => s + c.actual_seconds, 0);
  const sumGoal = counted.length * goal.seconds;
  const cumulative: Status = counted.length === 0 ? "ignored" : (goal.isInverse ? sumActual <= sumGoal : sumActual >= sumGoal) ? "success" : "fail";
  return {
    id: goal.id,
    title: goalTitle(goal),
    custom_title: goal.customTitle,
    type: "coding" as const,
    delta: goal.delta,
    seconds: goal.seconds,
    languages: goal.languages,
    projects: goal.projects,
    editors: goal.editors,
    ignore_days: goal.ignoreDays,
    ignore_zero_days: goal.ignoreZeroDays,
    is_inverse: goal.isInverse,
    is_enabled: goal.isEnabled,
    improve_by_percent: null,
    is_snoozed: false,
    snooze_until: null,
    is_tweeting: false,
    is_current_user_owner: true,
    owner: {
      id: String(subject.id),
      username: owner?.username ?? null,
      display_name: owner?.display_name ?? "",
      full_name: owner?.full_name ?? "",
      email: null,
      photo: owner?.photo ?? "",
    },
    shared_with: [] as never[],
    subscribers: [] as never[],
    status: chart[chart.length - 1].range_status,
    average_status: (counted.length - wins > wins ? "fail" : "success") as "fail" | "success",
    cumulative_status: cumulative,
    status_percent_calculated: 100 as const,
    range_text: `from ${formatDayNumber(ps[0].firstDay)} until ${formatDayNumber(ps[ps.length - 1].lastDay)}`,
    chart_data: chart,
    created_at: isoNoFraction(goal.createdAt),
    modified_at: isoNoFraction(goal.updatedAt),
  };
}

export async function listGoals(env: Env, subject: DurationSubject, now = nowSeconds()) {
  const [rows, owner] = await Promise.all([goalsOf(env.DB, subject.id), userProfile(env.DB, subject.id)]);
  const data = await Promise.all(rows.map((g) => goalJson(env, subject, g, owner, now)));
  return { data, total: data.length, total_pages: 1 };
}

export async function getGoal(env: Env, subject: DurationSubject, id: string, now = nowSeconds()) {
  const [goal, owner] = await Promise.all([goalOf(env.DB, subject.id, id), userProfile(env.DB, subject.id)]);
  if (!goal) throw notFound("Goal not found");
  return { data: await goalJson(env, subject, goal, owner, now) };
}

/** Names as given, trimmed, blanks and repeats dropped. */
const names = (list: string[] | undefined) => (list === undefined ? undefined : [...new Set(list.map((s) => s.trim()).filter((s) => s !== ""))]);

function changesOf(input: GoalPatch) {
  return {
    ...(input.delta !== undefined && { delta: input.delta }),
    ...(input.seconds !== undefined && { seconds: input.seconds }),
    ...(input.custom_title !== undefined && { customTitle: input.custom_title?.trim() || null }),
    ...(input.languages !== undefined && { languages: names(input.languages) }),
    ...(input.projects !== undefined && { projects: names(input.projects) }),
    ...(input.editors !== undefined && { editors: names(input.editors) }),
    ...(input.ignore_days !== undefined && { ignoreDays: [...new Set(input.ignore_days)] }),
    ...(input.ignore_zero_days !== undefined && { ignoreZeroDays: input.ignore_zero_days }),
    ...(input.is_inverse !== undefined && { isInverse: input.is_inverse }),
    ...(input.is_enabled !== undefined && { isEnabled: input.is_enabled }),
  };
}

export async function createGoal(env: Env, subject: DurationSubject, input: GoalInput, now = nowSeconds()) {
  if ((await goalsOf(env.DB, subject.id)).length >= MAX_GOALS_PER_USER) throw new AppError("conflict", `At most ${MAX_GOALS_PER_USER} goals per user`);
  const goal = await insertGoal(env.DB, { id: crypto.randomUUID(), userId: subject.id, ...changesOf(input), delta: input.delta, seconds: input.seconds });
  await credentialsChanged(env, subject.id); // whether the user has a daily goal
  return { data: await goalJson(env, subject, goal, await userProfile(env.DB, subject.id), now) };
}

export async function updateGoal(env: Env, subject: DurationSubject, id: string, patch: GoalPatch, now = nowSeconds()) {
  const changes = changesOf(patch);
  const goal = Object.keys(changes).length ? await updateGoalRow(env.DB, subject.id, id, changes) : await goalOf(env.DB, subject.id, id);
  if (!goal) throw notFound("Goal not found");
  if (Object.keys(changes).length) await credentialsChanged(env, subject.id);
  return { data: await goalJson(env, subject, goal, await userProfile(env.DB, subject.id), now) };
}

export async function deleteGoal(env: Env, subject: DurationSubject, id: string): Promise<void> {
  if (!(await deleteGoalRow(env.DB, subject.id, id))) throw notFound("Goal not found");
  await credentialsChanged(env, subject.id);
}

/**
 * The daily goal the status bar and the dashboard show: the user's oldest enabled one. Read only
 * when the credential lookup found one (`hasDailyGoal`), so users without goals pay no query.
 */
export async function shownDailyGoal(d1: D1Database, user: { id: number; hasDailyGoal: boolean }): Promise<GoalRow | undefined> {
  return user.hasDailyGoal ? dailyGoalOf(d1, user.id) : undefined;
}

export interface StatusBarGoal {
  target_seconds: number;
  tracked_seconds: number;
  completion_percent: number;
  complete: boolean;
}

/**
 * Today's progress towards a daily goal (the status bar shows the user's oldest enabled one), as
 * Hackatime's status bar shows it: completion_percent = min(round(tracked / target × 100), 100).
 * Without a filter the day's total (`todaySeconds`, already read for the status bar) is the
 * progress; with one, durations() over the local day with the goal's filter.
 */
export async function dailyGoalProgress(env: Env, subject: DurationSubject, goal: GoalRow, day: number, todaySeconds: number): Promise<StatusBarGoal> {
  const today = { start: startOfLocalDayNumber(day, subject.timezone), end: startOfLocalDayNumber(day + 1, subject.timezone) };
  const seconds = goalFilter(goal) ? await tracked(env, subject, goal, today) : todaySeconds;
  return {
    target_seconds: goal.seconds,
    tracked_seconds: seconds,
    completion_percent: Math.min(Math.round((seconds / goal.seconds) * 100), 100),
    complete: seconds >= goal.seconds,
  };
}
