// Streaks (hackatime-behavior.md §4.2): consecutive local days with ≥ 15 minutes of
// non-browsing time, counted back from today if today qualifies, else from yesterday, looking
// back at most 31 days. Read from the per-day rollups of the non-browsing chain.
import { userActivity } from "../../durable/stub";
import { addDays, localDate, nowSeconds } from "../../lib/time";
import { ALL_KEY, MICROS, NON_BROWSING } from "../durations/dimensions";
import type { DurationSubject } from "../durations/query";

export const STREAK_MIN_SECONDS = 15 * 60;
export const STREAK_LOOKBACK_DAYS = 31;

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

export async function streakDays(env: Env, user: DurationSubject, now = nowSeconds()): Promise<number> {
  const today = localDate(now, user.timezone);
  const days = await userActivity(env, user.id).dailyTotals(user.id, user.timezone, NON_BROWSING, ALL_KEY, addDays(today, -STREAK_LOOKBACK_DAYS), today);
  return streakFromDays(new Set(days.filter((d) => Math.round(d.micros / MICROS) >= STREAK_MIN_SECONDS).map((d) => d.day)), today);
}
