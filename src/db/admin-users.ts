// Admin-only reads and writes of users (hackatime-behavior.md §8): profiles by id, banned users,
// admin-level holders and level changes, fuzzy and timeline search, and the user-summary columns
// the other admin modules join in. Raw SQL: ids are batched through json_each, every row carries
// the first e-mail as a correlated subquery (display names fall back to it), and the searches rank
// LIKE matches. One representation: the columns' own snake_case names (as displayName and
// avatarUrl read them), typed from schema.ts through RawRow.
import type { AdminLevel, UserRow } from "./schema";
import { firstEmailOf, NOW_ISO, type RawRow } from "./sql";

type UserColumns = RawRow<UserRow>;

/** A user as the admin API shows them: profile, admin and trust state, first e-mail. */
export type AdminProfile = Pick<
  UserColumns,
  | "id"
  | "username"
  | "display_name_override"
  | "slack_uid"
  | "slack_username"
  | "slack_avatar_url"
  | "github_username"
  | "github_avatar_url"
  | "timezone"
  | "country_code"
  | "trust_level"
  | "admin_level"
  | "created_at"
  | "updated_at"
> & { email: string | null };

const PROFILES_SQL = `SELECT u.id, u.username, u.display_name_override, u.slack_uid, u.slack_username, u.slack_avatar_url, u.github_username,
    u.github_avatar_url, u.timezone, u.country_code, u.trust_level, u.admin_level, u.created_at, u.updated_at,
    ${firstEmailOf("u")} AS email
  FROM users u WHERE u.id IN (SELECT value FROM json_each(?1)) ORDER BY u.id`;

/** Profiles of many users in one statement (id order); unknown ids are absent. */
export async function adminProfiles(d1: D1Database, ids: number[]): Promise<Map<number, AdminProfile>> {
  const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
  if (unique.length === 0) return new Map();
  const { results } = await d1.prepare(PROFILES_SQL).bind(JSON.stringify(unique)).all<AdminProfile>();
  return new Map(results.map((r) => [r.id, r]));
}

export async function adminProfile(d1: D1Database, id: number): Promise<AdminProfile | null> {
  return (await adminProfiles(d1, [id])).get(id) ?? null;
}

/** Users of one trust level by id (served by users_trust_level), with their smallest e-mail. */
export const USERS_WITH_TRUST_LEVEL_SQL = `SELECT u.id, u.username, (SELECT MIN(e.email) FROM email_addresses e WHERE e.user_id = u.id) AS email
  FROM users u WHERE u.trust_level = ?1 ORDER BY u.id LIMIT ?2 OFFSET ?3`;

export async function usersWithTrustLevel(d1: D1Database, trustLevel: number, limit: number, offset: number) {
  const { results } = await d1
    .prepare(USERS_WITH_TRUST_LEVEL_SQL)
    .bind(trustLevel, limit, offset)
    .all<Pick<UserColumns, "id" | "username"> & { email: string | null }>();
  return results;
}

export async function apiKeyCount(d1: D1Database, userId: number): Promise<number> {
  const row = await d1.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?").bind(userId).first<{ n: number }>();
  return Number(row?.n ?? 0);
}

// ---- user summaries joined into other admin rows ----

/** {id, username, display_name[, admin_level]}'s sources: what a joined user contributes to a row. */
export type UserSummaryRow = Pick<UserColumns, "id" | "username" | "display_name_override" | "slack_username" | "github_username" | "admin_level" | "trust_level"> & {
  email: string | null;
};

/**
 * The columns a user summary needs, selected from `alias` with every name prefixed by
 * `prefix` (so one row can carry several users: the subject and the admin who acted).
 */
export function userSummaryColumns(alias: string, prefix: string): string {
  return [
    `${alias}.id AS ${prefix}id`,
    `${alias}.username AS ${prefix}username`,
    `${alias}.display_name_override AS ${prefix}display_name_override`,
    `${alias}.slack_username AS ${prefix}slack_username`,
    `${alias}.github_username AS ${prefix}github_username`,
    `${alias}.admin_level AS ${prefix}admin_level`,
    `${alias}.trust_level AS ${prefix}trust_level`,
    `${firstEmailOf(alias)} AS ${prefix}email`,
  ].join(", ");
}

/** The user selected with userSummaryColumns(alias, prefix); null when the join found nobody. */
export function pickUser(row: Record<string, unknown>, prefix: string): UserSummaryRow | null {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return null;
  const get = (k: string) => row[`${prefix}${k}`] as never;
  return {
    id: get("id"),
    username: get("username"),
    display_name_override: get("display_name_override"),
    slack_username: get("slack_username"),
    github_username: get("github_username"),
    admin_level: get("admin_level"),
    trust_level: get("trust_level"),
    email: get("email"),
  };
}

// ---- searches ----

/** Escapes LIKE's wildcards (with ESCAPE '\'). */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The LIKE pattern matching `term` anywhere (with \ as the escape character). */
export const containsPattern = (term: string) => `%${likeEscape(term)}%`;

/**
 * Hackatime's User.search_identity(term) as a subquery of user ids: exact Slack UID,
 * case-insensitive substring of username, Slack username, GitHub username or any email, or
 * the numeric id. `term` is trimmed and not blank.
 */
export function searchIdentity(term: string): { sql: string; params: Array<string | number> } {
  const like = containsPattern(term);
  const numericId = /^\d{1,15}$/.test(term) ? Number(term) : -1;
  return {
    sql: `SELECT id FROM users WHERE slack_uid = ? OR username LIKE ? ESCAPE '\\' OR slack_username LIKE ? ESCAPE '\\'
            OR github_username LIKE ? ESCAPE '\\' OR id = ?
          UNION SELECT user_id FROM email_addresses WHERE email LIKE ? ESCAPE '\\'`,
    params: [term, like, like, like, numericId, like],
  };
}

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

/** `term` is trimmed and not blank. */
export async function fuzzySearchUsers(d1: D1Database, term: string) {
  const escaped = likeEscape(term);
  const numericId = /^\d{1,15}$/.test(term) ? Number(term) : null;
  const { results } = await d1
    .prepare(FUZZY_SQL)
    .bind(term, escaped, `${escaped}%`, `%${escaped}%`, numericId, FUZZY_LIMIT)
    .all<
      Pick<UserColumns, "id" | "username" | "slack_username" | "github_username" | "slack_avatar_url" | "github_avatar_url"> & { email: string; rank_score: number }
    >();
  return results;
}

/**
 * The timeline's user search: a case-insensitive substring (`term` lower-cased) of username,
 * Slack username, id or an e-mail; the exact username first, then by username.
 */
export const TIMELINE_SEARCH_SQL = `SELECT u.id FROM users u
  WHERE lower(u.username) LIKE ?1 ESCAPE '\\' OR lower(u.slack_username) LIKE ?1 ESCAPE '\\' OR CAST(u.id AS TEXT) LIKE ?1 ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM email_addresses e WHERE e.user_id = u.id AND lower(e.email) LIKE ?1 ESCAPE '\\')
  ORDER BY CASE WHEN lower(u.username) = ?2 THEN 0 ELSE 1 END, u.username
  LIMIT ?3`;

export async function searchUserIds(d1: D1Database, term: string, limit: number): Promise<number[]> {
  const { results } = await d1.prepare(TIMELINE_SEARCH_SQL).bind(containsPattern(term), term, limit).all<{ id: number }>();
  return results.map((r) => r.id);
}

// ---- admin levels ----

export type PermissionRow = UserSummaryRow & Pick<UserColumns, "created_at" | "updated_at"> & { emails: string };

const PERMISSION_SELECT = `SELECT ${userSummaryColumns("u", "")}, u.created_at, u.updated_at,
    (SELECT json_group_array(email) FROM (SELECT e.email FROM email_addresses e WHERE e.user_id = u.id ORDER BY e.id)) AS emails
  FROM users u`;

// Hackatime orders by its admin_level enum's integers: superadmin 1, admin 2, viewer 3, ultraadmin 4.
const ENUM_ORDER = "CASE u.admin_level WHEN 'default' THEN 0 WHEN 'superadmin' THEN 1 WHEN 'admin' THEN 2 WHEN 'viewer' THEN 3 ELSE 4 END";

/** Users with an admin level other than default (served by users_admin_level), optionally matching searchIdentity(search). */
export async function adminLevelHolders(d1: D1Database, search: string | null): Promise<PermissionRow[]> {
  const where = ["u.admin_level IN ('viewer', 'admin', 'superadmin', 'ultraadmin')"];
  const params: Array<string | number> = [];
  if (search !== null) {
    const identity = searchIdentity(search);
    where.push(`u.id IN (${identity.sql})`);
    params.push(...identity.params);
  }
  const { results } = await d1
    .prepare(`${PERMISSION_SELECT} WHERE ${where.join(" AND ")} ORDER BY ${ENUM_ORDER}, u.username`)
    .bind(...params)
    .all<PermissionRow>();
  return results;
}

export async function permissionUser(d1: D1Database, id: number): Promise<PermissionRow | null> {
  return d1.prepare(`${PERMISSION_SELECT} WHERE u.id = ?`).bind(id).first<PermissionRow>();
}

/**
 * Sets the admin level only if it is still `previous` (so a concurrent change is not silently
 * overwritten); the new updated_at, or null when the level had changed meanwhile.
 */
export async function changeAdminLevel(d1: D1Database, id: number, newLevel: AdminLevel, previous: string): Promise<string | null> {
  const row = await d1
    .prepare(`UPDATE users SET admin_level = ?, updated_at = ${NOW_ISO} WHERE id = ? AND admin_level = ? RETURNING updated_at`)
    .bind(newLevel, id, previous)
    .first<{ updated_at: string }>();
  return row?.updated_at ?? null;
}
