import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { createUser, request, type TestUser, refused, bearer, call } from "../helpers";

const KEYS = "/api/admin/v1/admin_api_keys";

async function createKey(key: string, name: string) {
  const r = await call("POST", KEYS, bearer(key), { name });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.admin_api_key as { id: number; name: string; token: string; created_at: string };
}

describe("admin API key authentication", () => {
  it.each([
    ["no Authorization header", null, "missing"],
    ["a wrong key of the right shape", `hka_${"0".repeat(64)}`, "unknown_key"],
    ["a user API key", crypto.randomUUID(), "malformed_key"],
  ] as const)("answers 401 with the reason to %s, on every key route", async (_name, key, why) => {
    for (const [method, path, body] of [
      ["GET", KEYS, undefined],
      ["POST", KEYS, { name: "x" }],
      ["GET", `${KEYS}/1`, undefined],
      ["DELETE", `${KEYS}/1`, undefined],
    ] as const) {
      const r = await call(method, path, bearer(key), body);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body).toEqual(refused.admin(why));
    }
  });

  it("refuses a key of a user with no admin level", async () => {
    const plain = await createUser();
    expect((await call("GET", KEYS, bearer(plain.apiKey))).status).toBe(401);
  });
});

describe("POST /api/admin/v1/admin_api_keys", () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createUser({ adminLevel: "admin" });
  });

  it("creates a hka_ key shown once, stores only its SHA-256 hash and a 13-character preview, and the key works", async () => {
    const r = await call("POST", KEYS, bearer(admin.adminApiKey), { name: "CI key" });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      success: true,
      message: "Admin API key created successfully",
      admin_api_key: { id: expect.any(Number), name: "CI key", token: expect.stringMatching(/^hka_[0-9a-f]{64}$/), created_at: expect.any(String) },
    });
    const { id, token } = r.body.admin_api_key;
    const row = await env.DB.prepare("SELECT * FROM admin_api_keys WHERE id = ?").bind(id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ user_id: admin.id, name: "CI key", token_hash: await sha256Hex(token), token_preview: token.slice(0, 13), revoked_at: null });
    expect(Object.values(row!)).not.toContain(token);
    // The new key authenticates as its owner.
    const list = await call("GET", KEYS, bearer(token));
    expect(list.status).toBe(200);
    expect(list.body.admin_api_keys.map((k: { id: number }) => k.id)).toContain(id);
  });

  it("lets a viewer create keys for themselves", async () => {
    const viewer = await createUser({ adminLevel: "viewer" });
    const key = await createKey(viewer.adminApiKey!, "viewer key");
    const owner = await env.DB.prepare("SELECT user_id FROM admin_api_keys WHERE id = ?").bind(key.id).first<{ user_id: number }>();
    expect(owner?.user_id).toBe(viewer.id);
  });

  it.each([
    ["a missing name", {}],
    ["an empty name", { name: "" }],
    ["a blank name", { name: "   " }],
  ])("refuses %s with 422 and the Rails error list", async (_name, body) => {
    const r = await call("POST", KEYS, bearer(admin.adminApiKey), body);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: "Failed to create admin API key", errors: ["Name can't be blank"] });
  });

  it("refuses a body with no JSON content type as a blank name", async () => {
    const res = await request(KEYS, { method: "POST", headers: bearer(admin.adminApiKey!) });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "Failed to create admin API key", errors: ["Name can't be blank"] });
  });

  it("refuses a name that is not a string with 422, never 500", async () => {
    for (const body of [{ name: 42 }, { name: null }, [1, 2], "null"]) {
      const r = await call("POST", KEYS, bearer(admin.adminApiKey), body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error).toBe("Failed to create admin API key");
    }
    expect((await call("POST", KEYS, bearer(admin.adminApiKey), "{not json")).status).toBe(400);
  });

  it("refuses a name longer than 255 characters", async () => {
    const r = await call("POST", KEYS, bearer(admin.adminApiKey), { name: "x".repeat(256) });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual(["Name is too long (maximum is 255 characters)"]);
  });

  it("refuses a name the owner already uses on an active key, but allows it for another owner or after revocation", async () => {
    const first = await createKey(admin.adminApiKey!, "deploy");
    const dup = await call("POST", KEYS, bearer(admin.adminApiKey), { name: "deploy" });
    expect(dup.status).toBe(422);
    expect(dup.body).toEqual({ error: "Failed to create admin API key", errors: ["Name has already been taken"] });

    const other = await createUser({ adminLevel: "admin" });
    await createKey(other.adminApiKey!, "deploy");

    expect((await call("DELETE", `${KEYS}/${first.id}`, bearer(admin.adminApiKey))).status).toBe(200);
    await createKey(admin.adminApiKey!, "deploy");
  });

  it("gives each concurrent create with the same name at most one success", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => call("POST", KEYS, bearer(admin.adminApiKey), { name: "race" })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422)).toHaveLength(4);
  });
});

describe("GET /api/admin/v1/admin_api_keys and /{id}", () => {
  let admin: TestUser;
  let other: TestUser;
  let superadmin: TestUser;
  beforeAll(async () => {
    admin = await createUser({ adminLevel: "admin", email: "keys-admin@example.com" });
    other = await createUser({ adminLevel: "admin" });
    superadmin = await createUser({ adminLevel: "superadmin" });
  });

  it("lists the caller's active keys, newest first, with a preview and the owner, never the key or its hash", async () => {
    const a = await createKey(admin.adminApiKey!, "list-a");
    const b = await createKey(admin.adminApiKey!, "list-b");
    const r = await call("GET", KEYS, bearer(admin.adminApiKey));
    expect(r.status).toBe(200);
    const keys = r.body.admin_api_keys as any[];
    expect(keys.every((k) => k.user.id === admin.id)).toBe(true);
    expect(keys.map((k) => k.name)).toEqual(["list-b", "list-a", "Initial admin key"]);
    expect(keys[0]).toEqual({
      id: b.id,
      name: "list-b",
      token_preview: `${b.token.slice(0, 13)}...`,
      user: { id: admin.id, username: admin.username, display_name: admin.username, admin_level: "admin" },
      created_at: b.created_at,
      revoked_at: null,
      active: true,
    });
    expect(JSON.stringify(r.body)).not.toContain(a.token);
    expect(JSON.stringify(r.body)).not.toContain(await sha256Hex(a.token));
  });

  it("hides other admins' keys from an admin but shows everyone's to a superadmin", async () => {
    const mine = await createKey(admin.adminApiKey!, "mine");
    const theirs = await createKey(other.adminApiKey!, "theirs");
    const adminIds = (await call("GET", KEYS, bearer(admin.adminApiKey))).body.admin_api_keys.map((k: any) => k.id);
    expect(adminIds).toContain(mine.id);
    expect(adminIds).not.toContain(theirs.id);
    const superIds = (await call("GET", KEYS, bearer(superadmin.adminApiKey))).body.admin_api_keys.map((k: any) => k.id);
    expect(superIds).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it("leaves revoked keys out of the list", async () => {
    const k = await createKey(admin.adminApiKey!, "soon revoked");
    await call("DELETE", `${KEYS}/${k.id}`, bearer(admin.adminApiKey));
    const ids = (await call("GET", KEYS, bearer(admin.adminApiKey))).body.admin_api_keys.map((x: any) => x.id);
    expect(ids).not.toContain(k.id);
  });

  it("shows one of the caller's keys, revoked ones too", async () => {
    const k = await createKey(admin.adminApiKey!, "show me");
    const r = await call("GET", `${KEYS}/${k.id}`, bearer(admin.adminApiKey));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: k.id, name: "show me", token_preview: `${k.token.slice(0, 13)}...`, active: true, revoked_at: null });
    await call("DELETE", `${KEYS}/${k.id}`, bearer(admin.adminApiKey));
    const after = await call("GET", `${KEYS}/${k.id}`, bearer(admin.adminApiKey));
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ id: k.id, active: false, revoked_at: expect.any(String), name: expect.stringMatching(/^show me_revoked_[0-9a-f]{16}$/) });
  });

  it("answers 404 for someone else's key unless the caller is a superadmin", async () => {
    const theirs = await createKey(other.adminApiKey!, "private");
    const r = await call("GET", `${KEYS}/${theirs.id}`, bearer(admin.adminApiKey));
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: "Admin API key not found" });
    const s = await call("GET", `${KEYS}/${theirs.id}`, bearer(superadmin.adminApiKey));
    expect(s.status).toBe(200);
    expect(s.body.user).toEqual({ id: other.id, username: other.username, display_name: other.username, admin_level: "admin" });
  });

  it.each(["999999999", "abc", "0", "-1", "1.5", "99999999999999999999999"])("answers 404 for key id %s", async (id) => {
    for (const method of ["GET", "DELETE"]) {
      const r = await call(method, `${KEYS}/${id}`, bearer(superadmin.adminApiKey));
      expect(r.status, method).toBe(404);
      expect(r.body).toEqual({ error: "Admin API key not found" });
    }
  });
});

describe("DELETE /api/admin/v1/admin_api_keys/{id}", () => {
  it("revokes the key at once: it is renamed, stamped, and refused from the next request", async () => {
    const admin = await createUser({ adminLevel: "admin" });
    const k = await createKey(admin.adminApiKey!, "short-lived");
    expect((await call("GET", KEYS, bearer(k.token))).status).toBe(200);

    const r = await call("DELETE", `${KEYS}/${k.id}`, bearer(admin.adminApiKey));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, message: "Admin API key has been revoked" });

    const row = await env.DB.prepare("SELECT name, revoked_at FROM admin_api_keys WHERE id = ?").bind(k.id).first<{ name: string; revoked_at: string }>();
    expect(row!.name).toMatch(/^short-lived_revoked_[0-9a-f]{16}$/);
    expect(row!.revoked_at).not.toBeNull();

    const refusedCall = await call("GET", KEYS, bearer(k.token));
    expect(refusedCall.status).toBe(401);
    expect(refusedCall.body).toEqual(refused.admin("revoked_key"));
    // The owner's other key still works.
    expect((await call("GET", KEYS, bearer(admin.adminApiKey))).status).toBe(200);
  });

  it("lets a key revoke itself", async () => {
    const admin = await createUser({ adminLevel: "viewer" });
    const k = await createKey(admin.adminApiKey!, "self");
    expect((await call("DELETE", `${KEYS}/${k.id}`, bearer(k.token))).status).toBe(200);
    expect((await call("GET", KEYS, bearer(k.token))).status).toBe(401);
  });

  it("refuses to revoke someone else's key with 403, leaving it working", async () => {
    const admin = await createUser({ adminLevel: "admin" });
    const other = await createUser({ adminLevel: "viewer" });
    const theirs = await createKey(other.adminApiKey!, "not yours");
    const r = await call("DELETE", `${KEYS}/${theirs.id}`, bearer(admin.adminApiKey));
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: "You can only revoke your own admin API keys" });
    expect((await call("GET", KEYS, bearer(theirs.token))).status).toBe(200);
  });

  it("lets a superadmin revoke anyone's key", async () => {
    const superadmin = await createUser({ adminLevel: "superadmin" });
    const other = await createUser({ adminLevel: "admin" });
    const theirs = await createKey(other.adminApiKey!, "revoked by boss");
    expect((await call("DELETE", `${KEYS}/${theirs.id}`, bearer(superadmin.adminApiKey))).status).toBe(200);
    expect((await call("GET", KEYS, bearer(theirs.token))).status).toBe(401);
  });

  it("is idempotent: revoking twice keeps the first revocation's name and time", async () => {
    const admin = await createUser({ adminLevel: "admin" });
    const k = await createKey(admin.adminApiKey!, "twice");
    await call("DELETE", `${KEYS}/${k.id}`, bearer(admin.adminApiKey));
    const first = await env.DB.prepare("SELECT name, revoked_at FROM admin_api_keys WHERE id = ?").bind(k.id).first();
    expect((await call("DELETE", `${KEYS}/${k.id}`, bearer(admin.adminApiKey))).status).toBe(200);
    expect(await env.DB.prepare("SELECT name, revoked_at FROM admin_api_keys WHERE id = ?").bind(k.id).first()).toEqual(first);
  });
});
