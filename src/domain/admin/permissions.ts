// Admin permissions (hackatime-behavior.md §8.2, §8.7): who holds an admin level, and changing
// it. Who may change whom is decided by levels-policy.ts.
import { credentialsChanged } from "../credentials";
import type { AdminPrincipal } from "../../auth/admin";
import { adminLevelHolders, changeAdminLevel as storeAdminLevel, permissionUser, type PermissionRow } from "../../db/admin-users";
import { AppError } from "../../lib/errors";
import { displayName } from "../users/profile";
import { adminLevelChangeDenial, isAdminLevel } from "./levels-policy";

function permissionJson(row: PermissionRow) {
  return {
    id: row.id,
    username: row.username ?? "",
    display_name: displayName(row),
    slack_username: row.slack_username,
    github_username: row.github_username,
    admin_level: row.admin_level,
    email_addresses: JSON.parse(row.emails ?? "[]") as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Users with an admin level other than default, optionally matching an identity search (trimmed, not blank). */
export async function listPermissions(d1: D1Database, search: string | null) {
  return { users: (await adminLevelHolders(d1, search)).map(permissionJson) };
}

/**
 * Sets user `id`'s admin level to the body's `admin_level` (the body as sent: any JSON value).
 * 404 "User not found" (also for a malformed id, null), 422 "Invalid admin level", 403 with
 * levels-policy's reason, 409 when the level changed during the request.
 */
export async function changeAdminLevel(env: Env, admin: AdminPrincipal, id: number | null, body: unknown) {
  const d1 = env.DB;
  const target = id === null ? null : await permissionUser(d1, id);
  if (!target) throw new AppError("not_found", "User not found");
  const newLevel = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).admin_level : undefined;
  if (!isAdminLevel(newLevel)) throw new AppError("invalid_parameter", "Invalid admin level");
  const denial = adminLevelChangeDenial({ id: admin.userId, adminLevel: admin.adminLevel }, { id: target.id, adminLevel: target.admin_level }, newLevel);
  if (denial) throw new AppError("forbidden", denial);
  const previous = target.admin_level;
  let updatedAt = target.updated_at;
  if (previous !== newLevel) {
    const changed = await storeAdminLevel(d1, target.id, newLevel, previous);
    if (changed === null) throw new AppError("conflict", "The user's admin level changed meanwhile; try again.");
    updatedAt = changed;
    await credentialsChanged(env, target.id);
  }
  const name = displayName(target);
  return {
    success: true,
    message: `${name}'s admin level updated from ${previous} to ${newLevel}`,
    user: { id: target.id, username: target.username ?? "", display_name: name, admin_level: newLevel, previous_admin_level: previous, updated_at: updatedAt },
  };
}
