// User API keys (api_keys) and the hashes of retired ones (revoked_api_keys); the internal
// revoker's statement on admin_api_keys. Raw SQL run as one D1 batch (a transaction): each
// change retires the old hash (INSERT … SELECT into revoked_api_keys) in the same transaction
// that replaces it, so an old key is never unknown and valid at once. Keys are looked up by
// their hash (unique index) or by user (api_keys_user_id).
import { NOW_ISO } from "./sql";

/** Retires every key of the user and stores `newHash` as their one key. */
export async function replaceUserKeys(d1: D1Database, userId: number, newHash: string): Promise<void> {
  await d1.batch([
    d1.prepare("INSERT OR IGNORE INTO revoked_api_keys (token_hash, user_id) SELECT token_hash, user_id FROM api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("INSERT INTO api_keys (user_id, name, token_hash) VALUES (?, 'Hackatime key', ?)").bind(userId, newHash),
  ]);
}

/** Retires the key with hash `oldHash`, giving it `newHash`; its owner and name, or null if no key has it. */
export async function rekeyUserKey(d1: D1Database, oldHash: string, newHash: string): Promise<{ userId: number; name: string } | null> {
  const [, updated] = await d1.batch<{ user_id: number; name: string }>([
    d1.prepare("INSERT OR IGNORE INTO revoked_api_keys (token_hash, user_id) SELECT token_hash, user_id FROM api_keys WHERE token_hash = ?").bind(oldHash),
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
