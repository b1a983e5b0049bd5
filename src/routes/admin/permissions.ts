// Tag "Admin Resources": admin permissions (hackatime-behavior.md §8.2, §8.7): who holds an admin
// level, and changing it. Superadmin+ only; a lower admin gets Hackatime's 401 {"error":"lmao no perms"}.
import { z } from "@hono/zod-openapi";
import { changeAdminLevel, listPermissions } from "../../domain/admin/permissions";
import { createRouter } from "../router";
import { isBlank } from "../../lib/text";
import { PermissionUpdatedSchema, PermissionUserSchema, selfValidatedJsonBody } from "../../schemas/admin";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json, pathParam, queryParam as q } from "../../schemas/params";
import { adminRoute } from "../factories";
import { pathId } from "./params";

const tags = ["Admin Resources"];
const hidden = { hidden: true };

export const listPermissionsRoute = adminRoute(
  "superadmin",
  {
    method: "get",
    path: "/api/admin/v1/permissions",
    tags,
    summary: "List Permissions",
    description: "Users with an admin level other than default, optionally matching `search`. Requires superadmin privileges.",
    request: { query: z.object({ search: q("Slack UID, or part of username / Slack or GitHub username / email, or id") }) },
    responses: { 200: json(z.object({ users: z.array(PermissionUserSchema) })) },
  },
  hidden,
);

export const updatePermissionRoute = adminRoute(
  "superadmin",
  {
    method: "patch",
    path: "/api/admin/v1/permissions/{id}",
    tags,
    summary: "Update Permission",
    description:
      "Changes a user's admin level. Requires superadmin privileges; you cannot change your own level, must strictly outrank the user, and cannot grant a level above your own.",
    request: {
      params: z.object({ id: pathParam("id", "42") }),
      body: selfValidatedJsonBody(
        {
          admin_level: { type: "string", example: "admin", description: "default, viewer, admin or superadmin (ultraadmin: ultraadmins only)", enum: ["superadmin", "admin", "viewer", "default"] },
        },
        ["admin_level"],
      ),
    },
    responses: {
      200: json(PermissionUpdatedSchema),
      403: errorResponse("not allowed to change this user's admin level"),
      404: errorResponse("User not found"),
      409: errorResponse("the user's level changed during the request"),
      422: errorResponse("Invalid admin level"),
    },
  },
  hidden,
);

export const adminPermissionsRouter = createRouter();

adminPermissionsRouter.openapi(listPermissionsRoute, async (c) => {
  const search = c.req.valid("query").search;
  return c.json(await listPermissions(c.env.DB, isBlank(search) ? null : search.trim()), 200);
});

adminPermissionsRouter.openapi(updatePermissionRoute, async (c) => {
  return c.json(await changeAdminLevel(c.env, c.var.admin, pathId(c.req.valid("param").id), c.req.valid("json")), 200);
});
