// GET /api/hackatime/v1/users/current/stats/last_7_days (hackatime-behavior.md §6.3, §4.3):
// the window is the user's local [today − 7 days 00:00, today 24:00) — eight calendar days —
// with grouped durations (each value chained separately) from the projection's fast path.
import { activeDayCount } from "../../db/heartbeat-reads";
import { userById } from "../../db/users";
import { isoSeconds, localDayNumber, localDayNumberBounds, nowSeconds, utcOffsetSeconds } from "../../lib/time";
import type { GroupDimension } from "../durations/dimensions";
import { durations, type DurationSubject } from "../durations/query";
import { displayName, type BreakdownDimension } from "./display-names";

export interface Last7DaysUser extends DurationSubject {
  username: string;
  slackUid: string | null;
}

const BREAKDOWNS = ["editor", "language", "machine", "project", "operating_system"] as const satisfies readonly (GroupDimension & BreakdownDimension)[];

const hms = (total: number) => [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60] as const;

/** Hackatime's format_hr: "7 hrs 0 mins" (never singular, seconds dropped). */
export function hoursMinutesText(total: number): string {
  const [h, m] = hms(total);
  return `${h} hrs ${m} mins`;
}

/** One WakaTime stats entry: digital "%d:%02d:%02d" (hours unpadded), text "H hrs M mins". */
export function statsEntry(name: string, totalSeconds: number, percent: number) {
  const [hours, minutes, seconds] = hms(totalSeconds);
  return {
    name,
    total_seconds: totalSeconds,
    percent,
    digital: `${hours}:${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`,
    text: `${hours} hrs ${minutes} mins`,
    hours,
    minutes,
    seconds,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * calculate_category_stats: per display name (blank → "unknown", then editor/OS/language display
 * names), percent of the sum over all groups, zero entries dropped, largest first.
 */
export function statsBreakdown(dim: BreakdownDimension, groups: Map<string | null, number> | undefined) {
  return breakdownBy(dim, groups, statsEntry);
}

/** statsBreakdown's names, merging, percents and order, with entries in another style. */
export function breakdownBy<T>(dim: BreakdownDimension, groups: Map<string | null, number> | undefined, entry: (name: string, seconds: number, percent: number) => T): T[] {
  const values = [...(groups ?? new Map<string | null, number>())];
  const whole = values.reduce((sum, [, seconds]) => sum + seconds, 0);
  if (whole === 0) return [];
  const byName = new Map<string, number>();
  for (const [raw, seconds] of values) {
    if (seconds <= 0) continue;
    const name = displayName(dim, raw, "unknown");
    byName.set(name, (byName.get(name) ?? 0) + seconds);
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, seconds]) => entry(name, seconds, round((seconds / whole) * 100, 2)));
}

/** Rails' TimeWithZone#iso8601: local wall time with "+HH:MM", or "Z" in the UTC zone itself. */
export function isoWithOffset(epochSeconds: number, tz: string): string {
  const offset = utcOffsetSeconds(epochSeconds, tz);
  const wall = isoSeconds(epochSeconds + offset).slice(0, -1);
  if (offset === 0) {
    const abbreviation = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" })
      .formatToParts(new Date(epochSeconds * 1000))
      .find((p) => p.type === "timeZoneName")?.value;
    if (abbreviation === "UTC" || abbreviation === "UCT") return `${wall}Z`;
  }
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 3600)).padStart(2, "0")}:${String(Math.floor((abs % 3600) / 60)).padStart(2, "0")}`;
}

export async function last7Days(env: Env, user: Last7DaysUser, now: number = nowSeconds()) {
  const tz = user.timezone;
  const today = localDayNumber(now, tz);
  const bounds = localDayNumberBounds(today - 7, today, tz);
  const start = bounds[0].start;
  const end = bounds[bounds.length - 1].end;
  const subject = { id: user.id, timezone: tz };
  const [result, daysCovered] = await Promise.all([
    durations(env, subject, { start, end, breakdowns: [...BREAKDOWNS] }),
    // Local days with at least one heartbeat (Hackatime's days_covered): one EXISTS probe per day.
    activeDayCount(env.DB, user.id, bounds),
  ]);
  const total = result.total;
  const dailyAverage = daysCovered > 0 ? round(total / daysCovered, 1) : 0;
  const humanTotal = hoursMinutesText(total);
  // Hackatime answers the Slack id here (null without one); the spec types both as strings,
  // so a user without a Slack id gets their username and id instead.
  const breakdown = (dim: (typeof BREAKDOWNS)[number]) => statsBreakdown(dim, result.groups[dim]);
  return {
    data: {
      username: user.slackUid ?? user.username,
      user_id: user.slackUid ?? String(user.id),
      start: isoWithOffset(start, tz),
      end: isoWithOffset(end - 1, tz),
      status: "ok",
      total_seconds: total,
      daily_average: dailyAverage,
      days_including_holidays: daysCovered,
      range: "last_7_days",
      human_readable_range: "Last 7 Days",
      human_readable_total: humanTotal,
      human_readable_daily_average: hoursMinutesText(Math.trunc(dailyAverage)),
      is_coding_activity_visible: true,
      is_other_usage_visible: true,
      editors: breakdown("editor"),
      languages: breakdown("language"),
      machines: breakdown("machine"),
      projects: breakdown("project"),
      operating_systems: breakdown("operating_system"),
      categories: [{ ...statsEntry("coding", total, 100), text: humanTotal }],
    },
  };
}

/** The caller's Slack id, which this endpoint shows as username / user_id. */
export async function slackUidOf(d1: D1Database, userId: number): Promise<string | null> {
  return (await userById(d1, userId))?.slackUid ?? null;
}

/** last7Days for a caller, with their Slack id read now. */
export async function last7DaysOf(env: Env, user: Omit<Last7DaysUser, "slackUid">, now: number = nowSeconds()) {
  return last7Days(env, { ...user, slackUid: await slackUidOf(env.DB, user.id) }, now);
}
