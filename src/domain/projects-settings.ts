// A user's own projects and settings (hackatime-behavior.md §1.5; Hackatime's
// My::ProjectRepoMappingsController and the privacy settings' rotate_api_key), served to the
// user API key:
//   - the project list over a time range (Hackatime's TimeRangeFilterable intervals, in the
//     user's zone): seconds per project from `durations`, repo URL and archived state from
//     project_repo_mappings, active and archived projects listed apart;
//   - a project's mapping: its repository URL, archived or not (archived projects drop out of
//     the public project lists: domain/stats/projects.ts reads archived_at);
//   - rotating the API key: every key of the user is replaced by one new key.
import { subjectOf, type DurationSubject } from "./durations/query";
import { replaceUserKeys } from "../db/api-keys";
import { mappingOf, mappingsOf, upsertArchived, upsertRepoUrl, type MappingRow } from "../db/project-settings";
import { durations } from "./durations/query";
import { newRoutedUserApiKey, sha256Hex } from "../lib/crypto";
import { credentialsChanged } from "./credentials";
import { AppError } from "../lib/errors";
import { shortTimeDetailed } from "../lib/format";
import { isBlank } from "../lib/text";
import { addDays, isoSeconds, localDate, parseIsoDate, safeTimeZone, startOfLocalDay } from "../lib/time";

/** Durations are asked for at most up to 2100-01-01 (the range planner's horizon). */
const QUERY_TIME_LIMIT = 4_102_444_800;

// ---- time ranges ----

export interface ProjectsQuery {
  interval?: string;
  from?: string;
  to?: string;
}

export interface ProjectsWindow {
  /** The interval applied: a TimeRangeFilterable key, "custom", or null for all time. */
  interval: string | null;
  label: string;
  from: string | null;
  to: string | null;
  /** [start, end) in epoch seconds. */
  start: number;
  end: number;
}

const NAMED: Record<string, string> = {
  today: "Today",
  yesterday: "Yesterday",
  this_week: "This Week",
  last_7_days: "Last 7 Days",
  this_month: "This Month",
  last_30_days: "Last 30 Days",
  last_6_months: "Last 6 Months",
  this_year: "This Year",
  last_12_months: "Last 12 Months",
  flavortown: "Flavortown",
  summer_of_making: "Summer of Making",
  high_seas: "High Seas",
  low_skies: "Low Skies",
  scrapyard: "Scrapyard Global",
};

/** Event windows, dates in America/New_York (TimeRangeFilterable). */
const EVENTS: Record<string, [string, string]> = {
  flavortown: ["2025-12-15", "2026-03-31"],
  summer_of_making: ["2025-06-16", "2025-09-30"],
  high_seas: ["2024-10-30", "2025-01-31"],
  low_skies: ["2024-10-03", "2025-01-12"],
  scrapyard: ["2025-03-14", "2025-03-17"],
};

/** The spec's examples ("daily", "weekly") name Hackatime's intervals differently. */
const ALIASES: Record<string, string> = { daily: "today", weekly: "this_week", monthly: "this_month", yearly: "this_year" };

function monthsBack(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return `${target.toISOString().slice(0, 8)}${String(Math.min(d, lastDay)).padStart(2, "0")}`;
}

/**
 * Hackatime's filter_by_time_range(interval, from, to) in the user's zone: a named interval,
 * "custom" from/to dates (either may be missing), else all time. From/to without an interval
 * mean custom; an unknown interval means all time (as Hackatime's `all`).
 */
export function projectsWindow(q: ProjectsQuery, timezone: string, now: number): ProjectsWindow {
  const tz = safeTimeZone(timezone);
  const from = isBlank(q.from) ? null : q.from!.trim();
  const to = isBlank(q.to) ? null : q.to!.trim();
  let interval = isBlank(q.interval) ? (from || to ? "custom" : null) : q.interval!.trim().toLowerCase();
  interval = interval ? (ALIASES[interval] ?? interval) : null;

  const start = (date: string, zone = tz) => startOfLocalDay(date, zone);
  const after = (date: string, zone = tz) => startOfLocalDay(addDays(date, 1), zone);
  const days = (first: string, last: string, zone = tz) => ({ start: start(first, zone), end: after(last, zone) });
  const today = localDate(now, tz);
  const year = today.slice(0, 4);
  const monthStart = `${today.slice(0, 8)}01`;

  let range: { start: number; end: number } | null;
  switch (interval) {
    case "today":
      range = days(today, today);
      break;
    case "yesterday":
      range = days(addDays(today, -1), addDays(today, -1));
      break;
    case "this_week": {
      const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
      range = days(monday, addDays(monday, 6));
      break;
    }
    case "last_7_days":
      range = days(addDays(today, -7), today);
      break;
    case "this_month":
      range = days(monthStart, addDays(monthsBack(monthStart, -1), -1));
      break;
    case "last_30_days":
      range = days(addDays(today, -30), today);
      break;
    case "last_6_months": // Tally's (the dashboard's range picker); Hackatime has no such interval
      range = days(monthsBack(today, 6), today);
      break;
    case "this_year":
      range = days(`${year}-01-01`, `${year}-12-31`);
      break;
    case "last_12_months":
      range = days(monthsBack(today, 12), today);
      break;
    case "custom": {
      for (const [name, v] of [["from", from], ["to", to]] as const) {
        if (v !== null && !parseIsoDate(v)) throw new AppError("invalid_parameter", `Invalid ${name}: expected YYYY-MM-DD`);
      }
      range = { start: from ? start(from) : 0, end: to ? after(to) : QUERY_TIME_LIMIT };
      break;
    }
    default:
      range = EVENTS[interval ?? ""] ? days(EVENTS[interval!][0], EVENTS[interval!][1], "America/New_York") : null;
  }
  if (!range) return { interval: null, label: "All Time", from, to, start: 0, end: QUERY_TIME_LIMIT };
  const label = interval === "custom" ? `${from ?? "the beginning"} – ${to ?? "today"}` : NAMED[interval!];
  return { interval, label, from, to, start: Math.max(0, range.start), end: Math.min(range.end, QUERY_TIME_LIMIT) };
}

// ---- project mappings ----

/** The project_repo_mapping JSON: Hackatime's fields, plus whether it is archived. */
export function mappingJson(row: MappingRow) {
  return {
    project_name: row.projectName,
    repo_url: row.repoUrl,
    archived: !isBlank(row.archivedAt),
    archived_at: row.archivedAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
export type MappingJson = ReturnType<typeof mappingJson>;

/** The user's settings for one project, or null when it has none. */
export async function mappingOrNull(d1: D1Database, userId: number, projectName: string): Promise<MappingJson | null> {
  const row = await mappingOf(d1, userId, projectName);
  return row ? mappingJson(row) : null;
}

/** The user's settings for one project (404 when it has none). */
export async function findMapping(d1: D1Database, userId: number, projectName: string): Promise<MappingJson> {
  const mapping = await mappingOrNull(d1, userId, projectName);
  if (!mapping) throw new AppError("not_found", "No mapping for this project");
  return mapping;
}

/** A project name from the path: non-blank (Hackatime: "Project name can't be blank"). */
export function projectNameParam(raw: string): string {
  if (isBlank(raw)) throw new AppError("invalid_parameter", "Project name can't be blank");
  if (raw.length > 1000) throw new AppError("invalid_parameter", "Project name is too long");
  return raw;
}

/**
 * A repository URL: http(s), with a host, no spaces, at most 2048 characters. Empty (or null)
 * clears the mapping's URL, as Hackatime allows. Anything else is 422.
 */
export function validateRepoUrl(value: unknown): string | null {
  if (value === undefined) throw new AppError("invalid_parameter", "Repo url is required");
  if (value === null || (typeof value === "string" && value.trim() === "")) return null;
  if (typeof value !== "string") throw new AppError("invalid_parameter", "Repo url must be a string");
  const url = value.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || !parsed.hostname || /\s/.test(url) || url.length > 2048 || parsed.username || parsed.password) {
    throw new AppError("invalid_parameter", "Repo url must be a valid http(s) URL");
  }
  return url;
}

/** Sets the project's repository URL (the path's name and the body's value are checked here); returns the mapping. */
export async function setRepoUrl(d1: D1Database, userId: number, rawProjectName: string, rawRepoUrl: unknown): Promise<MappingJson> {
  const projectName = projectNameParam(rawProjectName);
  return mappingJson(await upsertRepoUrl(d1, userId, projectName, validateRepoUrl(rawRepoUrl)));
}

/** Archives or unarchives the project, creating its mapping if needed; returns the mapping. */
export async function setArchived(d1: D1Database, userId: number, rawProjectName: string, archived: boolean): Promise<MappingJson> {
  return mappingJson(await upsertArchived(d1, userId, projectNameParam(rawProjectName), archived));
}

// ---- the project list ----

export interface MyProject {
  name: string;
  project_key: string | null;
  total_seconds: number;
  duration_seconds: number;
  duration_label: string;
  duration_percent: number;
  repo_url: string | null;
  archived: boolean;
  archived_at: string | null;
}

/** Hackatime: short_time_detailed, "0m" when empty. */
const durationLabel = (seconds: number) => (seconds > 0 ? shortTimeDetailed(seconds) : "0m");

function withPercents(projects: MyProject[]): MyProject[] {
  const max = Math.max(1, ...projects.map((p) => p.duration_seconds));
  return projects.map((p) => ({ ...p, duration_percent: Math.round((p.duration_seconds / max) * 1000) / 10 }));
}

/** The user's projects with time in the window (most time first), active and archived apart. */
export async function myProjects(env: Env, user: DurationSubject, w: ProjectsWindow) {
  const [result, mappings] = await Promise.all([
    durations(env, subjectOf(user), { start: w.start, end: w.end, breakdowns: ["project"] }),
    mappingsOf(env.DB, user.id),
  ]);
  const byName = new Map(mappings.map((m) => [m.projectName, m]));
  const all: MyProject[] = [];
  for (const [key, seconds] of result.groups.project ?? []) {
    if (seconds <= 0) continue;
    const m = key ? byName.get(key) : undefined;
    all.push({
      name: key || "Unknown",
      project_key: key,
      total_seconds: seconds,
      duration_seconds: seconds,
      duration_label: durationLabel(seconds),
      duration_percent: 0,
      repo_url: m?.repoUrl ?? null,
      archived: !isBlank(m?.archivedAt),
      archived_at: m?.archivedAt ?? null,
    });
  }
  all.sort((a, b) => b.duration_seconds - a.duration_seconds || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const active = withPercents(all.filter((p) => !p.archived));
  const archived = withPercents(all.filter((p) => p.archived));
  return {
    interval: w.interval,
    interval_label: w.label,
    from: w.from,
    to: w.to,
    start: isoSeconds(w.start),
    end: isoSeconds(w.end - 1),
    timezone: safeTimeZone(user.timezone),
    total_time_seconds: result.total,
    total_time_label: durationLabel(result.total),
    has_activity: result.total > 0,
    total_projects: active.length,
    archived_count: archived.length,
    projects: active,
    archived_projects: archived,
  };
}

// ---- API key rotation ----

/**
 * Replaces every API key of the user with one new key (only its hash is stored), in one
 * transaction: from the moment this returns, the old keys authenticate nothing. Every web
 * session of the user ends too (signing in again needs the new key or GitHub).
 */
export async function rotateApiKey(env: Env, userId: number): Promise<string> {
  const key = await newRoutedUserApiKey(userId);
  await replaceUserKeys(env.DB, userId, await sha256Hex(key));
  await credentialsChanged(env, userId);
  return key;
}
