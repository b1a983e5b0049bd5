// GET /api/v1/users/{username}/stats (hackatime-behavior.md §6.4): Hackatime's WakaTime-style
// summary, assembled from the duration fast path.
import { maskedTrustLevel } from "../../auth/levels";
import type { UserRow } from "../../db/schema";
import { profileSourceById } from "../../db/users";
import { parseUtcDateTime, utcDayStart, yearsAgoRollingOver } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { digitalHms, percentOf, shortTimeSimple } from "../../lib/format";
import { DAY_SECONDS, isoSeconds, localDate, nowSeconds } from "../../lib/time";
import { BOUNDARY_EXCLUDED, type BreakdownDimension, type GroupDimension } from "../durations/dimensions";
import { boundaryAwareSeconds, durations, uniqueCodingSeconds, type DurationSubject } from "../durations/query";
import type { HeartbeatFilter } from "../durations/reference";
import { languageColor } from "../languages";
import { dailyActivity } from "./daily";
import type { StatsTarget } from "../users/lookup";
import { displayName as profileDisplayName } from "../users/profile";
import { streakDays } from "./streak";

/** The breakdowns `features` may ask for: Hackatime's two, and the rest of WakaTime's. */
const FEATURES: Record<string, GroupDimension> = {
  languages: "language",
  projects: "project",
  editors: "editor",
  operating_systems: "operating_system",
  machines: "machine",
  categories: "category",
};
/**
 * Tally's project breakdowns (WakaTime's summaries have them): the caller's own stats only (file
 * paths and branch names stay private) and with exactly one filter_by_project, which bounds the
 * reference query that answers them to one project's heartbeats.
 */
const OWNER_PROJECT_FEATURES: Record<string, BreakdownDimension> = { branches: "branch", entities: "entity" };

export interface UserStatsQuery {
  start_date?: string;
  end_date?: string;
  limit?: string;
  features?: string;
  filter_by_project?: string;
  filter_by_category?: string;
  filter_by_language?: string;
  filter_by_editor?: string;
  filter_by_operating_system?: string;
  filter_by_machine?: string;
  boundary_aware?: string;
  total_seconds?: string;
  no_ai_coding?: string;
}

const csv = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
const truthy = (v: string | undefined) => v === "true" || v === "1";

function parseBound(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const t = parseUtcDateTime(value);
  if (t === null) throw new AppError("invalid_parameter", `Invalid ${name}`);
  return t;
}

/** A comma list, blanks dropped; undefined when absent or blank (no filter). */
const filterList = (v: string | undefined) => {
  const values = csv(v);
  return values?.length ? values : undefined;
};

/**
 * The breakdown-mode filter: Hackatime's filter_by_project and no_ai_coding, and Tally's
 * filter_by_category / _language / _editor / _operating_system / _machine (the dashboard's
 * filters; Hackatime reads filter_by_category only with total_seconds=true).
 */
export function breakdownFilter(q: UserStatsQuery, excludeCategories: string[] | undefined = truthy(q.no_ai_coding) ? ["ai coding"] : undefined): HeartbeatFilter {
  return {
    projects: filterList(q.filter_by_project),
    categories: filterList(q.filter_by_category),
    languages: filterList(q.filter_by_language),
    editors: filterList(q.filter_by_editor),
    operatingSystems: filterList(q.filter_by_operating_system),
    machines: filterList(q.filter_by_machine),
    excludeCategories,
  };
}

/** Values as named items, most time first: null and "" are shown (and summed) as "Other". */
function namedItems(values: Map<string | null, number>): Array<{ name: string; total_seconds: number }> {
  const named = new Map<string, number>();
  for (const [value, seconds] of values) {
    const name = value === null || value === "" ? "Other" : value;
    named.set(name, (named.get(name) ?? 0) + seconds);
  }
  return [...named]
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, total_seconds]) => ({ name, total_seconds }));
}

/** `user`: who the stats are of (its id and trust level are shown). */
export async function userStats(env: Env, user: Pick<UserRow, "id" | "trustLevel">, displayName: string, subject: DurationSubject, q: UserStatsQuery, opts: { owner?: boolean } = {}) {
  const now = nowSeconds();
  const start = parseBound(q.start_date, "start_date", yearsAgoRollingOver(10, now));
  const end = parseBound(q.end_date, "end_date", utcDayStart(now) + DAY_SECONDS - 1);
  const range = { start, end };
  const projects = csv(q.filter_by_project);
  const excludeCategories = truthy(q.no_ai_coding) ? ["ai coding"] : undefined;

  if (truthy(q.total_seconds)) {
    const filter: HeartbeatFilter = { ...breakdownFilter(q, excludeCategories), categories: csv(q.filter_by_category) };
    if (truthy(q.boundary_aware)) {
      const excluded = [...BOUNDARY_EXCLUDED, ...(excludeCategories ?? [])];
      return { total_seconds: await boundaryAwareSeconds(env, subject, range, { ...filter, excludeCategories: excluded }) };
    }
    return { total_seconds: (await durations(env, subject, { start, end, filter })).total };
  }

  const requested = csv(q.features) ?? ["languages"];
  const dims: Record<string, BreakdownDimension> = opts.owner && projects?.length === 1 ? { ...FEATURES, ...OWNER_PROJECT_FEATURES } : FEATURES;
  const features = Object.keys(dims).filter((f) => requested.includes(f));
  const filter = breakdownFilter(q, excludeCategories);
  const [result, days] = await Promise.all([
    durations(env, subject, { start, end, breakdowns: features.map((f) => dims[f]), filter }),
    requested.includes("days") ? dailyActivity(env, subject, localDate(start, subject.timezone), localDate(Math.max(start, end - 1e-6), subject.timezone), filter) : null,
  ]);
  const total = result.total;
  const limit = Math.max(0, Math.trunc(Number(q.limit ?? 0)) || 0);

  const data: Record<string, unknown> = {
    username: displayName,
    user_id: String(user.id),
    is_coding_activity_visible: true,
    is_other_usage_visible: true,
    status: "ok",
    start: isoSeconds(start),
    end: isoSeconds(end),
    range: q.start_date || q.end_date ? "custom" : "all_time",
    human_readable_range: q.start_date || q.end_date ? "Custom Range" : "All Time",
    total_seconds: total,
    daily_average: end - start >= DAY_SECONDS ? Math.floor(total / Math.floor((end - start) / DAY_SECONDS)) : 0,
    human_readable_total: shortTimeSimple(total),
  };
  data.human_readable_daily_average = (data.daily_average as number) > 0 ? shortTimeSimple(data.daily_average as number) : "";

  for (const f of features) {
    const dim = dims[f];
    const items = namedItems(result.groups[dim] ?? new Map())
      .map(({ name, total_seconds: seconds }) => ({
        name,
        total_seconds: seconds,
        text: shortTimeSimple(seconds),
        hours: Math.floor(seconds / 3600),
        minutes: Math.floor((seconds % 3600) / 60),
        percent: total > 0 ? percentOf(seconds, total) : null,
        digital: digitalHms(seconds),
        ...(dim === "language" ? { color: languageColor(name) } : {}),
      }));
    data[f] = limit > 0 ? items.slice(0, limit) : items;
  }
  if (days) {
    // Tally's `days` feature: each local day the range touches, that day's own total and its
    // projects (domain/stats/daily.ts).
    data.days = days.map((d) => ({ date: d.date, total_seconds: d.total_seconds, projects: namedItems(d.projects) }));
  }
  if (requested.includes("projects") && projects?.length) {
    // One project: its coding chain answers; several chain together (the filtered day cache).
    data.unique_total_seconds = await uniqueCodingSeconds(env, subject, range, projects);
  }
  data.streak = await streakDays(env, subject, now);
  return { data, trust_factor: maskedTrustLevel(user.trustLevel) };
}

/** The stats of a resolved target, named by their display name (the username if their profile vanished). */
export async function targetUserStats(env: Env, target: StatsTarget, q: UserStatsQuery) {
  const profile = await profileSourceById(env.DB, target.user.id);
  return userStats(env, target.user, profile ? profileDisplayName(profile) : target.user.username, target.subject, q, { owner: target.isOwner });
}
