// The status-bar answer: Hackatime's grand_total text ("1h 5m", "Start coding!") in the
// shape wakatime-cli decodes type-strictly (integers where it wants integers).
import { userActivity } from "../durable/stub";
import type { DayTotal } from "../durable/user-activity";
import { durationFields, percentOf, shortTimeSimple } from "../lib/format";
import { isoSeconds, localDate, localDayBounds, nowSeconds } from "../lib/time";
import { decodeKey, microsToSeconds, type GroupDimension } from "./durations/dimensions";
import type { DurationSubject } from "./durations/query";

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

export function buildStatusBar(totals: DayTotal[], day: string, timezone: string, now: Date = new Date()) {
  const grandSeconds = microsToSeconds(totals.find((t) => t.dim === "all")?.micros ?? 0);
  const { total_seconds, hours, minutes, digital, decimal } = durationFields(grandSeconds);
  const { start, end } = localDayBounds(day, timezone);
  return {
    cached_at: now.toISOString(),
    has_team_features: false,
    data: {
      grand_total: {
        text: grandSeconds === 0 ? "Start coding!" : shortTimeSimple(grandSeconds),
        total_seconds,
        hours,
        minutes,
        digital,
        decimal,
      },
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

/** Today (the user's local day) from the user's per-day rollups: no heartbeat is read. */
export async function statusBarToday(env: Env, user: DurationSubject) {
  const day = localDate(nowSeconds(), user.timezone);
  const totals = await userActivity(env, user.id).dayTotals(user.id, user.timezone, day);
  return buildStatusBar(totals, day, user.timezone);
}
