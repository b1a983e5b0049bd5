// Admin API keys ("hka_" + 64 hex, stored hashed) and the admin-level gate.
import type { MiddlewareHandler } from "hono";
import { adminKeyByHash, revokeAdminKey } from "../db/admin-keys";
import type { AdminLevel } from "../db/schema";
import type { AppEnv } from "../env";
import { ADMIN_API_KEY_PATTERN, sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { bearerToken } from "./credentials";
import { adminKeyRefused, type AuthFailure } from "./failures";
import { atLeast } from "./levels";

export interface AdminPrincipal {
  keyId: number;
  keyName: string;
  keyCreatedAt: string;
  userId: number;
  username: string;
  adminLevel: AdminLevel;
}

declare module "hono" {
  interface ContextVariableMap {
    admin: AdminPrincipal;
  }
}

/**
 * An active admin key whose owner is still admin-level, or why not. A key whose owner lost the
 * level is revoked on the spot (as Hackatime does) and refused.
 */
export async function authenticateAdminKey(d1: D1Database, token: string): Promise<AdminPrincipal | AuthFailure> {
  if (!ADMIN_API_KEY_PATTERN.test(token)) return "malformed_key";
  const row = await adminKeyByHash(d1, await sha256Hex(token));
  if (!row) return "unknown_key";
  if (row.revoked) return "revoked_key";
  if (!atLeast(row.admin_level, "viewer")) {
    await revokeAdminKey(d1, row.key_id);
    return "revoked_key";
  }
  return {
    keyId: row.key_id,
    keyName: row.key_name,
    keyCreatedAt: row.key_created_at,
    userId: row.user_id,
    username: row.username,
    adminLevel: row.admin_level,
  };
}

/**
 * Requires an admin key (Bearer) of at least `level`; sets c.var.admin. A valid key below the
 * level gets `refusal` — Hackatime answers 403 "no perms lmaooo" for writes but 401
 * "lmao no perms" on its superadmin-only resources (deletion requests, permissions).
 */
export function requireAdmin(level: AdminLevel = "viewer", refusal: { code: "forbidden" | "level_too_low_hidden"; message: string } = { code: "forbidden", message: "no perms lmaooo" }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const token = bearerToken(header);
    const admin = token ? await authenticateAdminKey(c.env.DB, token) : header ? "malformed_header" : "missing";
    if (typeof admin === "string") {
      c.header("WWW-Authenticate", 'Token realm="Application"');
      throw adminKeyRefused(admin);
    }
    if (!atLeast(admin.adminLevel, level)) throw new AppError(refusal.code, refusal.message);
    c.set("admin", admin);
    await next();
  };
}
