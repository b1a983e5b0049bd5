// Route factories: the one place that says how an operation is secured. Each adds the spec's
// security scheme names, the guard middleware and the shared error responses, so a route file
// holds only its operations (path, parameters, its own responses, handler).
//   userRoute    the user API key (Bearer, Basic or ?api_key); opts: restricted users refused,
//                no-store for the caller's own data
//   adminRoute   an admin key of at least `level` (403 "no perms lmaooo" below it, or a hidden 401)
//   statsKeyRoute the stats-integration key (an admin key or STATS_API_KEY); security as the spec
//                documents it for that operation
//   internalRoute the internal revocation key
//   publicRoute  no credential needed (one may be sent and is ignored or read by the handler)
//   optionalUserRoute a user key if presented (then it must be valid); callerOf(c) reads it
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { requireAdmin } from "../auth/admin";
import { requireRevocationKey } from "../auth/internal";
import { requireStatsKey } from "../auth/stats";
import { optionalUserKey, requireUser, type AuthUser } from "../auth/user";
import type { AdminLevel } from "../db/schema";
import type { AppEnv } from "../env";
import { errorResponse, security } from "../schemas/common";

type Definition = Omit<RouteConfig, "security" | "middleware">;

/** The caller's own data: never stored by shared caches (some of it is a secret). */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
};

const USER_KEY_REFUSED = errorResponse("no, malformed, unknown or revoked API key (the message says which)");
const ADMIN_KEY_REFUSED = errorResponse("no, malformed, unknown or revoked admin key (the message says which)");

export function userRoute<R extends Definition>(def: R, opts: { allowRestricted?: boolean; noStore?: boolean } = {}) {
  const guard = requireUser({ allowRestricted: opts.allowRestricted ?? true });
  return createRoute({
    ...def,
    security: security.userKey,
    middleware: (opts.noStore ? [noStore, guard] : [guard]) as [MiddlewareHandler<AppEnv>, ...MiddlewareHandler<AppEnv>[]],
    responses: { 401: USER_KEY_REFUSED, ...def.responses },
  });
}

/**
 * `hidden`: Hackatime answers a too-low level on its superadmin-only resources (deletion
 * requests, permissions) with 401 "lmao no perms" rather than 403.
 */
export function adminRoute<R extends Definition>(level: AdminLevel, def: R, opts: { hidden?: boolean } = {}) {
  const refusal = opts.hidden ? ({ code: "level_too_low_hidden", message: "lmao no perms" } as const) : ({ code: "forbidden", message: "no perms lmaooo" } as const);
  return createRoute({
    ...def,
    security: security.adminToken,
    middleware: [requireAdmin(level, refusal)] as [MiddlewareHandler<AppEnv>],
    responses: opts.hidden
      ? { 401: errorResponse("no, malformed, unknown or revoked admin key, or not a superadmin (lmao no perms)"), ...def.responses }
      : { 401: ADMIN_KEY_REFUSED, 403: errorResponse("admin level too low (no perms lmaooo)"), ...def.responses },
  });
}

export function statsKeyRoute<R extends Omit<RouteConfig, "middleware">>(def: R, opts: { allowQueryParam?: boolean } = {}) {
  return createRoute({
    ...def,
    middleware: [requireStatsKey(opts)] as [MiddlewareHandler<AppEnv>],
    responses: { 401: errorResponse("no, malformed or unknown stats key (the message says which)"), ...def.responses },
  });
}

export function internalRoute<R extends Definition>(def: R) {
  return createRoute({ ...def, security: security.internalToken, middleware: [requireRevocationKey()] as [MiddlewareHandler<AppEnv>] });
}

/** No credential needed; `security` as the spec documents it (some list the user key, unused). */
export function publicRoute<R extends Omit<RouteConfig, "middleware">>(def: R) {
  return createRoute(def);
}

/**
 * The user key is optional: a presented key must be valid (401 otherwise) and sets c.var.user;
 * without one the handler serves what is public. `security` lists the key and {} (none).
 */
export function optionalUserRoute<R extends Definition>(def: R) {
  return createRoute({
    ...def,
    security: [...security.userKey, {}],
    middleware: [optionalUserKey()] as [MiddlewareHandler<AppEnv>],
    responses: { 401: USER_KEY_REFUSED, ...def.responses },
  });
}

/** The caller of an optionalUserRoute, or null when no key was presented. */
export const callerOf = (c: Context<AppEnv>): AuthUser | null => (c.get("user") as AuthUser | undefined) ?? null;
