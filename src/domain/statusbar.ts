// The status-bar answer: Hackatime's grand_total text ("1h 5m", "Start coding!", "… / 2h goal")
// and its daily-goal progress, in the shape wakatime-cli decodes type-strictly (integers where it
// wants integers).
import { userActivity } from "../durable/stub";
import type { DayTotal } from "../durable/user-activity";
import { parseDay } from "../lib/dates";
import { durationFields, percentOf, shortTimeSimple } from "../lib/format";
import { isoSeconds, localDate, localDayBounds } from "../lib/time";
import { decodeKey, microsToSeconds, type GroupDimension } from "./durations/dimensions";
import type { DurationSubject } from "./durations/query";
import { dailyGoalProgress, shownDailyGoal, type StatusBarGoal } from "./goals";

function breakdown(totals: DayTotal[], dim: GroupDimension) {
  const byName = new Map<string, number>();
  for (const t of totals) {
    if (t.dim !== dim) continue;
    const name = decodeKey(t.key) || "unknown";
    byName.set(name, (byName.get(name) ?? 0) + microsToSeconds(t.micros));
  }
  const whole = [...byName.values()].reduce((a, b) => a + b, 0);
  return [...byName]
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, seconds]) => ({ name, ...durationFields(seconds), percent: percentOf(seconds, whole) }));
}

/**
 * `goal`: progress towards the user's daily goal, when they have one; the text then ends in
 * " / 2h goal", as Hackatime's status bar shows it.
 */
export function buildStatusBar(totals: DayTotal[], day: string, timezone: string, now: Date = new Date(), goal: StatusBarGoal | null = null) {
  const grandSeconds = microsToSeconds(totals.find((t) => t.dim === "all")?.micros ?? 0);
  const { total_seconds, hours, minutes, digital, decimal } = durationFields(grandSeconds);
  const { start, end } = localDayBounds(day, timezone);
  const text = grandSeconds === 0 ? "Start coding!" : shortTimeSimple(grandSeconds);
  return {
    cached_at: now.toISOString(),
    has_team_features: false,
    data: {
      grand_total: {
        text: goal ? `${text} / ${shortTimeSimple(goal.target_seconds)} goal` : text,
        total_seconds,
        hours,
        minutes,
        digital,
        decimal,
      },
      ...(goal ? { goal } : {}),
      categories: breakdown(totals, "category"),
      projects: breakdown(totals, "project"),
      languages: breakdown(totals, "language"),
      editors: breakdown(totals, "editor"),
      operating_systems: breakdown(totals, "operating_system"),
      machines: breakdown(totals, "machine").map((m) => ({ ...m, machine_name_id: m.name })),
      dependencies: [],
      range: { date: day, start: isoSeconds(start), end: isoSeconds(end - 1), text: "Today", timezone },
    },
  };
}

/**
 * GET …/statusbar/today: the day's rollups and, when the user has one (the key lookup says so,
 * so users without goals pay no extra query), their daily goal, read side by side.
 */
export async function statusBarToday(env: Env, user: DurationSubject & { hasDailyGoal: boolean }, now: Date = new Date()) {
  const day = localDate(now.getTime() / 1000, user.timezone);
  const [totals, goal] = await Promise.all([
    userActivity(env, user.id).dayTotals(user.id, user.timezone, day),
    shownDailyGoal(env.DB, user),
  ]);
  const today = microsToSeconds(totals.find((t) => t.dim === "all")?.micros ?? 0);
  const progress = goal ? await dailyGoalProgress(env, user, goal, parseDay(day)!, today) : null;
  return buildStatusBar(totals, day, user.timezone, now, progress);
}
