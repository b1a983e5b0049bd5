// The admin user utilities (hackatime-behavior.md §8.9; Hackatime `UserUtilities`,
// `AdminController#check/banned_users`, `DateParsing`). Every per-user heartbeat read is keyed
// by the user and served by the (user_id, time, id) or (user_id, project, time) index, and paged
// or bounded by a range; the totals come from `durations`. The cross-user IP/machine lookups are
// capped at 1000 rows (and want their own indexes: see USERS_BY_IP_SQL).
import { eq } from "drizzle-orm";
import type { AdminPrincipal } from "../../auth/admin";
import { trustLevelName, TRUST_LEVELS } from "../../auth/levels";
import { pickFields, type HeartbeatField, type StoredHeartbeat } from "../../db/heartbeat-fields";
import { getDb } from "../../db/client";
import { users, type UserRow } from "../../db/schema";
import { parseRailsTime, utcDayStart, yearsAgo } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { DAY_SECONDS, isoSeconds, nowSeconds, parseIsoDate, safeTimeZone } from "../../lib/time";
import { durations } from "../durations/query";
import { heartbeatJson } from "../heartbeats/serialize";
import { PROJECT_STATS_SQL } from "../stats/projects";
import { MAX_VALID_TIME, MIN_VALID_TIME, type QueryValues } from "../stats/windows";
import { avatarUrl, displayName, type ProfileSource } from "../users/profile";

// ---- parameters, as Rails reads them ----

/** Rails' `blank?` for a request parameter of any JSON type. */
export const isBlankParam = (v: unknown): boolean => v === null || v === undefined || v === false || (typeof v === "string" && isBlank(v));

/** Ruby's String#to_i: the leading integer, else 0. */
export function rubyToI(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value !== "string") return 0;
  const m = /^\s*([+-]?\d+)/.exec(value);
  return m ? Number(m[1]) : 0;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** `(params[:name] || fallback).to_i.clamp(lo, hi)`. */
export const intParam = (raw: string | undefined, fallback: number, lo: number, hi: number) => clamp(raw === undefined ? fallback : rubyToI(raw), lo, hi);

/** An `offset`: ≥ 0, and small enough to bind as an SQLite integer. */
export const offsetParam = (raw: string | undefined) => intParam(raw, 0, 0, Number.MAX_SAFE_INTEGER);

const DATE_PREFIX = /^(\d{4})(?:([-/])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2}))(?!\d)/;

/**
 * Ruby's `Date.parse` for the forms clients send: the calendar date of any date or date-time
 * Rails reads ("2024-03-01", "2024/3/1", "20240301", "2024-03-01T10:00:00-05:00" → 2024-03-01;
 * a bare time is today). YYYY-MM-DD, or null when unreadable.
 */
export function calendarDate(value: string, now = nowSeconds()): string | null {
  const s = value.trim();
  if (parseRailsTime(s, now) === null) return null;
  const m = DATE_PREFIX.exec(s);
  if (!m) return new Date(utcDayStart(now) * 1000).toISOString().slice(0, 10);
  const iso = `${m[1]}-${(m[3] ?? m[5]).padStart(2, "0")}-${(m[4] ?? m[6]).padStart(2, "0")}`;
  return parseIsoDate(iso) ? iso : null;
}

/** Epoch seconds of a YYYY-MM-DD's UTC midnight. */
export const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * Hackatime `parse_ts`: digits are epoch seconds (milliseconds from 10^12 on) within the valid
 * range; anything else a date, at its UTC start (or, for an end, 23:59:59). 422 "invalid <name>".
 */
export function parseTimestamp(raw: string, name: string, boundary: "start" | "end", now = nowSeconds()): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    let ts = Number(s);
    if (ts >= 1_000_000_000_000) ts = Math.floor(ts / 1000);
    if (ts >= MIN_VALID_TIME && ts <= MAX_VALID_TIME) return ts;
  } else {
    const date = calendarDate(s, now);
    if (date) return utcMidnight(date) + (boundary === "end" ? DAY_SECONDS - 1 : 0);
  }
  throw new AppError("invalid_parameter", `invalid ${name}`);
}

/** Both ends inclusive, epoch seconds. */
export interface InclusiveRange {
  start: number;
  end: number;
}

/** Hackatime `apply_time_range`: only the bounds given (start_date, end_date). */
export function optionalTimeRange(q: QueryValues, now = nowSeconds()): { start: number | null; end: number | null } {
  return {
    start: isBlankParam(q.start_date) ? null : parseTimestamp(q.start_date!, "start_date", "start", now),
    end: isBlankParam(q.end_date) ? null : parseTimestamp(q.end_date!, "end_date", "end", now),
  };
}

/** Hackatime `parse_default_time_range`: 10 years ago … the end of today (UTC) by default. */
export function defaultTimeRange(q: QueryValues, now = nowSeconds()): InclusiveRange {
  const r = optionalTimeRange(q, now);
  return { start: r.start ?? Math.floor(yearsAgo(10, now)), end: r.end ?? utcDayStart(now) + DAY_SECONDS - 1 };
}

/**
 * `durations` takes [start, end); an inclusive end includes its own instant. Local days past
 * 9999-12-31 have no YYYY-MM-DD key, so ends are cut at the start of year 9999 (no real
 * heartbeat is later).
 */
export const LATEST_DURATION_END = Date.UTC(9999, 0, 1) / 1000;
const exclusiveEnd = (inclusiveEnd: number) => Math.min(inclusiveEnd, LATEST_DURATION_END) + 0.000001;

// ---- users ----

/**
 * Hackatime `find_user_by_id`: `id` or `user_id` (ActiveRecord casts it with to_i);
 * 422 "who?" when blank, 404 "user not found" when unknown.
 */
export async function findAdminTarget(d1: D1Database, raw: unknown): Promise<UserRow> {
  if (isBlankParam(raw)) throw new AppError("invalid_parameter", "who?");
  const id = rubyToI(typeof raw === "string" || typeof raw === "number" ? raw : "");
  const row = id > 0 && Number.isSafeInteger(id) ? await getDb(d1).select().from(users).where(eq(users.id, id)).get() : undefined;
  if (!row) throw new AppError("not_found", "user not found");
  return row;
}

/** A user's profile fields plus the admin-only ones. */
export interface AdminProfile extends ProfileSource {
  slack_uid: string | null;
  country_code: string | null;
  trust_level: number;
  admin_level: string;
}

/** Profiles of many users in one query (id order); unknown ids are absent. */
export async function loadProfiles(d1: D1Database, ids: number[]): Promise<Map<number, AdminProfile>> {
  const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
  if (unique.length === 0) return new Map();
  const { results } = await d1
    .prepare(
      `SELECT u.id, u.username, u.display_name_override, u.slack_uid, u.slack_username, u.slack_avatar_url, u.github_username,
         u.github_avatar_url, u.timezone, u.country_code, u.trust_level, u.admin_level, u.created_at, u.updated_at,
         (SELECT e.email FROM email_addresses e WHERE e.user_id = u.id ORDER BY e.id LIMIT 1) AS email
       FROM users u WHERE u.id IN (SELECT value FROM json_each(?1)) ORDER BY u.id`,
    )
    .bind(JSON.stringify(unique))
    .all<AdminProfile>();
  return new Map(results.map((r) => [r.id, r]));
}

/** {id, display_name, avatar_url}: the timeline's user card. */
export async function userCard(p: AdminProfile) {
  return { id: p.id, display_name: displayName(p), avatar_url: await avatarUrl(p) };
}

// ---- check, banned users ----

export async function adminCheck(d1: D1Database, admin: AdminPrincipal) {
  const p = (await loadProfiles(d1, [admin.userId])).get(admin.userId);
  return {
    valid: true,
    creator: { id: admin.userId, username: admin.username, display_name: p ? displayName(p) : admin.username, admin_level: admin.adminLevel },
    auth: { type: "api_key" },
    api_key: { id: admin.keyId, name: admin.keyName, created_at: admin.keyCreatedAt },
  };
}

/** Red users by id: `limit` (default 200, at most 1000) and `offset`; the first email or "no email". */
export async function bannedUsers(d1: D1Database, q: QueryValues) {
  const limit = clamp(q.limit === undefined ? 200 : rubyToI(q.limit), 0, 1000);
  const offset = offsetParam(q.offset);
  const { results } = await d1
    .prepare(
      `SELECT u.id, u.username, (SELECT MIN(e.email) FROM email_addresses e WHERE e.user_id = u.id) AS email
       FROM users u WHERE u.trust_level = ?1 ORDER BY u.id LIMIT ?2 OFFSET ?3`,
    )
    .bind(TRUST_LEVELS.red, limit, offset)
    .all<{ id: number; username: string; email: string | null }>();
  return { banned_users: results.map((r) => ({ id: r.id, username: r.username, email: r.email ?? "no email" })) };
}

// ---- user/info, user/info_batch ----

// Hackatime counts only heartbeats between 2000 and 2100 in user/info.
const INFO_FROM = Date.UTC(2000, 0, 1) / 1000;
const INFO_TO = Date.UTC(2100, 0, 1) / 1000;

/** One pass over the user's rows by the (user_id, time, id) index. */
export const INFO_STATS_SQL = `SELECT COUNT(*) AS n, MAX(time) AS last_time, COUNT(DISTINCT language) AS languages,
    COUNT(DISTINCT project) AS projects, COUNT(DISTINCT CAST(time / 86400 AS INTEGER)) AS days
  FROM heartbeats WHERE user_id = ?1 AND time >= ?2 AND time <= ?3 AND deleted_at IS NULL`;

export async function userInfo(env: Env, user: UserRow) {
  const d1 = env.DB;
  const [agg, emails, keys] = await d1.batch<Record<string, number | string | null>>([
    d1.prepare(INFO_STATS_SQL).bind(user.id, INFO_FROM, INFO_TO),
    d1.prepare("SELECT email FROM email_addresses WHERE user_id = ? ORDER BY id").bind(user.id),
    d1.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?").bind(user.id),
  ]);
  const [profiles, total] = await Promise.all([
    loadProfiles(d1, [user.id]),
    durations(env, { id: user.id, timezone: safeTimeZone(user.timezone) }, { start: INFO_FROM, end: exclusiveEnd(INFO_TO) }),
  ]);
  const a = agg.results[0] ?? {};
  const profile = profiles.get(user.id);
  return {
    user: {
      id: user.id,
      username: user.username,
      display_name: profile ? displayName(profile) : user.username,
      slack_uid: user.slackUid,
      slack_username: user.slackUsername,
      github_username: user.githubUsername,
      timezone: user.timezone,
      country_code: user.countryCode,
      admin_level: user.adminLevel,
      trust_level: trustLevelName(user.trustLevel),
      suspected: user.trustLevel === TRUST_LEVELS.yellow,
      banned: user.trustLevel === TRUST_LEVELS.red,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
      last_heartbeat_at: (a.last_time as number | null) ?? null,
      email_addresses: emails.results.map((r) => r.email as string),
      api_keys_count: Number(keys.results[0]?.n ?? 0),
      stats: {
        total_heartbeats: Number(a.n ?? 0),
        total_coding_time: total.total,
        languages_used: Number(a.languages ?? 0),
        projects_worked_on: Number(a.projects ?? 0),
        days_active: Number(a.days ?? 0),
      },
    },
  };
}

export const MAX_BATCH_IDS = 2000;

/** `ids=1,2,3` (Ruby split/strip/to_i, unique, the first 2000); 422 when blank or empty. */
export function parseIdList(raw: string | undefined): number[] {
  if (isBlankParam(raw)) throw new AppError("invalid_parameter", "ids parameter required");
  const parts = raw!.split(",");
  while (parts.length && parts[parts.length - 1] === "") parts.pop(); // Ruby drops trailing empties
  const ids = [...new Set(parts.map((p) => rubyToI(p.trim())))].slice(0, MAX_BATCH_IDS);
  if (ids.length === 0) throw new AppError("invalid_parameter", "no valid ids provided");
  return ids;
}

export async function infoBatch(d1: D1Database, ids: number[]) {
  const profiles = await loadProfiles(d1, ids);
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

/** A user's live heartbeats, with optional bounds and exact-match filters, as SQL + params. */
export function heartbeatWhere(userId: number, range: { start: number | null; end: number | null }, filters: Record<string, string | undefined> = {}) {
  const clauses = ["user_id = ?", "deleted_at IS NULL"];
  const params: unknown[] = [userId];
  if (range.start !== null) {
    clauses.push("time >= ?");
    params.push(range.start);
  }
  if (range.end !== null) {
    clauses.push("time <= ?");
    params.push(range.end);
  }
  for (const [column, value] of Object.entries(filters)) {
    if (isBlankParam(value)) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  return { where: clauses.join(" AND "), params };
}

export const heartbeatCountSql = (where: string) => `SELECT COUNT(*) AS n FROM heartbeats WHERE ${where}`;
export const heartbeatPageSql = (where: string) => `SELECT * FROM heartbeats WHERE ${where} ORDER BY time, id LIMIT ? OFFSET ?`;
export const heartbeatValuesSql = (column: string, where: string) =>
  `SELECT DISTINCT ${column} AS v FROM heartbeats WHERE ${where} AND ${column} IS NOT NULL ORDER BY v LIMIT ?`;

export const HEARTBEAT_FILTERS = ["project", "language", "entity", "editor", "machine"] as const satisfies readonly HeartbeatField[];

/** The filtered count and one page of a user's heartbeats, in one round trip. */
async function countAndPage(d1: D1Database, where: string, params: unknown[], limit: number, offset: number) {
  const [count, page] = (await d1.batch([d1.prepare(heartbeatCountSql(where)).bind(...params), d1.prepare(heartbeatPageSql(where)).bind(...params, limit, offset)])) as [
    D1Result<{ n: number }>,
    D1Result<StoredHeartbeat>,
  ];
  return { total: Number(count.results[0]?.n ?? 0), rows: page.results };
}

/** One page of a user's heartbeats in (time, id) order, with the filtered total. */
export async function userHeartbeats(d1: D1Database, user: UserRow, q: QueryValues) {
  const limit = intParam(q.limit, 1000, 1, 5000);
  const offset = offsetParam(q.offset);
  const range = optionalTimeRange(q);
  const { where, params } = heartbeatWhere(user.id, range, Object.fromEntries(HEARTBEAT_FILTERS.map((f) => [f, q[f]])));
  const { total, rows } = await countAndPage(d1, where, params, limit, offset);
  return {
    user_id: user.id,
    heartbeats: rows.map((row) => ({ ...heartbeatJson(row), ja4: null })),
    total_count: total,
    has_more: offset + limit < total,
  };
}

export const HEARTBEAT_VALUE_FIELDS: Readonly<Record<string, HeartbeatField>> = {
  projects: "project",
  languages: "language",
  entities: "entity",
  branches: "branch",
  categories: "category",
  editors: "editor",
  machines: "machine",
  user_agents: "user_agent",
  ips: "ip_address",
};

/** Distinct non-null values of one field (sorted, at most `limit` ≤ 5000), empty strings dropped. */
export async function heartbeatValues(d1: D1Database, user: UserRow, q: QueryValues) {
  const field = q.field ?? "";
  const column = Object.prototype.hasOwnProperty.call(HEARTBEAT_VALUE_FIELDS, field) ? HEARTBEAT_VALUE_FIELDS[field] : undefined;
  if (!column) throw new AppError("invalid_parameter", "invalid field");
  const limit = intParam(q.limit, 5000, 1, 5000);
  const { where, params } = heartbeatWhere(user.id, optionalTimeRange(q));
  const { results } = await d1
    .prepare(heartbeatValuesSql(column, where))
    .bind(...params, limit)
    .all<{ v: string }>();
  const values = results.map((r) => r.v).filter((v) => v !== "");
  return { user_id: user.id, field, values, count: values.length };
}

// ---- cross-user lookups: by IP, by machine ----

/** Upper bound on rows of the IP / machine lookups. */
export const LOOKUP_LIMIT = 1000;

/**
 * Cross-user lookups. No index has ip_address or machine first yet, so these scan the
 * heartbeats table; with indexes on (ip_address, user_id) and (machine, user_id) they become
 * index range reads (requested as a shared schema change).
 */
export const USERS_BY_IP_SQL = `SELECT DISTINCT user_id, ip_address, machine, user_agent FROM heartbeats
  WHERE ip_address = ?1 AND deleted_at IS NULL ORDER BY user_id, machine, user_agent LIMIT ?2`;
export const USERS_BY_MACHINE_SQL = "SELECT DISTINCT user_id, machine FROM heartbeats WHERE machine = ?1 AND deleted_at IS NULL ORDER BY user_id LIMIT ?2";

export async function usersByIp(d1: D1Database, ip: string | undefined) {
  if (isBlankParam(ip)) throw new AppError("invalid_parameter", "bro dont got the ip");
  const { results } = await d1
    .prepare(USERS_BY_IP_SQL)
    .bind(ip, LOOKUP_LIMIT)
    .all<{ user_id: number; ip_address: string; machine: string | null; user_agent: string | null }>();
  return { users: results };
}

export async function usersByMachine(d1: D1Database, machine: string | undefined) {
  if (isBlankParam(machine)) throw new AppError("invalid_parameter", "bro dont got the machine");
  const { results } = await d1
    .prepare(USERS_BY_MACHINE_SQL)
    .bind(machine, LOOKUP_LIMIT)
    .all<{ user_id: number; machine: string }>();
  return { users: results };
}

// ---- user/stats, user/projects ----

/** The heartbeat fields user/stats lists (Hackatime's), in its order; time and is_write converted. */
export const ADMIN_STATS_HEARTBEAT_FIELDS = [
  "id",
  "time",
  "created_at",
  "project",
  "branch",
  "category",
  "dependencies",
  "editor",
  "entity",
  "language",
  "machine",
  "operating_system",
  "type",
  "user_agent",
  "line_additions",
  "line_deletions",
  "lineno",
  "lines",
  "cursorpos",
  "project_root_count",
  "is_write",
  "source_type",
  "ip_address",
] as const satisfies readonly HeartbeatField[];

const isoDateOf = (epoch: number) => isoSeconds(epoch).slice(0, 10);

/**
 * One UTC day (`date`, default today; 422 "Invalid date.") or, when start_date/end_date is
 * given, that range (default 10 years ago … end of today). The heartbeats are listed in (time,
 * id) order, paged (`limit` 1–5000, default 5000; `offset`), with the range's count and total.
 */
export async function adminUserStats(env: Env, user: UserRow, q: QueryValues) {
  const now = nowSeconds();
  let range: InclusiveRange;
  if (!isBlankParam(q.start_date) || !isBlankParam(q.end_date)) {
    range = defaultTimeRange(q, now);
  } else {
    const date = isBlankParam(q.date) ? isoDateOf(now) : calendarDate(q.date!, now);
    if (!date) throw new AppError("invalid_parameter", "Invalid date.");
    range = { start: utcMidnight(date), end: utcMidnight(date) + DAY_SECONDS - 1 };
  }
  const limit = intParam(q.limit, 5000, 1, 5000);
  const offset = offsetParam(q.offset);
  const d1 = env.DB;
  const { where, params } = heartbeatWhere(user.id, range);
  const [page, profiles, totals] = await Promise.all([
    countAndPage(d1, where, params, limit, offset),
    loadProfiles(d1, [user.id]),
    durations(env, { id: user.id, timezone: safeTimeZone(user.timezone) }, { start: range.start, end: exclusiveEnd(range.end) }),
  ]);
  const total = page.total;
  const profile = profiles.get(user.id);
  return {
    user_id: user.id,
    username: profile ? displayName(profile) : user.username,
    date: isoSeconds(range.start),
    start_date: isoDateOf(range.start),
    end_date: isoDateOf(range.end),
    timezone: user.timezone,
    // The spec's fields, in its order: time in ISO 8601, dependencies the stored JSON text.
    heartbeats: page.rows.map((hb) => ({ ...pickFields(hb, ADMIN_STATS_HEARTBEAT_FIELDS), time: isoSeconds(hb.time), is_write: hb.is_write === null ? null : hb.is_write === 1 })),
    total_heartbeats: total,
    total_duration: totals.total,
    has_more: offset + page.rows.length < total,
  };
}

type ProjectStatsRow = { project: string; n: number; first_time: number; last_time: number; langs: string; repo_url: string | null; archived_at: string | null };

/**
 * Per project (non-empty names): heartbeat count, capped-gap total (each project chained
 * separately), first/last heartbeat, languages, repo mapping; most heartbeats first. The whole
 * history, or start_date/end_date when either is given.
 */
export async function adminUserProjects(env: Env, user: UserRow, q: QueryValues) {
  const range: InclusiveRange =
    !isBlankParam(q.start_date) || !isBlankParam(q.end_date) ? defaultTimeRange(q) : { start: MIN_VALID_TIME, end: MAX_VALID_TIME };
  const d1 = env.DB;
  const subject = { id: user.id, timezone: safeTimeZone(user.timezone) };
  const [stats, totals, profiles] = await Promise.all([
    d1.prepare(PROJECT_STATS_SQL(false)).bind(user.id, range.start, range.end).all<ProjectStatsRow>(),
    durations(env, subject, { start: range.start, end: exclusiveEnd(range.end), breakdowns: ["project"] }),
    loadProfiles(d1, [user.id]),
  ]);
  const names = stats.results.map((r) => r.project);
  const mappingIds = new Map<string, number>();
  if (names.length) {
    const { results } = await d1
      .prepare("SELECT id, project_name FROM project_repo_mappings WHERE user_id = ?1 AND project_name IN (SELECT value FROM json_each(?2))")
      .bind(user.id, JSON.stringify(names))
      .all<{ id: number; project_name: string }>();
    for (const m of results) mappingIds.set(m.project_name, m.id);
  }
  const seconds = totals.groups.project ?? new Map<string | null, number>();
  const projects = stats.results
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
      archived: r.archived_at !== null && r.archived_at.trim() !== "",
    }));
  const profile = profiles.get(user.id);
  return { user_id: user.id, username: profile ? displayName(profile) : user.username, projects, total_projects: projects.length };
}

// ---- trust logs ----

type TrustLogRow = { id: number; changed_by_id: number | null; previous_trust_level: string; new_trust_level: string; reason: string | null; notes: string | null; created_at: string };

/** The user's latest 25 trust-level changes, newest first. */
export async function trustLogs(d1: D1Database, userId: number) {
  const { results } = await d1
    .prepare(
      `SELECT id, changed_by_id, previous_trust_level, new_trust_level, reason, notes, created_at FROM trust_level_audit_logs
       WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 25`,
    )
    .bind(userId)
    .all<TrustLogRow>();
  const changers = await loadProfiles(
    d1,
    results.flatMap((r) => (r.changed_by_id === null ? [] : [r.changed_by_id])),
  );
  return {
    trust_logs: results.map((r) => {
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

// ---- lookups by email, fuzzy search ----

export async function userIdByEmail(d1: D1Database, email: unknown) {
  if (isBlankParam(email) || typeof email !== "string") throw new AppError("invalid_parameter", "bro dont have a email");
  const row = await d1.prepare("SELECT user_id FROM email_addresses WHERE email = ?").bind(email.trim().toLowerCase()).first<{ user_id: number }>();
  if (!row) throw new AppError("not_found", "email not found");
  return { user_id: row.user_id };
}

/** Escapes LIKE's wildcards (with ESCAPE '\'). */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export const FUZZY_LIMIT = 10;

const rankOf = (column: string) =>
  `CASE WHEN ${column} LIKE ?2 ESCAPE '\\' THEN 100 WHEN ${column} LIKE ?3 ESCAPE '\\' THEN 50 WHEN ${column} LIKE ?4 ESCAPE '\\' THEN 10 ELSE 0 END`;

/**
 * Hackatime `fuzzy_ranked_search`: candidates by exact Slack UID or id, or a case-insensitive
 * substring of username, GitHub username, Slack username or an email; ranked id/Slack UID
 * match 1000, then per field exact 100 > prefix 50 > substring 10, summed; ties by username.
 * Only users with an email address (Hackatime's gate), at most 10.
 */
export const FUZZY_SQL = `
  SELECT u.id, u.username, u.slack_username, u.github_username, u.slack_avatar_url, u.github_avatar_url,
    (CASE WHEN CAST(u.id AS TEXT) = ?1 THEN 1000 ELSE 0 END
      + CASE WHEN u.slack_uid = ?1 THEN 1000 ELSE 0 END
      + ${rankOf("u.username")} + ${rankOf("u.github_username")} + ${rankOf("u.slack_username")}
      + COALESCE(MAX(${rankOf("e.email")}), 0)) AS rank_score,
    COALESCE(
      MAX(CASE WHEN e.email LIKE ?2 ESCAPE '\\' THEN e.email END),
      MAX(CASE WHEN e.email LIKE ?3 ESCAPE '\\' THEN e.email END),
      MAX(CASE WHEN e.email LIKE ?4 ESCAPE '\\' THEN e.email END),
      MIN(e.email)) AS email
  FROM users u JOIN email_addresses e ON e.user_id = u.id
  WHERE u.slack_uid = ?1 OR u.id = ?5 OR u.username LIKE ?4 ESCAPE '\\' OR u.github_username LIKE ?4 ESCAPE '\\'
    OR u.slack_username LIKE ?4 ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM email_addresses m WHERE m.user_id = u.id AND m.email LIKE ?4 ESCAPE '\\')
  GROUP BY u.id
  ORDER BY rank_score DESC, u.username ASC
  LIMIT ?6`;

export async function fuzzySearch(d1: D1Database, query: unknown) {
  if (isBlankParam(query) || typeof query !== "string") throw new AppError("invalid_parameter", "bro dont have a query");
  const term = query.trim();
  const escaped = likeEscape(term);
  const numericId = /^\d{1,15}$/.test(term) ? Number(term) : null;
  const { results } = await d1
    .prepare(FUZZY_SQL)
    .bind(term, escaped, `${escaped}%`, `%${escaped}%`, numericId, FUZZY_LIMIT)
    .all<{
      id: number;
      username: string;
      slack_username: string | null;
      github_username: string | null;
      slack_avatar_url: string | null;
      github_avatar_url: string | null;
      email: string;
      rank_score: number;
    }>();
  return { users: results };
}
