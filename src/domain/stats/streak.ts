// Streaks (hackatime-behavior.md §4.2): consecutive local days with ≥ 15 minutes of
// non-browsing time, counted back from today if today qualifies, else from yesterday, looking
// back at most 31 days. Read from the per-day rollups of the non-browsing chain.
import { userActivity } from "../../durable/stub";
import { addDays, localDate, nowSeconds } from "../../lib/time";
import { ALL_KEY, MICROS, NON_BROWSING } from "../durations/dimensions";
import type { DurationSubject } from "../durations/query";

export const STREAK_MIN_SECONDS = 15 * 60;
export const STREAK_LOOKBACK_DAYS = 31;
/** A day qualifies when its total, rounded to whole seconds, reaches STREAK_MIN_SECONDS. */
export const STREAK_MIN_MICROS = (STREAK_MIN_SECONDS - 0.5) * MICROS;
/** The longest streak streakFromDays can count (today and the lookback days). */
export const STREAK_MAX = STREAK_LOOKBACK_DAYS + 1;

/** The streak from a set of qualifying days, counted back from `today`. Pure. */
export function streakFromDays(qualifying: Set<string>, today: string, lookbackDays = STREAK_LOOKBACK_DAYS): number {
  let day = qualifying.has(today) ? today : addDays(today, -1);
  const oldest = addDays(today, -lookbackDays);
  let streak = 0;
  while (day >= oldest && qualifying.has(day)) {
    streak++;
    day = addDays(day, -1);
  }
  return streak;
}

/**
 * The latest run of consecutive qualifying days: its last day and length (at most STREAK_MAX),
 * from qualifying days newest first. What a leaderboard build needs to know of a user's streak.
 */
export function latestRun(qualifyingDesc: string[]): { lastDay: string | null; length: number } {
  if (qualifyingDesc.length === 0) return { lastDay: null, length: 0 };
  let length = 1;
  while (length < Math.min(qualifyingDesc.length, STREAK_MAX) && qualifyingDesc[length] === addDays(qualifyingDesc[length - 1], -1)) length++;
  return { lastDay: qualifyingDesc[0], length };
}

const dayIndex = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * streakFromDays() from a latestRun() summary: the run counts if it ends today or yesterday.
 * A run ending after `today` (heartbeats up to an hour ahead, past local midnight) counts up
 * to today when today is in it; a run before it is then not known, and counts 0.
 */
export function streakFromRun(run: { lastDay: string | null; length: number }, today: string, lookbackDays = STREAK_LOOKBACK_DAYS): number {
  if (!run.lastDay) return 0;
  const behind = dayIndex(today) - dayIndex(run.lastDay); // days from the run's last day to today
  if (behind === 0 || behind === 1) return Math.min(run.length, lookbackDays + 1 - behind);
  if (behind < 0 && run.length > -behind) return Math.min(run.length + behind, lookbackDays + 1);
  return 0;
}

export async function streakDays(env: Env, user: DurationSubject, now = nowSeconds()): Promise<number> {
  const today = localDate(now, user.timezone);
  const days = await userActivity(env, user.id).dailyTotals(user.id, user.timezone, NON_BROWSING, ALL_KEY, addDays(today, -STREAK_LOOKBACK_DAYS), today);
  return streakFromDays(new Set(days.filter((d) => Math.round(d.micros / MICROS) >= STREAK_MIN_SECONDS).map((d) => d.day)), today);
}
