// Users' API keys (stored as SHA-256 hashes) and the hashes of revoked ones. Raw SQL: the
// lookup joins the key's user and tests for an active deletion request (a correlated EXISTS)
// in one statement; both statements are exported so their query plans can be checked.

/** The key's user, with whether an account deletion is pending or approved: one api_keys_token_hash_unique probe. */
export const USER_BY_KEY_HASH_SQL = `SELECT u.id, u.username, u.timezone, u.admin_level, u.trust_level, u.allow_public_stats_lookup,
    k.id AS api_key_id,
    EXISTS (SELECT 1 FROM deletion_requests d WHERE d.user_id = u.id AND d.status IN ('pending', 'approved')) AS deletion_active
  FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`;

export const REVOKED_KEY_HASH_SQL = "SELECT 1 AS r FROM revoked_api_keys WHERE token_hash = ?";

/** The owner of a user key, as the lookup finds them (the time zone as stored, not yet checked). */
export interface KeyOwner {
  id: number;
  username: string;
  timezone: string;
  adminLevel: string;
  trustLevel: number;
  allowPublicStatsLookup: boolean;
  apiKeyId: number;
  /** A pending or approved deletion request exists. */
  deletionActive: boolean;
}

type KeyOwnerRow = {
  id: number;
  username: string;
  timezone: string;
  admin_level: string;
  trust_level: number;
  allow_public_stats_lookup: number;
  api_key_id: number;
  deletion_active: number;
};

export async function keyOwnerByHash(d1: D1Database, tokenHash: string): Promise<KeyOwner | null> {
  const row = await d1.prepare(USER_BY_KEY_HASH_SQL).bind(tokenHash).first<KeyOwnerRow>();
  if (!row) return null;
  return {
    id: row.id,
    username: row.username,
    timezone: row.timezone,
    adminLevel: row.admin_level,
    trustLevel: row.trust_level,
    allowPublicStatsLookup: row.allow_public_stats_lookup === 1,
    apiKeyId: row.api_key_id,
    deletionActive: row.deletion_active === 1,
  };
}

/** Whether a key with this hash was revoked (rotated away). */
export async function isRevokedKeyHash(d1: D1Database, tokenHash: string): Promise<boolean> {
  return (await d1.prepare(REVOKED_KEY_HASH_SQL).bind(tokenHash).first()) !== null;
}
