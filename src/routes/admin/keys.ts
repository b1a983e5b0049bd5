// Tag "Admin Resources": admin API keys (hackatime-behavior.md §2.1, §8.8). An admin sees,
// creates and revokes their own keys; a superadmin (or ultraadmin) sees and revokes everyone's.
import { z } from "@hono/zod-openapi";
import { createAdminKey, listAdminKeys, revokeAdminKey, showAdminKey } from "../../domain/admin/keys";
import { createRouter } from "../router";
import { AdminApiKeySchema, CreateAdminApiKeyFailedSchema, CreatedAdminApiKeySchema, selfValidatedJsonBody } from "../../schemas/admin";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json, pathParam } from "../../schemas/params";
import { adminRoute } from "../factories";
import { pathId } from "./params";

const tags = ["Admin Resources"];
const idParam = z.object({ id: pathParam("id", "1") });

export const listAdminApiKeysRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/admin_api_keys",
  tags,
  summary: "List Admin API Keys",
  description: "Active admin API keys, newest first: your own, or everyone's for a superadmin.",
  responses: { 200: json(z.object({ admin_api_keys: z.array(AdminApiKeySchema) })) },
});

export const createAdminApiKeyRoute = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/v1/admin_api_keys",
  tags,
  summary: "Create Admin API Key",
  description: "Creates an admin API key for the caller. The plain key is in this response only; it is stored as a hash.",
  request: { body: selfValidatedJsonBody({ name: { type: "string", example: "CI key" } }) },
  responses: {
    201: json(CreatedAdminApiKeySchema, "created"),
    422: json(CreateAdminApiKeyFailedSchema, "blank, invalid or duplicate name"),
  },
});

export const showAdminApiKeyRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/admin_api_keys/{id}",
  tags,
  summary: "Show Admin API Key",
  description: "One admin API key (revoked ones too). Someone else's key is not found unless you are a superadmin.",
  request: { params: idParam },
  responses: { 200: json(AdminApiKeySchema), 404: errorResponse("Admin API key not found") },
});

export const revokeAdminApiKeyRoute = adminRoute("viewer", {
  method: "delete",
  path: "/api/admin/v1/admin_api_keys/{id}",
  tags,
  summary: "Revoke Admin API Key",
  description: "Revokes an admin API key (your own, or anyone's for a superadmin). It is refused from the next request on.",
  request: { params: idParam },
  responses: {
    200: json(z.object({ success: z.boolean(), message: z.string() })),
    403: errorResponse("You can only revoke your own admin API keys"),
    404: errorResponse("Admin API key not found"),
  },
});

export const adminKeysRouter = createRouter();

adminKeysRouter.openapi(listAdminApiKeysRoute, async (c) => c.json({ admin_api_keys: await listAdminKeys(c.env.DB, c.var.admin) }, 200));

adminKeysRouter.openapi(createAdminApiKeyRoute, async (c) => c.json(await createAdminKey(c.env.DB, c.var.admin, c.req.valid("json")), 201));

adminKeysRouter.openapi(showAdminApiKeyRoute, async (c) => c.json(await showAdminKey(c.env.DB, c.var.admin, pathId(c.req.valid("param").id)), 200));

adminKeysRouter.openapi(revokeAdminApiKeyRoute, async (c) => c.json(await revokeAdminKey(c.env.DB, c.var.admin, pathId(c.req.valid("param").id)), 200));
