// The admin user utilities (hackatime-behavior.md §8.9; Hackatime `UserUtilities`,
// `AdminController#check/banned_users`). The routes read the parameters (routes/admin/params.ts);
// these functions take typed values. Every per-user heartbeat read is keyed by the user and paged
// or bounded by a range (db/admin-heartbeats.ts); the totals come from `durations`.
import type { AdminPrincipal } from "../../auth/admin";
import { TRUST_LEVELS, trustLevelName } from "../../auth/levels";
import { distinctHeartbeatValues, HEARTBEAT_VALUE_COLUMNS, heartbeatInfoStats, heartbeatPage, userProjectStats, type HeartbeatFilters, type OptionalRange } from "../../db/admin-heartbeats";
import { adminProfile, adminProfiles, apiKeyCount, usersWithTrustLevel, type AdminProfile } from "../../db/admin-users";
import { latestTrustChanges } from "../../db/audit-logs";
import { pickFields, type StoredHeartbeat } from "../../db/heartbeat-fields";
import { ADMIN_STATS_HEARTBEAT_FIELDS } from "../../schemas/admin";
import { mappingIdsByProject } from "../../db/project-repo-mappings";
import { emailsOf } from "../../db/users";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { isoSeconds, safeTimeZone } from "../../lib/time";
import { durations } from "../durations/query";
import { heartbeatJson } from "../heartbeats/serialize";
import { avatarUrl, displayName } from "../users/profile";

/** Both ends inclusive, epoch seconds. */
export interface InclusiveRange {
  start: number;
  end: number;
}

/** A page of a listing. */
export interface Page {
  limit: number;
  offset: number;
}

/**
 * `durations` takes [start, end); an inclusive end includes its own instant. Local days past
 * 9999-12-31 have no YYYY-MM-DD key, so ends are cut at the start of year 9999 (no real
 * heartbeat is later).
 */
export const LATEST_DURATION_END = Date.UTC(9999, 0, 1) / 1000;
const exclusiveEnd = (inclusiveEnd: number) => Math.min(inclusiveEnd, LATEST_DURATION_END) + 0.000001;

const subjectOf = (user: AdminProfile) => ({ id: user.id, timezone: safeTimeZone(user.timezone) });

// ---- users ----

/** Hackatime `find_user_by_id` after the parameter: 404 "user not found" when no user has the id. */
export async function findAdminTarget(d1: D1Database, id: number): Promise<AdminProfile> {
  const user = id > 0 && Number.isSafeInteger(id) ? await adminProfile(d1, id) : null;
  if (!user) throw new AppError("not_found", "user not found");
  return user;
}

/** {id, display_name, avatar_url}: the timeline's user card. */
export async function userCard(p: AdminProfile) {
  return { id: p.id, display_name: displayName(p), avatar_url: await avatarUrl(p) };
}

// ---- check, banned users ----

export async function adminCheck(d1: D1Database, admin: AdminPrincipal) {
  const p = await adminProfile(d1, admin.userId);
  return {
    valid: true,
    creator: { id: admin.userId, username: admin.username, display_name: p ? displayName(p) : admin.username, admin_level: admin.adminLevel },
    auth: { type: "api_key" },
    api_key: { id: admin.keyId, name: admin.keyName, created_at: admin.keyCreatedAt },
  };
}

/** Red users by id, with their first email or "no email". */
export async function bannedUsers(d1: D1Database, page: Page) {
  const rows = await usersWithTrustLevel(d1, TRUST_LEVELS.red, page.limit, page.offset);
  return { banned_users: rows.map((r) => ({ id: r.id, username: r.username, email: r.email ?? "no email" })) };
}

// ---- user/info, user/info_batch ----

// Hackatime counts only heartbeats between 2000 and 2100 in user/info.
const INFO_FROM = Date.UTC(2000, 0, 1) / 1000;
const INFO_TO = Date.UTC(2100, 0, 1) / 1000;

export async function userInfo(env: Env, user: AdminProfile) {
  const d1 = env.DB;
  const [stats, emails, keys, total] = await Promise.all([
    heartbeatInfoStats(d1, user.id, INFO_FROM, INFO_TO),
    emailsOf(d1, user.id),
    apiKeyCount(d1, user.id),
    durations(env, subjectOf(user), { start: INFO_FROM, end: exclusiveEnd(INFO_TO) }),
  ]);
  return {
    user: {
      id: user.id,
      username: user.username,
      display_name: displayName(user),
      slack_uid: user.slack_uid,
      slack_username: user.slack_username,
      github_username: user.github_username,
      timezone: user.timezone,
      country_code: user.country_code,
      admin_level: user.admin_level,
      trust_level: trustLevelName(user.trust_level),
      suspected: user.trust_level === TRUST_LEVELS.yellow,
      banned: user.trust_level === TRUST_LEVELS.red,
      created_at: user.created_at,
      updated_at: user.updated_at,
      last_heartbeat_at: stats.lastTime,
      email_addresses: emails,
      api_keys_count: keys,
      stats: {
        total_heartbeats: stats.count,
        total_coding_time: total.total,
        languages_used: stats.languages,
        projects_worked_on: stats.projects,
        days_active: stats.days,
      },
    },
  };
}

export async function infoBatch(d1: D1Database, ids: number[]) {
  const profiles = await adminProfiles(d1, ids);
  const users = await Promise.all(
    [...profiles.values()].map(async (p) => ({
      id: p.id,
      username: p.username ?? "",
      display_name: displayName(p),
      slack_uid: p.slack_uid,
      slack_username: p.slack_username,
      github_username: p.github_username,
      timezone: p.timezone,
      country_code: p.country_code,
      trust_level: trustLevelName(p.trust_level),
      avatar_url: await avatarUrl(p),
      slack_avatar_url: p.slack_avatar_url,
      github_avatar_url: p.github_avatar_url,
    })),
  );
  return { users };
}

// ---- user/heartbeats, user/heartbeat_values ----

/** One page of a user's heartbeats in (time, id) order, with the filtered total. */
export async function userHeartbeats(d1: D1Database, user: AdminProfile, range: OptionalRange, filters: HeartbeatFilters, page: Page) {
  const { total, rows } = await heartbeatPage(d1, user.id, range, filters, page.limit, page.offset);
  return {
    user_id: user.id,
    heartbeats: rows.map((row) => ({ ...heartbeatJson(row), ja4: null })),
    total_count: total,
    has_more: page.offset + page.limit < total,
  };
}

/** user/heartbeat_values' `field`: one of HEARTBEAT_VALUE_COLUMNS' names, else 422 "invalid field". */
export function heartbeatValueField(field: string | undefined): string {
  if (field === undefined || !Object.prototype.hasOwnProperty.call(HEARTBEAT_VALUE_COLUMNS, field)) throw new AppError("invalid_parameter", "invalid field");
  return field;
}

/** Distinct non-null values of one field (a heartbeatValueField), sorted, at most `limit`, empty strings dropped. */
export async function heartbeatValues(d1: D1Database, user: AdminProfile, field: string, range: OptionalRange, limit: number) {
  const values = (await distinctHeartbeatValues(d1, user.id, HEARTBEAT_VALUE_COLUMNS[field], range, limit)).filter((v) => v !== "");
  return { user_id: user.id, field, values, count: values.length };
}

// ---- user/stats, user/projects ----

const isoDateOf = (epoch: number) => isoSeconds(epoch).slice(0, 10);

/** A heartbeat as user/stats lists it: the spec's fields, time in ISO 8601, dependencies the stored JSON text. */
function statsHeartbeatJson(hb: StoredHeartbeat) {
  return { ...pickFields(hb, ADMIN_STATS_HEARTBEAT_FIELDS), time: isoSeconds(hb.time), is_write: hb.is_write === null ? null : hb.is_write === 1 };
}

/** The user's heartbeats over `range` in (time, id) order, paged, with the range's count and capped-gap total. */
export async function adminUserStats(env: Env, user: AdminProfile, range: InclusiveRange, page: Page) {
  const [{ total, rows }, totals] = await Promise.all([
    heartbeatPage(env.DB, user.id, range, {}, page.limit, page.offset),
    durations(env, subjectOf(user), { start: range.start, end: exclusiveEnd(range.end) }),
  ]);
  return {
    user_id: user.id,
    username: displayName(user),
    date: isoSeconds(range.start),
    start_date: isoDateOf(range.start),
    end_date: isoDateOf(range.end),
    timezone: user.timezone,
    heartbeats: rows.map(statsHeartbeatJson),
    total_heartbeats: total,
    total_duration: totals.total,
    has_more: page.offset + rows.length < total,
  };
}

/**
 * Per project (non-empty names): heartbeat count, capped-gap total (each project chained
 * separately), first/last heartbeat, languages, repo mapping; most heartbeats first.
 */
export async function adminUserProjects(env: Env, user: AdminProfile, range: InclusiveRange) {
  const d1 = env.DB;
  const [stats, totals] = await Promise.all([
    userProjectStats(d1, user.id, range.start, range.end),
    durations(env, subjectOf(user), { start: range.start, end: exclusiveEnd(range.end), breakdowns: ["project"] }),
  ]);
  const mappingIds = await mappingIdsByProject(
    d1,
    user.id,
    stats.map((r) => r.project),
  );
  const seconds = totals.groups.project ?? new Map<string | null, number>();
  const projects = stats
    .sort((a, b) => b.n - a.n || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0))
    .map((r) => ({
      name: r.project,
      total_heartbeats: r.n,
      total_duration: seconds.get(r.project) ?? 0,
      first_heartbeat: r.first_time,
      last_heartbeat: r.last_time,
      languages: (JSON.parse(r.langs) as string[]).sort(),
      repo: r.repo_url ?? null,
      repo_mapping_id: mappingIds.get(r.project) ?? null,
      archived: !isBlank(r.archived_at),
    }));
  return { user_id: user.id, username: displayName(user), projects, total_projects: projects.length };
}

// ---- trust logs ----

export const TRUST_LOGS_LIMIT = 25;

/** The user's latest 25 trust-level changes, newest first. */
export async function trustLogs(d1: D1Database, userId: number) {
  const rows = await latestTrustChanges(d1, userId, TRUST_LOGS_LIMIT);
  const changers = await adminProfiles(
    d1,
    rows.flatMap((r) => (r.changed_by_id === null ? [] : [r.changed_by_id])),
  );
  return {
    trust_logs: rows.map((r) => {
      const by = r.changed_by_id === null ? undefined : changers.get(r.changed_by_id);
      return {
        id: r.id,
        previous_trust_level: r.previous_trust_level,
        new_trust_level: r.new_trust_level,
        changed_by: by ? { id: by.id, username: by.username ?? "", display_name: displayName(by), admin_level: by.admin_level } : null,
        reason: r.reason,
        notes: r.notes,
        created_at: r.created_at,
      };
    }),
  };
}
