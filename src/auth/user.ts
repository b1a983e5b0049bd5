// User-key authentication: the key is looked up by its SHA-256 hash (the plain key is never
// stored), together with the user and whether an account deletion is active.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { USER_API_KEY_PATTERN, sha256Hex } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { safeTimeZone } from "../lib/time";
import { userKeyCandidate, type CredentialSource } from "./credentials";
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

const LOOKUP_SQL = `SELECT u.id, u.username, u.timezone, u.admin_level, u.trust_level, u.allow_public_stats_lookup,
    k.id AS api_key_id,
    EXISTS (SELECT 1 FROM deletion_requests d WHERE d.user_id = u.id AND d.status IN ('pending', 'approved')) AS deletion_active
  FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`;

type LookupRow = {
  id: number;
  username: string;
  timezone: string;
  admin_level: string;
  trust_level: number;
  allow_public_stats_lookup: number;
  api_key_id: number;
  deletion_active: number;
};

export async function findUserByApiKey(d1: D1Database, key: string): Promise<AuthUser | null> {
  if (!USER_API_KEY_PATTERN.test(key)) return null;
  const row = await d1.prepare(LOOKUP_SQL).bind(await sha256Hex(key)).first<LookupRow>();
  if (!row) return null;
  return {
    id: row.id,
    username: row.username,
    timezone: safeTimeZone(row.timezone),
    adminLevel: row.admin_level,
    trustLevel: row.trust_level,
    allowPublicStatsLookup: row.allow_public_stats_lookup === 1,
    apiKeyId: row.api_key_id,
    deletionActive: row.deletion_active === 1,
  };
}

/** Red users and users with an active deletion request are "restricted" outside the compat API. */
export const isRestricted = (u: AuthUser) => u.trustLevel === TRUST_LEVELS.red || u.deletionActive;

/** Requires a user API key; sets c.var.user. 401 {"error":"Unauthorized"} otherwise. */
export function requireUser(opts: { sources?: readonly CredentialSource[]; allowRestricted?: boolean } = {}): MiddlewareHandler<AppEnv> {
  const { sources, allowRestricted = true } = opts;
  return async (c, next) => {
    const candidate = userKeyCandidate(c.req.header("authorization"), c.req.query("api_key"), sources);
    const user = candidate ? await findUserByApiKey(c.env.DB, candidate) : null;
    if (!user || (!allowRestricted && isRestricted(user))) throw unauthorized();
    c.set("user", user);
    await next();
  };
}

/** The caller behind an optional user key (Bearer only, as on /api/v1/users/*), or null. */
export async function optionalUser(d1: D1Database, authorization: string | undefined, sources: readonly CredentialSource[] = ["bearer"]): Promise<AuthUser | null> {
  const candidate = userKeyCandidate(authorization, null, sources);
  return candidate ? findUserByApiKey(d1, candidate) : null;
}
