// What a user made public: the profile page (/@username) and the badges. A user is found as the
// public stats API finds them (resolveStatsTarget: id, Slack id or username), and a user with
// public stats off is refused — here as "not found", so a private account is not even confirmed
// to exist. The numbers are the stats API's (userStats, projectDetails, dailyActivity).
import type { AuthUser } from "../auth/user";
import { profileSourceById } from "../db/users";
import { AppError } from "../lib/errors";
import { addDays, localDate, nowSeconds } from "../lib/time";
import { mappingOrNull } from "./projects-settings";
import { dailyActivity, type DayActivity } from "./stats/daily";
import { projectDetails, type ProjectRow } from "./stats/projects";
import { userStats } from "./stats/user-stats";
import { statsWindow } from "./stats/windows";
import { resolveStatsTarget, type StatsTarget } from "./users/lookup";
import { displayName, identiconDataUri } from "./users/profile";

/** resolveStatsTarget, with "private" answered as "not found". */
async function visibleTarget(d1: D1Database, identifier: string, caller: Pick<AuthUser, "id" | "trustLevel" | "deletionActive"> | null): Promise<StatsTarget> {
  try {
    return await resolveStatsTarget(d1, identifier, caller);
  } catch (e) {
    if (e instanceof AppError && e.code === "forbidden") throw new AppError("not_found", "User not found");
    throw e;
  }
}

type Item = { name: string; total_seconds: number; percent: number | null; color?: string };

export interface PublicProfile {
  userId: number;
  username: string;
  displayName: string;
  /** A locally drawn avatar (data: URI): the page loads nothing from other hosts. */
  avatar: string;
  isOwner: boolean;
  /** Public stats are off (only the owner sees this page). */
  private: boolean;
  /** The stats API's default window (the last 10 years). */
  stats: { total_seconds: number; daily_average: number; streak: number; languages: Item[]; editors: Item[]; operating_systems: Item[] };
  /** GET /api/v1/users/{u}/projects/details: the last year, archived projects left out. */
  projects: ProjectRow[];
  year: { fromDate: string; toDate: string; days: DayActivity[] };
}

export async function publicProfile(env: Env, identifier: string, caller: Pick<AuthUser, "id" | "trustLevel" | "deletionActive"> | null, now = nowSeconds()): Promise<PublicProfile> {
  const target = await visibleTarget(env.DB, identifier, caller);
  const source = await profileSourceById(env.DB, target.user.id);
  const name = source ? displayName(source) : target.user.username;
  const today = localDate(now, target.subject.timezone);
  const fromDate = addDays(today, -364);
  const [stats, projects, days] = await Promise.all([
    userStats(env, target.user, name, target.subject, { features: "languages,editors,operating_systems" }),
    projectDetails(env, target.subject, statsWindow({}, now)),
    dailyActivity(env, target.subject, fromDate, today),
  ]);
  return {
    userId: target.user.id,
    username: target.user.username,
    displayName: name,
    avatar: await identiconDataUri(String(target.user.id)),
    isOwner: target.isOwner,
    private: !target.user.allowPublicStatsLookup,
    stats: (stats as unknown as { data: PublicProfile["stats"] }).data,
    projects,
    year: { fromDate, toDate: today, days },
  };
}

export interface BadgeValue {
  label: string;
  seconds: number;
}

/**
 * A badge's number: all-time coding time (the stats API's total_seconds for its default window),
 * or one project's. Credentials are not read (badges are embedded anywhere): a private user, or an
 * archived project, is not found.
 */
export async function badgeValue(env: Env, identifier: string, project: string | null): Promise<BadgeValue> {
  const target = await visibleTarget(env.DB, identifier, null);
  if (project !== null) {
    const mapping = await mappingOrNull(env.DB, target.user.id, project);
    if (mapping?.archived) throw new AppError("not_found", "Project not found");
  }
  const q = project === null ? { total_seconds: "true" } : { total_seconds: "true", filter_by_project: project };
  const result = (await userStats(env, target.user, target.user.username, target.subject, q)) as { total_seconds: number };
  return { label: project ?? "coding time", seconds: result.total_seconds };
}
