// What /api/v1/authenticated/* answers about the caller (hackatime-behavior.md §6.9): the
// profile, coding time over local dates, and the all-time project list.
import { emailsOf, userById } from "../../db/users";
import { maskedTrustLevel } from "../../auth/levels";
import { parseDatePart } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { addDays, localDate, nowSeconds, startOfLocalDay } from "../../lib/time";
import { durations, type DurationSubject } from "../durations/query";
import { parseProjectList, projectDetails } from "./projects";
import { lenientTimeParam, type QueryValues, type TimeWindow } from "./windows";

// ---------------------------------------------------------------------------------------------
// Profile.

export interface Profile {
  id: number;
  emails: string[];
  slack_id: string | null;
  github_username: string | null;
  trust_factor: { trust_level: string; trust_value: number };
}

/** The /me body. The trust level is always the masked one (we have no verified OAuth apps). */
export async function profile(d1: D1Database, userId: number): Promise<Profile | null> {
  const [u, emails] = await Promise.all([userById(d1, userId), emailsOf(d1, userId)]);
  if (!u) return null;
  return { id: u.id, emails, slack_id: u.slackUid, github_username: u.githubUsername, trust_factor: maskedTrustLevel(u.trustLevel) };
}

// ---------------------------------------------------------------------------------------------
// Hours over local dates.

/** Coding seconds from the local start of startDate to the local end of endDate (inclusive dates). */
export async function hoursBetween(env: Env, user: DurationSubject, startDate: string, endDate: string): Promise<number> {
  const start = startOfLocalDay(startDate, user.timezone);
  const end = startOfLocalDay(addDays(endDate, 1), user.timezone);
  if (!(end > start)) return 0;
  return (await durations(env, user, { start, end })).total;
}

/** Hackatime's defaults: seven days ago through today, here in the user's zone. */
export function defaultHoursRange(timezone: string, now = nowSeconds()): { startDate: string; endDate: string } {
  const today = localDate(now, timezone);
  return { startDate: addDays(today, -7), endDate: today };
}

/** A local date parameter: the fallback when blank, 422 "Invalid <name>" when it does not parse. */
function dateParam(value: string | undefined, name: string, fallback: string): string {
  if (isBlank(value)) return fallback;
  const d = parseDatePart(value);
  if (d === null) throw new AppError("invalid_parameter", `Invalid ${name}`);
  return d;
}

/** The /hours body: start_date … end_date (default seven days ago … today) and the seconds between. */
export async function hours(env: Env, user: DurationSubject, query: { start_date?: string; end_date?: string }) {
  const defaults = defaultHoursRange(user.timezone);
  const startDate = dateParam(query.start_date, "start_date", defaults.startDate);
  const endDate = dateParam(query.end_date, "end_date", defaults.endDate);
  return { start_date: startDate, end_date: endDate, total_seconds: await hoursBetween(env, user, startDate, endDate) };
}

// ---------------------------------------------------------------------------------------------
// Projects: Hackatime's ProjectStatsQuery#project_details with all-time defaults, shown with the
// five fields the authenticated endpoint renders. The rows come from the shared project-details
// rule (./projects.ts), the same one /api/v1/users/{username}/projects/details uses.

export interface AuthenticatedProject {
  name: string;
  total_seconds: number;
  most_recent_heartbeat: string | null;
  languages: string[];
  archived: boolean;
}

/** All time, as far as stored heartbeats go (ingest keeps times below 2e9). */
export const ALL_TIME: TimeWindow = { start: 0, end: 2e9 };

/**
 * Project rows, most time first. `start|start_date` and `end|end_date` narrow the (inclusive)
 * stats window; unparseable values are skipped, as Hackatime does. `since|until|until_date` only
 * steer Hackatime's project discovery, which this endpoint does not use, so they change nothing.
 */
export async function authenticatedProjects(env: Env, user: DurationSubject, query: QueryValues): Promise<AuthenticatedProject[]> {
  const window: TimeWindow = {
    start: lenientTimeParam(query, ["start", "start_date"], ALL_TIME.start),
    end: lenientTimeParam(query, ["end", "end_date"], ALL_TIME.end),
  };
  const rows = await projectDetails(env, user, window, { names: parseProjectList(query.projects), includeArchived: query.include_archived === "true" });
  return rows.map((r) => ({ name: r.name, total_seconds: r.total_seconds, most_recent_heartbeat: r.most_recent_heartbeat, languages: r.languages, archived: r.archived }));
}
