// User-key authentication: the key is looked up by its SHA-256 hash (the plain key is never
// stored), together with the user and whether an account deletion is active.
import type { MiddlewareHandler } from "hono";
import { AUTH_USER_COLUMNS, type AuthUserRow } from "../db/sql";
import type { AppEnv } from "../env";
import { USER_API_KEY_PATTERN, sha256Hex } from "../lib/crypto";
import { safeTimeZone } from "../lib/time";
import { extractUserKey, userKeyCandidate, type CredentialSource } from "./credentials";
import { accountRestricted, userKeyRefused, type AuthFailure } from "./failures";
import { TRUST_LEVELS } from "./levels";

export interface AuthUser {
  id: number;
  username: string;
  timezone: string; // always a valid IANA zone
  adminLevel: string;
  trustLevel: number;
  allowPublicStatsLookup: boolean;
  apiKeyId: number;
  /** A pending or approved deletion request exists. */
  deletionActive: boolean;
}

const LOOKUP_SQL = `SELECT ${AUTH_USER_COLUMNS}, k.id AS api_key_id
  FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`;

type LookupRow = AuthUserRow & { api_key_id: number };

/** The user behind a credential, from a row of AUTH_USER_COLUMNS. */
export function authUserFields(row: AuthUserRow): Omit<AuthUser, "apiKeyId"> {
  return {
    id: row.id,
    username: row.username,
    timezone: safeTimeZone(row.timezone),
    adminLevel: row.admin_level,
    trustLevel: row.trust_level,
    allowPublicStatsLookup: row.allow_public_stats_lookup === 1,
    deletionActive: row.deletion_active === 1,
  };
}

export async function findUserByApiKey(d1: D1Database, key: string): Promise<AuthUser | null> {
  const found = await authenticateUserKey(d1, key);
  return typeof found === "string" ? null : found;
}

/** The key's user, or why the key is refused. A refused well-formed key costs a second lookup. */
export async function authenticateUserKey(d1: D1Database, key: string): Promise<AuthUser | AuthFailure> {
  if (!USER_API_KEY_PATTERN.test(key)) return "malformed_key";
  const hash = await sha256Hex(key);
  const row = await d1.prepare(LOOKUP_SQL).bind(hash).first<LookupRow>();
  if (!row) {
    const revoked = await d1.prepare("SELECT 1 AS r FROM revoked_api_keys WHERE token_hash = ?").bind(hash).first();
    return revoked ? "revoked_key" : "unknown_key";
  }
  return { ...authUserFields(row), apiKeyId: row.api_key_id };
}

/** Red users and users with an active deletion request are "restricted" outside the compat API. */
export const isRestricted = (u: Pick<AuthUser, "trustLevel" | "deletionActive">) => u.trustLevel === TRUST_LEVELS.red || u.deletionActive;

/** Requires a user API key; sets c.var.user. 401 {"error": "Unauthorized: <why>"} otherwise. */
export function requireUser(opts: { sources?: readonly CredentialSource[]; allowRestricted?: boolean } = {}): MiddlewareHandler<AppEnv> {
  const { sources, allowRestricted = true } = opts;
  return async (c, next) => {
    const extracted = extractUserKey(c.req.header("authorization"), c.req.query("api_key"), sources);
    if ("failure" in extracted) throw userKeyRefused(extracted.failure);
    const user = await authenticateUserKey(c.env.DB, extracted.key);
    if (typeof user === "string") throw userKeyRefused(user);
    if (!allowRestricted && isRestricted(user)) throw accountRestricted();
    c.set("user", user);
    await next();
  };
}

/** The caller behind an optional user key (Bearer only, as on /api/v1/users/*), or null. */
export async function optionalUser(d1: D1Database, authorization: string | undefined, sources: readonly CredentialSource[] = ["bearer"]): Promise<AuthUser | null> {
  const candidate = userKeyCandidate(authorization, null, sources);
  return candidate ? findUserByApiKey(d1, candidate) : null;
}
