// Admin permissions (hackatime-behavior.md §8.2, §8.7): who holds an admin level, and changing
// it. Superadmin+ only; a lower admin gets Hackatime's 401 {"error":"lmao no perms"}. Who may
// change whom is decided by domain/admin/levels-policy.
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/admin";
import { adminLevelChangeDenial, isAdminLevel } from "../../domain/admin/levels-policy";
import { parseId, searchIdentity, userSummaryColumns, type UserSummarySource } from "../../domain/admin/serializers";
import { displayName } from "../../domain/users/profile";
import { AppError } from "../../lib/errors";
import { createRouter } from "../router";
import { errorResponse, security } from "../../schemas/common";

const tags = ["Admin Resources"];
const superadminOnly = requireAdmin("superadmin", { code: "level_too_low_hidden", message: "lmao no perms" });

// ---- schemas ----

const PermissionUserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    display_name: z.string().nullable(),
    slack_username: z.string().nullable(),
    github_username: z.string().nullable(),
    admin_level: z.string().openapi({ example: "admin" }),
    email_addresses: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("PermissionUser");

const UpdatedUserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  display_name: z.string().nullable(),
  admin_level: z.string(),
  previous_admin_level: z.string(),
  updated_at: z.string(),
});

const UpdateBodySchema = z.object({
  admin_level: z
    .string()
    .openapi({ example: "admin", description: "default, viewer, admin or superadmin (ultraadmin: ultraadmins only)", enum: ["superadmin", "admin", "viewer", "default"] }),
});

// ---- routes ----

export const listPermissionsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/permissions",
  tags,
  summary: "List Permissions",
  description: "Users with an admin level other than default, optionally matching `search`. Requires superadmin privileges.",
  security: security.adminToken,
  middleware: [superadminOnly] as const,
  request: {
    query: z.object({ search: z.string().optional().openapi({ description: "Slack UID, or part of username / Slack or GitHub username / email, or id" }) }),
  },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: z.object({ users: z.array(PermissionUserSchema) }) } } },
    401: errorResponse("missing or invalid admin key, or not a superadmin (lmao no perms)"),
  },
});

export const updatePermissionRoute = createRoute({
  method: "patch",
  path: "/api/admin/v1/permissions/{id}",
  tags,
  summary: "Update Permission",
  description:
    "Changes a user's admin level. Requires superadmin privileges; you cannot change your own level, must strictly outrank the user, and cannot grant a level above your own.",
  security: security.adminToken,
  middleware: [superadminOnly] as const,
  request: {
    params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "42" }) }),
    body: { content: { "application/json": { schema: UpdateBodySchema } }, required: false },
  },
  responses: {
    200: {
      description: "successful",
      content: { "application/json": { schema: z.object({ success: z.boolean(), message: z.string(), user: UpdatedUserSchema }) } },
    },
    401: errorResponse("missing or invalid admin key, or not a superadmin (lmao no perms)"),
    403: errorResponse("not allowed to change this user's admin level"),
    404: errorResponse("User not found"),
    409: errorResponse("the user's level changed during the request"),
    422: errorResponse("Invalid admin level"),
  },
});

// ---- data ----

type PermissionRow = UserSummarySource & { slack_username: string | null; emails: string; created_at: string; updated_at: string };

const PERMISSION_SELECT = `SELECT ${userSummaryColumns("u", "")}, u.created_at, u.updated_at,
    (SELECT json_group_array(email) FROM (SELECT e.email FROM email_addresses e WHERE e.user_id = u.id ORDER BY e.id)) AS emails
  FROM users u`;

// Hackatime orders by its admin_level enum's integers: superadmin 1, admin 2, viewer 3, ultraadmin 4.
const ENUM_ORDER = "CASE u.admin_level WHEN 'default' THEN 0 WHEN 'superadmin' THEN 1 WHEN 'admin' THEN 2 WHEN 'viewer' THEN 3 ELSE 4 END";

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


// ---- handlers ----

export const adminPermissionsRouter = createRouter();

adminPermissionsRouter.openapi(listPermissionsRoute, async (c) => {
  const search = searchIdentity(c.req.valid("query").search);
  const where = ["u.admin_level IN ('viewer', 'admin', 'superadmin', 'ultraadmin')"];
  const params: Array<string | number> = [];
  if (search) {
    where.push(`u.id IN (${search.sql})`);
    params.push(...search.params);
  }
  const { results } = await c.env.DB.prepare(`${PERMISSION_SELECT} WHERE ${where.join(" AND ")} ORDER BY ${ENUM_ORDER}, u.username`)
    .bind(...params)
    .all<PermissionRow>();
  return c.json({ users: results.map(permissionJson) }, 200);
});

adminPermissionsRouter.openapi(
  updatePermissionRoute,
  async (c) => {
    const admin = c.get("admin");
    const id = parseId(c.req.valid("param").id);
    const target = id === null ? null : await c.env.DB.prepare(`${PERMISSION_SELECT} WHERE u.id = ?`).bind(id).first<PermissionRow>();
    if (!target) throw new AppError("not_found", "User not found");
    const newLevel = c.req.valid("json")?.admin_level;
    if (!isAdminLevel(newLevel)) throw new AppError("invalid_parameter", "Invalid admin level");
    const denial = adminLevelChangeDenial({ id: admin.userId, adminLevel: admin.adminLevel }, { id: target.id, adminLevel: target.admin_level }, newLevel);
    if (denial) throw new AppError("forbidden", denial);
    const previous = target.admin_level;
    let updatedAt = target.updated_at;
    if (previous !== newLevel) {
      // Conditional on the level we judged, so a concurrent change is not silently overwritten.
      const changed = await c.env.DB.prepare(
        "UPDATE users SET admin_level = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND admin_level = ? RETURNING updated_at",
      )
        .bind(newLevel, target.id, previous)
        .first<{ updated_at: string }>();
      if (!changed) throw new AppError("conflict", "The user's admin level changed meanwhile; try again.");
      updatedAt = changed.updated_at;
    }
    const name = displayName(target);
    return c.json(
      {
        success: true,
        message: `${name}'s admin level updated from ${previous} to ${newLevel}`,
        user: { id: target.id, username: target.username ?? "", display_name: name, admin_level: newLevel, previous_admin_level: previous, updated_at: updatedAt },
      },
      200,
    );
  },
  // A body that is not {admin_level: string} asks for no valid level.
  (result, c) => {
    if (!result.success) return c.json({ error: "Invalid admin level" }, 422);
  },
);
