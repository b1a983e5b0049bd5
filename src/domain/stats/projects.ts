// A user's projects over a window (hackatime-behavior.md §6.5, Hackatime ProjectStatsQuery):
// the names seen, and per project a row of totals. total_seconds comes from `durations` (the
// projection's per-project chains: LAG partitioned by project); counts, first/last times,
// languages, repo URL and archived state from one grouped D1 query over the window.
import { isBlank } from "../../lib/text";
import { isoSeconds } from "../../lib/time";
import { durations, type DurationSubject } from "../durations/query";
import { clampToValidTimes, type TimeWindow } from "./windows";

export interface ProjectRow {
  name: string;
  total_seconds: number;
  languages: string[];
  repo_url: string | null;
  total_heartbeats: number;
  first_heartbeat: string | null;
  last_heartbeat: string | null;
  most_recent_heartbeat: string | null;
  archived: boolean;
}

/** `projects=a,b`: stripped, blanks dropped, duplicates dropped (Hackatime normalize_names). */
export function parseProjectList(raw: string | undefined): string[] {
  if (isBlank(raw)) return [];
  return [...new Set(raw.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
}

const LIVE_NAMED = "user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time <= ?3 AND project IS NOT NULL AND project != ''";

/** Distinct non-empty project names with a heartbeat in the window (archived ones included), by name. */
export async function projectNames(d1: D1Database, userId: number, window: TimeWindow): Promise<string[]> {
  const w = clampToValidTimes(window);
  if (!w) return [];
  const { results } = await d1
    .prepare(`SELECT DISTINCT project FROM heartbeats WHERE ${LIVE_NAMED} ORDER BY project`)
    .bind(userId, w.start, w.end)
    .all<{ project: string }>();
  return results.map((r) => r.project);
}

export const PROJECT_STATS_SQL = (withNames: boolean) => `
  SELECT g.project, g.n, g.first_time, g.last_time, g.langs, m.repo_url, m.archived_at
  FROM (
    SELECT project, COUNT(*) AS n, MIN(time) AS first_time, MAX(time) AS last_time,
      json_group_array(DISTINCT language) FILTER (WHERE language IS NOT NULL AND language != '') AS langs
    FROM heartbeats
    WHERE ${LIVE_NAMED} ${withNames ? "AND project IN (SELECT value FROM json_each(?4))" : ""}
    GROUP BY project
  ) g
  LEFT JOIN project_repo_mappings m ON m.user_id = ?1 AND m.project_name = g.project`;

type StatsRow = {
  project: string;
  n: number;
  first_time: number;
  last_time: number;
  langs: string;
  repo_url: string | null;
  archived_at: string | null;
};

export interface ProjectDetailsOptions {
  /** Only these projects (none: every project with data in the window). */
  names?: string[];
  /** Keep archived projects (Hackatime's details routes do not). */
  includeArchived?: boolean;
}

/** Project rows for the window, sorted by −total_seconds (then name). */
export async function projectDetails(env: Env, subject: DurationSubject, window: TimeWindow, opts: ProjectDetailsOptions = {}): Promise<ProjectRow[]> {
  const w = clampToValidTimes(window);
  if (!w) return [];
  const names = opts.names?.length ? opts.names : undefined;
  const params: unknown[] = [subject.id, w.start, w.end];
  if (names) params.push(JSON.stringify(names));
  // One project: its own chain answers (the fast path with a one-project filter); otherwise
  // every project's chain. The window's end is inclusive; durations' end is exclusive.
  const filter = names?.length === 1 ? { projects: names } : undefined;
  const [stats, totals] = await Promise.all([
    env.DB.prepare(PROJECT_STATS_SQL(names !== undefined))
      .bind(...params)
      .all<StatsRow>(),
    durations(env, subject, { start: w.start, end: w.end + 0.000001, breakdowns: ["project"], filter }),
  ]);
  const seconds = totals.groups.project ?? new Map<string | null, number>();
  const rows: ProjectRow[] = [];
  for (const r of stats.results) {
    const archived = !isBlank(r.archived_at);
    if (archived && !opts.includeArchived) continue;
    const first = isoSeconds(r.first_time);
    const last = isoSeconds(r.last_time);
    rows.push({
      name: r.project,
      total_seconds: seconds.get(r.project) ?? 0,
      languages: (JSON.parse(r.langs) as string[]).sort(),
      repo_url: r.repo_url ?? null,
      total_heartbeats: r.n,
      first_heartbeat: first,
      last_heartbeat: last,
      most_recent_heartbeat: last,
      archived,
    });
  }
  return rows.sort((a, b) => b.total_seconds - a.total_seconds || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
