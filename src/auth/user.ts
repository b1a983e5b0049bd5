// User-key authentication (docs/edge-auth.md). The key's user's UserActivity object verifies
// it: a key carries its user id (routed keys), or its owner was found in D1 once by this isolate
// (keys issued before routing, remembered in KEY_ROUTES), so a known key costs no main-database
// statement. D1 is asked only for a key nobody here can place. The plain key is never stored.
import type { MiddlewareHandler } from "hono";
import { isRevokedKeyHash, keyOwnerByHash } from "../db/api-keys";
import type { CredentialUser } from "../db/sql";
import { userActivity } from "../durable/stub";
import type { AppEnv } from "../env";
import { USER_API_KEY_PATTERN, sha256Hex } from "../lib/crypto";
import { routeOf } from "../lib/routed-uuid";
import { safeTimeZone } from "../lib/time";
import { extractUserKey, userKeyCandidate, type CredentialSource } from "./credentials";
import { accountRestricted, userKeyRefused, type AuthFailure } from "./failures";
import { TRUST_LEVELS } from "./levels";

/** The caller behind a user key. */
export interface AuthUser extends CredentialUser {
  /** Always a valid IANA zone. */
  timezone: string;
  apiKeyId: number;
}

export async function findUserByApiKey(env: Env, key: string): Promise<AuthUser | null> {
  const found = await authenticateUserKey(env, key);
  return typeof found === "string" ? null : found;
}

/**
 * Key hash → user id for keys that carry no route, learnt from D1: a hint only (the user's
 * object still verifies the key), per isolate, the oldest forgotten first.
 */
const KEY_ROUTES = new Map<string, number>();
const KEY_ROUTES_MAX = 10_000;

function rememberRoute(hash: string, userId: number) {
  if (KEY_ROUTES.size >= KEY_ROUTES_MAX) KEY_ROUTES.delete(KEY_ROUTES.keys().next().value!);
  KEY_ROUTES.set(hash, userId);
}

/** The key's user, or why the key is refused. */
export async function authenticateUserKey(env: Env, key: string): Promise<AuthUser | AuthFailure> {
  if (!USER_API_KEY_PATTERN.test(key)) return "malformed_key";
  const hash = await sha256Hex(key);
  if (env.BENCH_D1_KEY_LOOKUP) return authenticateInD1(env.DB, hash);
  const route = (await routeOf(key)) ?? KEY_ROUTES.get(hash);
  if (route !== undefined) {
    const checked = await userActivity(env, route).authenticateKey(route, hash);
    if (typeof checked !== "string") return authUserOf(checked);
    if (checked === "revoked_key") return checked;
    KEY_ROUTES.delete(hash); // a stale hint, or a random key whose bits happen to read as a route
  }
  // A key no object here knows: its owner from D1, then their object decides (and knows it from now on).
  const owner = await keyOwnerByHash(env.DB, hash);
  if (!owner) return (await isRevokedKeyHash(env.DB, hash)) ? "revoked_key" : "unknown_key";
  const checked = await userActivity(env, owner.id).authenticateKey(owner.id, hash, true);
  if (typeof checked === "string") return checked;
  rememberRoute(hash, owner.id);
  return authUserOf(checked);
}

/** The lookup before the objects verified keys: one D1 statement per request (benchmarks compare against it). */
async function authenticateInD1(d1: D1Database, hash: string): Promise<AuthUser | AuthFailure> {
  const owner = await keyOwnerByHash(d1, hash);
  if (!owner) return (await isRevokedKeyHash(d1, hash)) ? "revoked_key" : "unknown_key";
  return checkedUser(owner);
}

const authUserOf = (checked: { user: CredentialUser; apiKeyId: number }): AuthUser => checkedUser({ ...checked.user, apiKeyId: checked.apiKeyId });

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
    const user = await authenticateUserKey(c.env, extracted.key);
    if (typeof user === "string") throw userKeyRefused(user);
    if (!allowRestricted && isRestricted(user)) throw accountRestricted();
    c.set("user", user);
    await next();
  };
}

/** The caller behind an optional user key (Bearer only, as on /api/v1/users/*), or null. */
export async function optionalUser(env: Env, authorization: string | undefined, sources: readonly CredentialSource[] = ["bearer"]): Promise<AuthUser | null> {
  const candidate = userKeyCandidate(authorization, null, sources);
  return candidate ? findUserByApiKey(env, candidate) : null;
}

/**
 * A user key when the request presents one (Bearer, Basic or ?api_key): then it must be valid
 * (401 says why, as requireUser does); with none, c.var.user stays unset (see callerOf).
 */
export function optionalUserKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const extracted = extractUserKey(c.req.header("authorization"), c.req.query("api_key"));
    if ("key" in extracted) {
      const user = await authenticateUserKey(c.env, extracted.key);
      if (typeof user === "string") throw userKeyRefused(user);
      c.set("user", user);
    } else if (extracted.failure !== "missing") {
      throw userKeyRefused(extracted.failure);
    }
    await next();
  };
}
