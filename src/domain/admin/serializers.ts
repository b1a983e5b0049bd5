// Shared pieces of the admin API's answers: how a user is summarised ({id, username,
// display_name[, admin_level]}), and Hackatime's User.search_identity as SQL.
import { isBlank } from "../../lib/text";
import { displayName } from "../users/profile";

/**
 * The columns a user summary needs, selected from `alias` with every name prefixed by
 * `prefix` (so one query can carry several users: the subject and the admin who acted).
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
    `(SELECT e.email FROM email_addresses e WHERE e.user_id = ${alias}.id ORDER BY e.id LIMIT 1) AS ${prefix}email`,
  ].join(", ");
}

export interface UserSummarySource {
  id: number;
  username: string | null;
  display_name_override: string | null;
  slack_username: string | null;
  github_username: string | null;
  admin_level: string;
  trust_level: number;
  email: string | null;
}

/** The user summary fields of a row selected with userSummaryColumns(alias, prefix); null when the join found nobody. */
export function pickUser(row: Record<string, unknown>, prefix: string): UserSummarySource | null {
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

/** {id, username, display_name} */
export function userSummary(u: UserSummarySource) {
  return { id: u.id, username: u.username ?? "", display_name: displayName(u) };
}

/** {id, username, display_name, admin_level} */
export function adminSummary(u: UserSummarySource) {
  return { ...userSummary(u), admin_level: u.admin_level };
}

/** A query's id path parameter: a positive integer, or null (then the resource is "not found"). */
export function parseId(value: string | undefined | null): number | null {
  if (!value || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/** The LIKE pattern matching `term` anywhere (with \ as the escape character). */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * Hackatime's User.search_identity(term) as a subquery of user ids: exact Slack UID,
 * case-insensitive substring of username, Slack username, GitHub username or any email, or
 * the numeric id. Null for a blank term (callers then skip the filter, as Hackatime's
 * `params[:x].present?` does).
 */
export function searchIdentity(term: string | null | undefined): { sql: string; params: Array<string | number> } | null {
  if (isBlank(term)) return null;
  const t = term!.trim();
  const like = containsPattern(t);
  const numericId = /^\d{1,15}$/.test(t) ? Number(t) : -1;
  return {
    sql: `SELECT id FROM users WHERE slack_uid = ? OR username LIKE ? ESCAPE '\\' OR slack_username LIKE ? ESCAPE '\\'
            OR github_username LIKE ? ESCAPE '\\' OR id = ?
          UNION SELECT user_id FROM email_addresses WHERE email LIKE ? ESCAPE '\\'`,
    params: [t, like, like, like, numericId, like],
  };
}
