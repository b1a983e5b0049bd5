// SQL fragments every table module shares.

/** The current time as the ISO-8601 text (millisecond precision, Z) every timestamp column holds. */
export const NOW_ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** The user's first e-mail address (by id), as a scalar subquery over a users alias. */
export const firstEmailOf = (userAlias: string) => `(SELECT e.email FROM email_addresses e WHERE e.user_id = ${userAlias}.id ORDER BY e.id LIMIT 1)`;

/**
 * What every credential lookup (API key, web session) reads about the user behind it (users
 * aliased `u`): identity, zone, levels, privacy, whether a deletion is active and whether an
 * enabled daily goal exists. credentialUserOf maps the row.
 */
export const AUTH_USER_COLUMNS = `u.id, u.username, u.timezone, u.admin_level, u.trust_level, u.allow_public_stats_lookup, u.shard,
    EXISTS (SELECT 1 FROM deletion_requests d WHERE d.user_id = u.id AND d.status IN ('pending', 'approved')) AS deletion_active,
    EXISTS (SELECT 1 FROM goals g WHERE g.user_id = u.id AND g.delta = 'day' AND g.is_enabled = 1) AS daily_goal`;

/** A row of AUTH_USER_COLUMNS. */
export interface AuthUserRow {
  id: number;
  username: string;
  timezone: string;
  admin_level: string;
  trust_level: number;
  allow_public_stats_lookup: number;
  shard: number;
  deletion_active: number;
  daily_goal: number;
}

/** The user behind a credential, as the lookup finds them (the time zone as stored, not yet checked). */
export interface CredentialUser {
  id: number;
  username: string;
  timezone: string;
  adminLevel: string;
  trustLevel: number;
  allowPublicStatsLookup: boolean;
  /** A pending or approved deletion request exists. */
  deletionActive: boolean;
  /** An enabled daily goal exists (the status bar and dashboard read it only then). */
  hasDailyGoal: boolean;
  /** The shard database holding the user's heartbeats. */
  shard: number;
}

export function credentialUserOf(row: AuthUserRow): CredentialUser {
  return {
    id: row.id,
    username: row.username,
    timezone: row.timezone,
    adminLevel: row.admin_level,
    trustLevel: row.trust_level,
    allowPublicStatsLookup: row.allow_public_stats_lookup === 1,
    deletionActive: row.deletion_active === 1,
    hasDailyGoal: row.daily_goal === 1,
    shard: row.shard,
  };
}

type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}` ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}` : S;
type RawValue<V> = V extends boolean ? number : V;

/**
 * A schema row (`typeof table.$inferSelect`) as raw SQL returns it: the column names in
 * snake_case, booleans as the stored 0/1. For raw-SQL modules that type their rows from schema.ts.
 */
export type RawRow<T> = { [K in keyof T as SnakeCase<K & string>]: RawValue<T[K]> };
