// Revoking a leaked key on behalf of an external revoker (hackatime-behavior.md §2.1, §2.6).
// A user key is re-keyed to a random value nobody learns (Hackatime's rotate_single_api_key!);
// an admin key is marked revoked and renamed. Either way the old key fails at once.
import { rekeyUserKey, revokeAdminKeyByHash } from "../db/api-keys";
import { emailsOf } from "../db/users";
import { credentialsChanged } from "./credentials";
import { ADMIN_API_KEY_PATTERN, newUserApiKey, sha256Hex, toHex } from "../lib/crypto";

const ANY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Revoked {
  tokenType: "user_api_key" | "admin_api_key";
  keyName: string;
  ownerEmail: string | null;
}

const ownerEmail = async (d1: D1Database, userId: number) => (await emailsOf(d1, userId))[0] ?? null;

/** Revokes a user key (UUID) or an admin key (hka_…); null when the token is no live key. */
export async function revokeToken(env: Env, token: string): Promise<Revoked | null> {
  const d1 = env.DB;
  const hash = await sha256Hex(token);
  if (ANY_UUID.test(token)) {
    const row = await rekeyUserKey(d1, hash, await sha256Hex(newUserApiKey()));
    if (row) await credentialsChanged(env, row.userId); // the old key is refused from the next request on
    return row ? { tokenType: "user_api_key", keyName: row.name, ownerEmail: await ownerEmail(d1, row.userId) } : null;
  }
  if (ADMIN_API_KEY_PATTERN.test(token)) {
    const row = await revokeAdminKeyByHash(d1, hash, toHex(crypto.getRandomValues(new Uint8Array(8))));
    return row ? { tokenType: "admin_api_key", keyName: row.name, ownerEmail: await ownerEmail(d1, row.userId) } : null;
  }
  return null;
}
