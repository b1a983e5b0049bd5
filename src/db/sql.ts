// SQL fragments every table module shares.

/** The current time as the ISO-8601 text (millisecond precision, Z) every timestamp column holds. */
export const NOW_ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** The user's first e-mail address (by id), as a scalar subquery over a users alias. */
export const firstEmailOf = (userAlias: string) => `(SELECT e.email FROM email_addresses e WHERE e.user_id = ${userAlias}.id ORDER BY e.id LIMIT 1)`;

/**
 * What every credential lookup reads about the user behind it (users aliased `u`): identity,
 * zone, levels, privacy, and whether a deletion is active. auth/user.ts maps the row.
 */
export const AUTH_USER_COLUMNS = `u.id, u.username, u.timezone, u.admin_level, u.trust_level, u.allow_public_stats_lookup,
    EXISTS (SELECT 1 FROM deletion_requests d WHERE d.user_id = u.id AND d.status IN ('pending', 'approved')) AS deletion_active`;

/** A row of AUTH_USER_COLUMNS. */
export interface AuthUserRow {
  id: number;
  username: string;
  timezone: string;
  admin_level: string;
  trust_level: number;
  allow_public_stats_lookup: number;
  deletion_active: number;
}
