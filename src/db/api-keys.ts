// User API keys (api_keys, stored as SHA-256 hashes) and the hashes of retired ones
// (revoked_api_keys); the internal revoker's statement on admin_api_keys. Raw SQL: the lookup
// joins the key's user and tests for an active deletion request (a correlated EXISTS) in one
// statement (exported, so its query plan is checked); each change runs as one D1 batch (a
// transaction) that retires the old hash (INSERT … SELECT into revoked_api_keys) together with
// replacing it, so an old key is never unknown and valid at once.
import { AUTH_USER_COLUMNS, credentialUserOf, NOW_ISO, type AuthUserRow, type CredentialUser } from "./sql";

/** Retires every key of the user, stores `newHash` as their one key and ends their web sessions. */
export async function replaceUserKeys(d1: D1Database, userId: number, newHash: string): Promise<void> {
  await d1.batch([
    d1.prepare("INSERT OR IGNORE INTO revoked_api_keys (token_hash, user_id) SELECT token_hash, user_id FROM api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("INSERT INTO api_keys (user_id, name, token_hash) VALUES (?, 'Hackatime key', ?)").bind(userId, newHash),
    d1.prepare("DELETE FROM web_sessions WHERE user_id = ?").bind(userId),
  ]);
}

/**
 * Retires the key with hash `oldHash`, giving it `newHash`, and ends its owner's web sessions
 * (one may have been signed in with the leaked key); its owner and name, or null if no key has it.
 */
export async function rekeyUserKey(d1: D1Database, oldHash: string, newHash: string): Promise<{ userId: number; name: string } | null> {
  const [, , updated] = await d1.batch<{ user_id: number; name: string }>([
    d1.prepare("INSERT OR IGNORE INTO revoked_api_keys (token_hash, user_id) SELECT token_hash, user_id FROM api_keys WHERE token_hash = ?").bind(oldHash),
    d1.prepare("DELETE FROM web_sessions WHERE user_id IN (SELECT user_id FROM api_keys WHERE token_hash = ?)").bind(oldHash),
    d1.prepare(`UPDATE api_keys SET token_hash = ?, updated_at = ${NOW_ISO} WHERE token_hash = ? RETURNING user_id, name`).bind(newHash, oldHash),
  ]);
  const row = updated.results[0];
  return row ? { userId: row.user_id, name: row.name } : null;
}

/**
 * Revokes the active admin key with hash `hash` and renames it `<name>_revoked_<suffix>` (an
 * owner's active keys have distinct names; a revoked one frees its name). Its owner and new
 * name, or null when no active key has that hash.
 */
export async function revokeAdminKeyByHash(d1: D1Database, hash: string, suffix: string): Promise<{ userId: number; name: string } | null> {
  const row = await d1
    .prepare(
      `UPDATE admin_api_keys SET revoked_at = ${NOW_ISO}, updated_at = ${NOW_ISO}, name = name || '_revoked_' || ?
       WHERE token_hash = ? AND revoked_at IS NULL RETURNING user_id, name`,
    )
    .bind(suffix, hash)
    .first<{ user_id: number; name: string }>();
  return row ? { userId: row.user_id, name: row.name } : null;
}

/** The key's user (AUTH_USER_COLUMNS) and the key's id: one api_keys_token_hash_unique probe. */
export const USER_BY_KEY_HASH_SQL = `SELECT ${AUTH_USER_COLUMNS}, k.id AS api_key_id
  FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`;

export const REVOKED_KEY_HASH_SQL = "SELECT 1 AS r FROM revoked_api_keys WHERE token_hash = ?";

/** The owner of a user key, as the lookup finds them (the time zone as stored, not yet checked). */
export interface KeyOwner extends CredentialUser {
  apiKeyId: number;
}

export async function keyOwnerByHash(d1: D1Database, tokenHash: string): Promise<KeyOwner | null> {
  const row = await d1.prepare(USER_BY_KEY_HASH_SQL).bind(tokenHash).first<AuthUserRow & { api_key_id: number }>();
  return row ? { ...credentialUserOf(row), apiKeyId: row.api_key_id } : null;
}

/** Whether a key with this hash was revoked (rotated away). */
export async function isRevokedKeyHash(d1: D1Database, tokenHash: string): Promise<boolean> {
  return (await d1.prepare(REVOKED_KEY_HASH_SQL).bind(tokenHash).first()) !== null;
}

/** The user (AUTH_USER_COLUMNS) by id: one users primary-key probe. */
export const AUTH_USER_BY_ID_SQL = `SELECT ${AUTH_USER_COLUMNS} FROM users u WHERE u.id = ?`;
export const USER_KEY_HASHES_SQL = "SELECT id, token_hash FROM api_keys WHERE user_id = ?";
export const USER_REVOKED_HASHES_SQL = "SELECT token_hash FROM revoked_api_keys WHERE user_id = ?";

/** What a user's UserActivity object verifies keys with: the user, their active keys' hashes and their retired ones. */
export interface UserCredentials {
  user: CredentialUser;
  keys: Array<{ id: number; hash: string }>;
  revoked: string[];
}

/** One batch (three statements, each by an index on the user id); null when the user does not exist. */
export async function credentialsOfUser(d1: D1Database, userId: number): Promise<UserCredentials | null> {
  const [user, keys, revoked] = await d1.batch<Record<string, unknown>>([
    d1.prepare(AUTH_USER_BY_ID_SQL).bind(userId),
    d1.prepare(USER_KEY_HASHES_SQL).bind(userId),
    d1.prepare(USER_REVOKED_HASHES_SQL).bind(userId),
  ]);
  const row = user.results[0] as unknown as AuthUserRow | undefined;
  if (!row) return null;
  return {
    user: credentialUserOf(row),
    keys: (keys.results as Array<{ id: number; token_hash: string }>).map((k) => ({ id: k.id, hash: k.token_hash })),
    revoked: (revoked.results as Array<{ token_hash: string }>).map((r) => r.token_hash),
  };
}
