// Admin API keys (hackatime-behavior.md §2.1, §8.8): "hka_" + 64 hex, stored only as a SHA-256
// hash and a preview. Raw SQL: listings carry the owner's summary (a join with a correlated
// first-email subquery), and the create is one conditional INSERT so that two concurrent creates
// cannot both take a name. Rows keep the columns' snake_case names.
import { pickUser, userSummaryColumns, type UserSummaryRow } from "./admin-users";
import type { adminApiKeys, AdminLevel } from "./schema";
import { NOW_ISO, type RawRow } from "./sql";

type KeyColumns = RawRow<typeof adminApiKeys.$inferSelect>;

/** Every admin request runs it: served by admin_api_keys_token_hash_unique, then the users primary key. */
export const ADMIN_KEY_BY_HASH_SQL = `SELECT k.id AS key_id, k.name AS key_name, k.created_at AS key_created_at, k.revoked_at IS NOT NULL AS revoked,
    u.id AS user_id, u.username, u.admin_level
  FROM admin_api_keys k JOIN users u ON u.id = k.user_id
  WHERE k.token_hash = ?`;

/** The key behind a token hash and its owner, for authentication. */
export async function adminKeyByHash(d1: D1Database, tokenHash: string) {
  return d1
    .prepare(ADMIN_KEY_BY_HASH_SQL)
    .bind(tokenHash)
    .first<{ key_id: number; key_name: string; key_created_at: string; revoked: number; user_id: number; username: string; admin_level: AdminLevel }>();
}

/** Revokes a key, keeping its name (the owner lost their admin level). */
export async function revokeAdminKey(d1: D1Database, id: number): Promise<void> {
  await d1.prepare(`UPDATE admin_api_keys SET revoked_at = ${NOW_ISO}, updated_at = ${NOW_ISO} WHERE id = ?`).bind(id).run();
}

export type AdminKeyRow = Pick<KeyColumns, "id" | "user_id" | "name" | "token_preview" | "created_at" | "revoked_at"> & { owner: UserSummaryRow };

const KEY_SELECT = `SELECT k.id, k.user_id, k.name, k.token_preview, k.created_at, k.revoked_at, ${userSummaryColumns("u", "u_")}
  FROM admin_api_keys k JOIN users u ON u.id = k.user_id`;

const keyRow = (row: Record<string, unknown>): AdminKeyRow => ({
  id: row.id as number,
  user_id: row.user_id as number,
  name: row.name as string,
  token_preview: row.token_preview as string,
  created_at: row.created_at as string,
  revoked_at: row.revoked_at as string | null,
  owner: pickUser(row, "u_")!,
});

/** Active keys, newest first: everyone's (ownerId null) or one owner's (admin_api_keys_user_id). */
export async function activeAdminKeys(d1: D1Database, ownerId: number | null): Promise<AdminKeyRow[]> {
  const order = "ORDER BY k.created_at DESC, k.id DESC";
  const stmt =
    ownerId === null
      ? d1.prepare(`${KEY_SELECT} WHERE k.revoked_at IS NULL ${order}`)
      : d1.prepare(`${KEY_SELECT} WHERE k.user_id = ? AND k.revoked_at IS NULL ${order}`).bind(ownerId);
  const { results } = await stmt.all<Record<string, unknown>>();
  return results.map(keyRow);
}

/** One key, revoked or not. */
export async function adminKeyById(d1: D1Database, id: number): Promise<AdminKeyRow | null> {
  const row = await d1.prepare(`${KEY_SELECT} WHERE k.id = ?`).bind(id).first<Record<string, unknown>>();
  return row ? keyRow(row) : null;
}

/** Stores a new key unless the owner has an active key of that name (then null). */
export async function insertAdminKey(d1: D1Database, key: { userId: number; name: string; tokenHash: string; tokenPreview: string }) {
  return d1
    .prepare(
      `INSERT INTO admin_api_keys (user_id, name, token_hash, token_preview)
       SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM admin_api_keys WHERE user_id = ? AND name = ? AND revoked_at IS NULL)
       RETURNING id, name, created_at`,
    )
    .bind(key.userId, key.name, key.tokenHash, key.tokenPreview, key.userId, key.name)
    .first<Pick<KeyColumns, "id" | "name" | "created_at">>();
}

/**
 * Revokes an active key and frees its name (name + "_revoked_" + `suffix`); a revoked key is left
 * as it is (the first revocation's time and name stay).
 */
export async function revokeAndRenameAdminKey(d1: D1Database, id: number, suffix: string): Promise<void> {
  await d1
    .prepare(`UPDATE admin_api_keys SET revoked_at = ${NOW_ISO}, updated_at = ${NOW_ISO}, name = name || '_revoked_' || ? WHERE id = ? AND revoked_at IS NULL`)
    .bind(suffix, id)
    .run();
}
