// GET …/users/{id}/stats/{range} and …/users/{id}/all_time_since_today in WakaTime's shape.
// Every number comes from the duration fast path: the range total and breakdowns from
// durations() (each breakdown value chained separately, Hackatime's rule), the day totals behind
// best_day and the active-day counts from the projection's per-day rollups. last_7_days stays
// Hackatime's answer (spec'd: eight days, Slack id as username, one synthetic category) with
// WakaTime's extra fields added, so the same range never answers two ways.
import type { StatsTarget } from "../users/lookup";
import { firstHeartbeatTime } from "../../db/heartbeats";
import { durationFields, wakatimeText } from "../../lib/format";
import { formatDayNumber, isoSeconds, localDayNumber, nowSeconds } from "../../lib/time";
import { encodeKey, HEARTBEAT_TIMEOUT_SECONDS, type GroupDimension } from "../durations/dimensions";
import { durations } from "../durations/query";
import { breakdownBy, last7Days } from "../stats/last-7-days";
import { bestDay, dayTotals, queryable, type DayTotal } from "./days";
import { ordinalDate, rangeBounds, statsRange, type DayRange } from "./ranges";

/** WakaTime's keystroke timeout field, in minutes: Tally caps every gap at 120 s. */
export const TIMEOUT_MINUTES = HEARTBEAT_TIMEOUT_SECONDS / 60;

/** A WakaTime breakdown entry: name, percent and durationFields ("2:17", "2 hrs 17 mins"). */
export const wakatimeEntry = (name: string, seconds: number, percent: number) => ({ name, ...durationFields(seconds), percent });

const BREAKDOWNS = {
  categories: "category",
  projects: "project",
  languages: "language",
  editors: "editor",
  operating_systems: "operating_system",
  machines: "machine",
} as const satisfies Record<string, GroupDimension>;

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The local day of the user's first heartbeat (of one project), or null. */
async function firstDay(d1: D1Database, target: StatsTarget, project?: string): Promise<number | null> {
  const first = await firstHeartbeatTime(d1, target.user.id, project);
  return first === null ? null : localDayNumber(first, target.subject.timezone);
}

/** Day counts and the best day of a range, from its active days up to today. */
function dayFacts(r: DayRange, today: number, days: DayTotal[], total: number) {
  const elapsed = Math.max(0, Math.min(r.lastDay, today) - r.firstDay + 1);
  const active = days.length;
  const best = bestDay(days);
  const dailyAverage = active > 0 ? round1(total / active) : 0;
  return {
    days_including_holidays: elapsed,
    days_minus_holidays: active,
    holidays: Math.max(0, elapsed - active),
    daily_average: dailyAverage,
    best_day: best && { date: formatDayNumber(best.day), total_seconds: best.seconds, text: wakatimeText(best.seconds), digital: durationFields(best.seconds).digital, decimal: durationFields(best.seconds).decimal },
    is_including_today: r.firstDay <= today && today <= r.lastDay,
  };
}

/** What every range's answer adds beyond its totals (docs/wakatime-api.md). */
const freshness = {
  status: "ok" as const,
  is_up_to_date: true as const,
  is_already_updating: false,
  is_stuck: false,
  percent_calculated: 100 as const,
  timeout: TIMEOUT_MINUTES,
  writes_only: false,
  is_coding_activity_visible: true,
  is_other_usage_visible: true,
  dependencies: [] as never[],
};

/** stats/last_7_days: Hackatime's answer, with WakaTime's remaining fields. */
export async function last7DaysStats(env: Env, target: StatsTarget, now = nowSeconds()) {
  const tz = target.subject.timezone;
  const today = localDayNumber(now, tz);
  const r = { firstDay: today - 7, lastDay: today };
  const [base, days] = await Promise.all([
    last7Days(env, { ...target.subject, username: target.user.username, slackUid: target.user.slackUid }, now),
    dayTotals(env, target.subject, r),
  ]);
  const d = base.data;
  const facts = dayFacts(r, today, days, d.total_seconds);
  return {
    data: {
      ...d,
      ...freshness,
      timezone: tz,
      // Hackatime counts active days as days_including_holidays; the identity holds with 0 holidays.
      days_minus_holidays: d.days_including_holidays,
      holidays: 0,
      best_day: facts.best_day,
      is_including_today: true,
      total_seconds_including_other_language: d.total_seconds,
      daily_average_including_other_language: d.daily_average,
      human_readable_total_including_other_language: d.human_readable_total,
      human_readable_daily_average_including_other_language: d.human_readable_daily_average,
    },
  };
}

/** stats/{range} for every range but last_7_days. */
export async function rangeStats(env: Env, target: StatsTarget, range: string, now = nowSeconds()) {
  if (range === "last_7_days") return last7DaysStats(env, target, now);
  const tz = target.subject.timezone;
  const today = localDayNumber(now, tz);
  const r = statsRange(range, tz, now, range === "all_time" ? await firstDay(env.DB, target) : null);
  const bounds = rangeBounds(r, tz);
  const window = queryable(bounds);
  const [result, days] = await Promise.all([
    durations(env, target.subject, { ...window, breakdowns: Object.values(BREAKDOWNS) }),
    dayTotals(env, target.subject, r),
  ]);
  const total = result.total;
  const facts = dayFacts(r, today, days, total);
  const breakdown = (dim: GroupDimension) => breakdownBy(dim, result.groups[dim], wakatimeEntry);
  const text = wakatimeText(total);
  const averageText = wakatimeText(Math.trunc(facts.daily_average));
  return {
    data: {
      ...freshness,
      user_id: String(target.user.id),
      username: target.user.username,
      range: r.name,
      human_readable_range: r.text,
      start: isoSeconds(bounds.start),
      end: isoSeconds(bounds.end - 1),
      timezone: tz,
      ...facts,
      total_seconds: total,
      total_seconds_including_other_language: total,
      human_readable_total: text,
      human_readable_total_including_other_language: text,
      daily_average_including_other_language: facts.daily_average,
      human_readable_daily_average: averageText,
      human_readable_daily_average_including_other_language: averageText,
      categories: breakdown(BREAKDOWNS.categories),
      projects: breakdown(BREAKDOWNS.projects),
      languages: breakdown(BREAKDOWNS.languages),
      editors: breakdown(BREAKDOWNS.editors),
      operating_systems: breakdown(BREAKDOWNS.operating_systems),
      machines: breakdown(BREAKDOWNS.machines).map((m) => ({ ...m, machine_name_id: m.name })),
    },
  };
}

/**
 * all_time_since_today: from the first heartbeat's day (of `project`, when given) to the end of
 * today; the daily average is over days with activity.
 */
export async function allTimeSinceToday(env: Env, target: StatsTarget, project: string | undefined, now = nowSeconds()) {
  const tz = target.subject.timezone;
  const today = localDayNumber(now, tz);
  const first = await firstDay(env.DB, target, project);
  const r = { firstDay: Math.min(first ?? today, today), lastDay: today };
  const bounds = rangeBounds(r, tz);
  const [result, days] = await Promise.all([
    durations(env, target.subject, { ...queryable(bounds), filter: project === undefined ? undefined : { projects: [project] } }),
    dayTotals(env, target.subject, r, project === undefined ? undefined : { dim: "project", key: encodeKey(project) }),
  ]);
  const total = result.total;
  const { digital, decimal } = durationFields(total);
  return {
    data: {
      total_seconds: total,
      text: wakatimeText(total),
      decimal,
      digital,
      daily_average: days.length > 0 ? round1(total / days.length) : 0,
      is_up_to_date: true as const,
      percent_calculated: 100 as const,
      timeout: TIMEOUT_MINUTES,
      range: {
        start: isoSeconds(bounds.start),
        start_date: formatDayNumber(r.firstDay),
        start_text: ordinalDate(r.firstDay),
        end: isoSeconds(bounds.end - 1),
        end_date: formatDayNumber(r.lastDay),
        end_text: "Today" as const,
        timezone: tz,
      },
    },
  };
}
