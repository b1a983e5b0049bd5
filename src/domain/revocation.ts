// Revoking a leaked key on behalf of an external revoker (hackatime-behavior.md §2.1, §2.6).
// A user key is re-keyed to a random value nobody learns (Hackatime's rotate_single_api_key!);
// an admin key is marked revoked and renamed. Either way the old key fails at once.
import { ADMIN_API_KEY_PATTERN, newUserApiKey, sha256Hex, toHex } from "../lib/crypto";

const ANY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Revoked {
  tokenType: "user_api_key" | "admin_api_key";
  keyName: string;
  ownerEmail: string | null;
}

const ownerEmail = (d1: D1Database, userId: number) =>
  d1
    .prepare("SELECT email FROM email_addresses WHERE user_id = ? ORDER BY id LIMIT 1")
    .bind(userId)
    .first<{ email: string }>()
    .then((r) => r?.email ?? null);

export async function revokeToken(d1: D1Database, token: string): Promise<Revoked | null> {
  const hash = await sha256Hex(token);
  if (ANY_UUID.test(token)) {
    const [, updated] = await d1.batch<{ user_id: number; name: string }>([
      d1.prepare("INSERT OR IGNORE INTO revoked_api_keys (token_hash, user_id) SELECT token_hash, user_id FROM api_keys WHERE token_hash = ?").bind(hash),
      d1
        .prepare("UPDATE api_keys SET token_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE token_hash = ? RETURNING user_id, name")
        .bind(await sha256Hex(newUserApiKey()), hash),
    ]);
    const row = updated.results[0];
    return row ? { tokenType: "user_api_key", keyName: row.name, ownerEmail: await ownerEmail(d1, row.user_id) } : null;
  }
  if (ADMIN_API_KEY_PATTERN.test(token)) {
    const suffix = toHex(crypto.getRandomValues(new Uint8Array(8)));
    const row = await d1
      .prepare(
        `UPDATE admin_api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
           name = name || '_revoked_' || ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING user_id, name`,
      )
      .bind(suffix, hash)
      .first<{ user_id: number; name: string }>();
    return row ? { tokenType: "admin_api_key", keyName: row.name, ownerEmail: await ownerEmail(d1, row.user_id) } : null;
  }
  return null;
}
