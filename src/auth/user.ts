// User-key authentication: the key is looked up by its SHA-256 hash (the plain key is never
// stored), together with the user and whether an account deletion is active.
import type { MiddlewareHandler } from "hono";
import { isRevokedKeyHash, keyOwnerByHash, type KeyOwner } from "../db/api-keys";
import type { CredentialUser } from "../db/sql";
import type { AppEnv } from "../env";
import { USER_API_KEY_PATTERN, sha256Hex } from "../lib/crypto";
import { safeTimeZone } from "../lib/time";
import { extractUserKey, userKeyCandidate, type CredentialSource } from "./credentials";
import { accountRestricted, userKeyRefused, type AuthFailure } from "./failures";
import { TRUST_LEVELS } from "./levels";

/** The caller behind a user key. */
export interface AuthUser extends KeyOwner {
  /** Always a valid IANA zone. */
  timezone: string;
}

export async function findUserByApiKey(d1: D1Database, key: string): Promise<AuthUser | null> {
  const found = await authenticateUserKey(d1, key);
  return typeof found === "string" ? null : found;
}

/** The key's user, or why the key is refused. A refused well-formed key costs a second lookup. */
export async function authenticateUserKey(d1: D1Database, key: string): Promise<AuthUser | AuthFailure> {
  if (!USER_API_KEY_PATTERN.test(key)) return "malformed_key";
  const hash = await sha256Hex(key);
  const owner = await keyOwnerByHash(d1, hash);
  if (!owner) return (await isRevokedKeyHash(d1, hash)) ? "revoked_key" : "unknown_key";
  return checkedUser(owner);
}

/** A credential's user with the stored time zone made safe (web sessions use it too). */
export const checkedUser = <U extends CredentialUser>(u: U): U => ({ ...u, timezone: safeTimeZone(u.timezone) });

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

/**
 * A user key when the request presents one (Bearer, Basic or ?api_key): then it must be valid
 * (401 says why, as requireUser does); with none, c.var.user stays unset (see callerOf).
 */
export function optionalUserKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const extracted = extractUserKey(c.req.header("authorization"), c.req.query("api_key"));
    if ("key" in extracted) {
      const user = await authenticateUserKey(c.env.DB, extracted.key);
      if (typeof user === "string") throw userKeyRefused(user);
      c.set("user", user);
    } else if (extracted.failure !== "missing") {
      throw userKeyRefused(extracted.failure);
    }
    await next();
  };
}
