// Admin API keys (hackatime-behavior.md §2.1, §8.8): "hka_" + 64 hex, stored only as a SHA-256
// hash, the plain key shown once in the create response. An admin sees and revokes their own
// keys; a superadmin (or ultraadmin) sees and revokes everyone's. A revoked key is refused at
// once (findAdminByKey only accepts keys whose revoked_at is NULL).
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin, type AdminPrincipal } from "../../auth/admin";
import { atLeast } from "../../auth/levels";
import { adminSummary, parseId, pickUser, userSummaryColumns } from "../../domain/admin/serializers";
import { ADMIN_KEY_PREVIEW_LENGTH } from "../../domain/users/provision";
import { newAdminApiKey, sha256Hex, toHex } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { createRouter } from "../router";
import { isBlank } from "../../lib/text";
import { errorResponse, security } from "../../schemas/common";

const tags = ["Admin Resources"];

/** Longest key name accepted (Hackatime has no limit; this keeps rows small). */
export const ADMIN_KEY_NAME_MAX_LENGTH = 255;

// ---- schemas ----

const KeyUserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  admin_level: z.string().openapi({ example: "admin" }),
});

const AdminApiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string().openapi({ example: "CI key" }),
    token_preview: z.string().openapi({ example: "hka_1a2b3c4d5...", description: "First 13 characters of the key, then \"...\"" }),
    user: KeyUserSchema,
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi("AdminApiKey");

const CreatedKeySchema = z.object({
  success: z.boolean(),
  message: z.string(),
  admin_api_key: z.object({
    id: z.number().int(),
    name: z.string(),
    token: z.string().openapi({ example: `hka_${"0".repeat(64)}`, description: "The plain key; shown only in this response" }),
    created_at: z.string(),
  }),
});

const CreateFailedSchema = z.object({
  error: z.string().openapi({ example: "Failed to create admin API key" }),
  errors: z.array(z.string().openapi({ example: "Name can't be blank" })),
});

const idParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "1" }) });

// ---- routes ----

export const listAdminApiKeysRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/admin_api_keys",
  tags,
  summary: "List Admin API Keys",
  description: "Active admin API keys, newest first: your own, or everyone's for a superadmin.",
  security: security.adminToken,
  middleware: [requireAdmin("viewer")] as const,
  responses: {
    200: { description: "successful", content: { "application/json": { schema: z.object({ admin_api_keys: z.array(AdminApiKeySchema) }) } } },
    401: errorResponse("missing or invalid admin key"),
  },
});

export const createAdminApiKeyRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/admin_api_keys",
  tags,
  summary: "Create Admin API Key",
  description: "Creates an admin API key for the caller. The plain key is in this response only; it is stored as a hash.",
  security: security.adminToken,
  middleware: [requireAdmin("viewer")] as const,
  request: {
    body: { content: { "application/json": { schema: z.object({ name: z.string().optional().openapi({ example: "CI key" }) }) } }, required: false },
  },
  responses: {
    201: { description: "created", content: { "application/json": { schema: CreatedKeySchema } } },
    401: errorResponse("missing or invalid admin key"),
    422: { description: "blank or duplicate name", content: { "application/json": { schema: CreateFailedSchema } } },
  },
});

export const showAdminApiKeyRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/admin_api_keys/{id}",
  tags,
  summary: "Show Admin API Key",
  description: "One admin API key (revoked ones too). Someone else's key is not found unless you are a superadmin.",
  security: security.adminToken,
  middleware: [requireAdmin("viewer")] as const,
  request: { params: idParam },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: AdminApiKeySchema } } },
    401: errorResponse("missing or invalid admin key"),
    404: errorResponse("Admin API key not found"),
  },
});

export const revokeAdminApiKeyRoute = createRoute({
  method: "delete",
  path: "/api/admin/v1/admin_api_keys/{id}",
  tags,
  summary: "Revoke Admin API Key",
  description: "Revokes an admin API key (your own, or anyone's for a superadmin). It is refused from the next request on.",
  security: security.adminToken,
  middleware: [requireAdmin("viewer")] as const,
  request: { params: idParam },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: z.object({ success: z.boolean(), message: z.string() }) } } },
    401: errorResponse("missing or invalid admin key"),
    403: errorResponse("You can only revoke your own admin API keys"),
    404: errorResponse("Admin API key not found"),
  },
});

// ---- data ----

type KeyRow = { id: number; user_id: number; name: string; token_preview: string; created_at: string; revoked_at: string | null } & Record<string, unknown>;

const KEY_SELECT = `SELECT k.id, k.user_id, k.name, k.token_preview, k.created_at, k.revoked_at, ${userSummaryColumns("u", "u_")}
  FROM admin_api_keys k JOIN users u ON u.id = k.user_id`;

function keyJson(row: KeyRow) {
  const owner = pickUser(row, "u_")!;
  return {
    id: row.id,
    name: row.name,
    token_preview: `${row.token_preview.slice(0, ADMIN_KEY_PREVIEW_LENGTH)}...`,
    user: adminSummary(owner),
    created_at: row.created_at,
    revoked_at: row.revoked_at,
    active: row.revoked_at === null,
  };
}

/** Superadmins (and ultraadmins) manage every key; everyone else only their own. */
const managesAllKeys = (admin: AdminPrincipal) => atLeast(admin.adminLevel, "superadmin");

async function findKey(d1: D1Database, rawId: string): Promise<KeyRow | null> {
  const id = parseId(rawId);
  if (id === null) return null;
  return d1.prepare(`${KEY_SELECT} WHERE k.id = ?`).bind(id).first<KeyRow>();
}

const createFailed = (errors: string[]) => ({ error: "Failed to create admin API key", errors });


// ---- handlers ----

export const adminKeysRouter = createRouter();

adminKeysRouter.openapi(listAdminApiKeysRoute, async (c) => {
  const admin = c.get("admin");
  const stmt = managesAllKeys(admin)
    ? c.env.DB.prepare(`${KEY_SELECT} WHERE k.revoked_at IS NULL ORDER BY k.created_at DESC, k.id DESC`)
    : c.env.DB.prepare(`${KEY_SELECT} WHERE k.user_id = ? AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.id DESC`).bind(admin.userId);
  const { results } = await stmt.all<KeyRow>();
  return c.json({ admin_api_keys: results.map(keyJson) }, 200);
});

adminKeysRouter.openapi(
  createAdminApiKeyRoute,
  async (c) => {
    const admin = c.get("admin");
    const name = c.req.valid("json")?.name;
    if (name === undefined || isBlank(name)) return c.json(createFailed(["Name can't be blank"]), 422);
    if (Array.from(name).length > ADMIN_KEY_NAME_MAX_LENGTH) return c.json(createFailed([`Name is too long (maximum is ${ADMIN_KEY_NAME_MAX_LENGTH} characters)`]), 422);
    const token = newAdminApiKey();
    // One statement, so two concurrent creates cannot both take the same name.
    const created = await c.env.DB.prepare(
      `INSERT INTO admin_api_keys (user_id, name, token_hash, token_preview)
       SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM admin_api_keys WHERE user_id = ? AND name = ? AND revoked_at IS NULL)
       RETURNING id, name, created_at`,
    )
      .bind(admin.userId, name, await sha256Hex(token), token.slice(0, ADMIN_KEY_PREVIEW_LENGTH), admin.userId, name)
      .first<{ id: number; name: string; created_at: string }>();
    if (!created) return c.json(createFailed(["Name has already been taken"]), 422);
    return c.json(
      { success: true, message: "Admin API key created successfully", admin_api_key: { id: created.id, name: created.name, token, created_at: created.created_at } },
      201,
    );
  },
  // A body that is not {name?: string} is a failed create, in the create's own error shape.
  (result, c) => {
    if (!result.success) return c.json(createFailed(["Name is invalid"]), 422);
  },
);

adminKeysRouter.openapi(showAdminApiKeyRoute, async (c) => {
  const admin = c.get("admin");
  const row = await findKey(c.env.DB, c.req.valid("param").id);
  if (!row || (row.user_id !== admin.userId && !managesAllKeys(admin))) throw new AppError("not_found", "Admin API key not found");
  return c.json(keyJson(row), 200);
});

adminKeysRouter.openapi(revokeAdminApiKeyRoute, async (c) => {
  const admin = c.get("admin");
  const row = await findKey(c.env.DB, c.req.valid("param").id);
  if (!row) throw new AppError("not_found", "Admin API key not found");
  if (row.user_id !== admin.userId && !managesAllKeys(admin)) throw new AppError("forbidden", "You can only revoke your own admin API keys");
  // Revoking twice changes nothing: the first revocation's time and name stay.
  const suffix = toHex(crypto.getRandomValues(new Uint8Array(8)));
  await c.env.DB.prepare(
    `UPDATE admin_api_keys
     SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), name = name || '_revoked_' || ?
     WHERE id = ? AND revoked_at IS NULL`,
  )
    .bind(suffix, row.id)
    .run();
  return c.json({ success: true, message: "Admin API key has been revoked" }, 200);
});
