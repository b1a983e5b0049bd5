// A user's projects over a window (hackatime-behavior.md §6.5, Hackatime ProjectStatsQuery):
// the names seen, and per project a row of totals. total_seconds comes from `durations` (the
// projection's per-project chains: LAG partitioned by project); counts, first/last times,
// languages, repo URL and archived state from one grouped D1 query over the window.
import { projectNamesIn, projectStats } from "../../db/heartbeat-reads";
import { AppError } from "../../lib/errors";
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

/** Distinct non-empty project names with a heartbeat in the window (archived ones included), by name. */
export async function projectNames(d1: D1Database, userId: number, window: TimeWindow): Promise<string[]> {
  const w = clampToValidTimes(window);
  if (!w) return [];
  return projectNamesIn(d1, userId, w);
}

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
  // One project: its own chain answers (the fast path with a one-project filter); otherwise
  // every project's chain. The window's end is inclusive; durations' end is exclusive.
  const filter = names?.length === 1 ? { projects: names } : undefined;
  const [stats, totals] = await Promise.all([
    projectStats(env.DB, subject.id, w, names),
    durations(env, subject, { start: w.start, end: w.end + 0.000001, breakdowns: ["project"], filter }),
  ]);
  const seconds = totals.groups.project ?? new Map<string | null, number>();
  const rows: ProjectRow[] = [];
  for (const r of stats) {
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

/** /project/{name}: one non-archived project's row over the window; 400 for a blank name, 404 without activity. */
export async function oneProject(env: Env, subject: DurationSubject, name: string, window: TimeWindow): Promise<ProjectRow> {
  if (isBlank(name)) throw new AppError("bad_request", "whats the name?");
  const [row] = await projectDetails(env, subject, window, { names: [name.trim()] });
  if (!row) throw new AppError("not_found", "found nuthin");
  return row;
}

// domain/admin/users.ts (another area) runs this statement itself; re-exported until it calls db/.
