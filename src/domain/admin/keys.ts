// Admin API keys (hackatime-behavior.md §2.1, §8.8): "hka_" + 64 hex, stored only as a SHA-256
// hash, the plain key shown once in the create response. An admin sees and revokes their own
// keys; a superadmin (or ultraadmin) sees and revokes everyone's. A revoked key is refused at
// once (auth/admin.ts accepts only keys whose revoked_at is NULL).
import type { AdminPrincipal } from "../../auth/admin";
import { atLeast } from "../../auth/levels";
import { activeAdminKeys, adminKeyById, insertAdminKey, revokeAndRenameAdminKey, type AdminKeyRow } from "../../db/admin-keys";
import { newAdminApiKey, sha256Hex, toHex } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { ADMIN_KEY_PREVIEW_LENGTH } from "../users/provision";
import { adminSummary } from "./serializers";

/** Longest key name accepted (Hackatime has no limit; this keeps rows small). */
export const ADMIN_KEY_NAME_MAX_LENGTH = 255;

/** Superadmins (and ultraadmins) manage every key; everyone else only their own. */
const managesAllKeys = (admin: AdminPrincipal) => atLeast(admin.adminLevel, "superadmin");

function keyJson(row: AdminKeyRow) {
  return {
    id: row.id,
    name: row.name,
    token_preview: `${row.token_preview.slice(0, ADMIN_KEY_PREVIEW_LENGTH)}...`,
    user: adminSummary(row.owner),
    created_at: row.created_at,
    revoked_at: row.revoked_at,
    active: row.revoked_at === null,
  };
}

/** Active keys, newest first: the caller's own, or everyone's for a superadmin. */
export async function listAdminKeys(d1: D1Database, admin: AdminPrincipal) {
  return (await activeAdminKeys(d1, managesAllKeys(admin) ? null : admin.userId)).map(keyJson);
}

/** Rails' failed-save answer: 422 {"error": "Failed to create admin API key", "errors": [...]}. */
const createFailed = (error: string) => new AppError("invalid_parameter", "Failed to create admin API key", { errors: [error] });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Creates a key for the caller from the request body as sent (any JSON value; no body is {}):
 * the name must be a string, not blank, at most 255 characters, and not the name of another
 * active key of theirs.
 */
export async function createAdminKey(d1: D1Database, admin: AdminPrincipal, body: unknown) {
  if (!isObject(body) || !(body.name === undefined || typeof body.name === "string")) throw createFailed("Name is invalid");
  const name = body.name as string | undefined;
  if (name === undefined || isBlank(name)) throw createFailed("Name can't be blank");
  if (Array.from(name).length > ADMIN_KEY_NAME_MAX_LENGTH) throw createFailed(`Name is too long (maximum is ${ADMIN_KEY_NAME_MAX_LENGTH} characters)`);
  const token = newAdminApiKey();
  const created = await insertAdminKey(d1, { userId: admin.userId, name, tokenHash: await sha256Hex(token), tokenPreview: token.slice(0, ADMIN_KEY_PREVIEW_LENGTH) });
  if (!created) throw createFailed("Name has already been taken");
  return { success: true, message: "Admin API key created successfully", admin_api_key: { id: created.id, name: created.name, token, created_at: created.created_at } };
}

/** One key (revoked ones too); someone else's is not found unless the caller manages all keys. */
export async function showAdminKey(d1: D1Database, admin: AdminPrincipal, id: number | null) {
  const row = id === null ? null : await adminKeyById(d1, id);
  if (!row || (row.user_id !== admin.userId && !managesAllKeys(admin))) throw new AppError("not_found", "Admin API key not found");
  return keyJson(row);
}

/** Revokes a key (the caller's own, or anyone's for a superadmin); revoking twice changes nothing. */
export async function revokeAdminKey(d1: D1Database, admin: AdminPrincipal, id: number | null) {
  const row = id === null ? null : await adminKeyById(d1, id);
  if (!row) throw new AppError("not_found", "Admin API key not found");
  if (row.user_id !== admin.userId && !managesAllKeys(admin)) throw new AppError("forbidden", "You can only revoke your own admin API keys");
  await revokeAndRenameAdminKey(d1, row.id, toHex(crypto.getRandomValues(new Uint8Array(8))));
  return { success: true, message: "Admin API key has been revoked" };
}
