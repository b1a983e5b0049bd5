import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, request, type TestUser, uniqueName, refused, bearer, call } from "../helpers";

const PERMS = "/api/admin/v1/permissions";

const patch = (key: string | null, id: number | string, body: unknown) => call("PATCH", `${PERMS}/${id}`, bearer(key), body);
const levelOf = async (id: number) => (await env.DB.prepare("SELECT admin_level FROM users WHERE id = ?").bind(id).first<{ admin_level: string }>())!.admin_level;
describe("admin permissions: who may call", () => {
  let viewer: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    viewer = await createUser({ adminLevel: "viewer" });
    admin = await createUser({ adminLevel: "admin" });
  });

  it("answers 401 with the reason without a key or with a bad one", async () => {
    for (const [key, why] of [[null, "missing"], [`hka_${"a".repeat(64)}`, "unknown_key"], ["not-a-key", "malformed_key"]] as const) {
      for (const r of [await call("GET", PERMS, bearer(key)), await patch(key, admin.id, { admin_level: "viewer" })]) {
        expect(r.status).toBe(401);
        expect(r.body).toEqual(refused.admin(why));
      }
    }
  });

  it("answers viewers and admins 401 'lmao no perms', and changes nothing", async () => {
    for (const key of [viewer.adminApiKey, admin.adminApiKey]) {
      const list = await call("GET", PERMS, bearer(key));
      expect(list.status).toBe(401);
      expect(list.body).toEqual({ error: "lmao no perms" });
      const change = await patch(key, viewer.id, { admin_level: "admin" });
      expect(change.status).toBe(401);
      expect(change.body).toEqual({ error: "lmao no perms" });
    }
    // An admin cannot promote themselves either.
    expect((await patch(admin.adminApiKey, admin.id, { admin_level: "superadmin" })).status).toBe(401);
    expect(await levelOf(viewer.id)).toBe("viewer");
    expect(await levelOf(admin.id)).toBe("admin");
  });
});

describe("GET /api/admin/v1/permissions", () => {
  let superadmin: TestUser;
  let admin: TestUser;
  let viewer: TestUser;
  let plain: TestUser;
  beforeAll(async () => {
    superadmin = await createUser({ adminLevel: "superadmin" });
    admin = await createUser({ adminLevel: "admin", username: uniqueName("permadmin"), email: "perm-admin@example.com", githubUsername: "perm-gh" });
    await env.DB.prepare("INSERT INTO email_addresses (user_id, email) VALUES (?, ?)").bind(admin.id, "perm-admin-2@example.com").run();
    viewer = await createUser({ adminLevel: "viewer" });
    plain = await createUser();
  });

  it("lists non-default admins with their emails, ordered as Hackatime's enum then by username", async () => {
    const r = await call("GET", PERMS, bearer(superadmin.adminApiKey));
    expect(r.status).toBe(200);
    const users = r.body.users as any[];
    const ids = users.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining([superadmin.id, admin.id, viewer.id]));
    expect(ids).not.toContain(plain.id);
    expect(users.every((u) => u.admin_level !== "default")).toBe(true);
    const rank: Record<string, number> = { superadmin: 1, admin: 2, viewer: 3, ultraadmin: 4 };
    const order = users.map((u) => [rank[u.admin_level], u.username] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
    expect(users.find((u) => u.id === admin.id)).toEqual({
      id: admin.id,
      username: admin.username,
      display_name: "perm-gh",
      slack_username: null,
      github_username: "perm-gh",
      admin_level: "admin",
      email_addresses: ["perm-admin@example.com", "perm-admin-2@example.com"],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(users.find((u) => u.id === viewer.id).email_addresses).toEqual([]);
  });

  it("narrows by search (username, email, GitHub username or id) and ignores a blank search", async () => {
    const ids = async (q: string) => (await call("GET", `${PERMS}?search=${encodeURIComponent(q)}`, bearer(superadmin.adminApiKey))).body.users.map((u: any) => u.id);
    expect(await ids(admin.username.toUpperCase())).toEqual([admin.id]);
    expect(await ids("perm-admin-2@")).toEqual([admin.id]);
    expect(await ids("PERM-GH")).toEqual([admin.id]);
    expect(await ids(String(viewer.id))).toContain(viewer.id);
    expect(await ids(plain.username)).toEqual([]); // matches, but not an admin
    expect(await ids("zzz-no-such-user")).toEqual([]);
    expect((await ids("  ")).length).toBeGreaterThanOrEqual(3);
  });
});

describe("PATCH /api/admin/v1/permissions/{id}", () => {
  let superadmin: TestUser;
  let ultra: TestUser;
  beforeAll(async () => {
    superadmin = await createUser({ adminLevel: "superadmin" });
    ultra = await createUser({ adminLevel: "ultraadmin" });
  });

  it("promotes a user and reports the previous level", async () => {
    const u = await createUser({ username: uniqueName("promo") });
    const r = await patch(superadmin.adminApiKey, u.id, { admin_level: "admin" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      message: `${u.username}'s admin level updated from default to admin`,
      user: { id: u.id, username: u.username, display_name: u.username, admin_level: "admin", previous_admin_level: "default", updated_at: expect.any(String) },
    });
    expect(await levelOf(u.id)).toBe("admin");
  });

  it("lets a superadmin grant superadmin (their own rank)", async () => {
    const u = await createUser();
    expect((await patch(superadmin.adminApiKey, u.id, { admin_level: "superadmin" })).status).toBe(200);
    expect(await levelOf(u.id)).toBe("superadmin");
  });

  it("demotes an admin to default, and their admin key stops working", async () => {
    const a = await createUser({ adminLevel: "admin" });
    expect((await call("GET", "/api/admin/v1/admin_api_keys", bearer(a.adminApiKey))).status).toBe(200);
    const r = await patch(superadmin.adminApiKey, a.id, { admin_level: "default" });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ admin_level: "default", previous_admin_level: "admin" });
    expect((await call("GET", "/api/admin/v1/admin_api_keys", bearer(a.adminApiKey))).status).toBe(401);
  });

  it("answers success without touching the row when the level is unchanged", async () => {
    const v = await createUser({ adminLevel: "viewer" });
    const before = await env.DB.prepare("SELECT updated_at FROM users WHERE id = ?").bind(v.id).first<{ updated_at: string }>();
    const r = await patch(superadmin.adminApiKey, v.id, { admin_level: "viewer" });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ admin_level: "viewer", previous_admin_level: "viewer", updated_at: before!.updated_at });
  });

  it("refuses changing one's own level with 403, even for an ultraadmin", async () => {
    for (const me of [superadmin, ultra]) {
      const r = await patch(me.adminApiKey, me.id, { admin_level: "default" });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: "You cannot change your own admin level." });
    }
    expect(await levelOf(superadmin.id)).toBe("superadmin");
  });

  it("refuses changing a user of equal or higher rank", async () => {
    const peer = await createUser({ adminLevel: "superadmin" });
    const r = await patch(superadmin.adminApiKey, peer.id, { admin_level: "viewer" });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: "You are not authorized to change this user's admin level." });
    expect(await levelOf(peer.id)).toBe("superadmin");

    const up = await patch(superadmin.adminApiKey, ultra.id, { admin_level: "default" });
    expect(up.status).toBe(403);
    expect(up.body).toEqual({ error: "Only ultraadmins can change an ultraadmin's role." });
    expect(await levelOf(ultra.id)).toBe("ultraadmin");
  });

  it("refuses granting ultraadmin unless the caller is an ultraadmin", async () => {
    const u = await createUser();
    const r = await patch(superadmin.adminApiKey, u.id, { admin_level: "ultraadmin" });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: "Only ultraadmins can grant the ultraadmin role." });
    expect(await levelOf(u.id)).toBe("default");

    expect((await patch(ultra.adminApiKey, u.id, { admin_level: "ultraadmin" })).status).toBe(200);
    expect(await levelOf(u.id)).toBe("ultraadmin");
  });

  it("lets an ultraadmin change a superadmin", async () => {
    const s = await createUser({ adminLevel: "superadmin" });
    expect((await patch(ultra.adminApiKey, s.id, { admin_level: "admin" })).status).toBe(200);
    expect(await levelOf(s.id)).toBe("admin");
  });

  it.each([
    ["an unknown level", { admin_level: "god" }],
    ["a level in the wrong case", { admin_level: "Admin" }],
    ["a missing level", {}],
    ["a non-string level", { admin_level: 2 }],
    ["a non-object body", [1]],
  ])("answers 422 'Invalid admin level' for %s", async (_name, body) => {
    const u = await createUser();
    const r = await patch(superadmin.adminApiKey, u.id, body);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: "Invalid admin level" });
    expect(await levelOf(u.id)).toBe("default");
  });

  it("answers 422 when there is no JSON body at all", async () => {
    const u = await createUser();
    const res = await request(`${PERMS}/${u.id}`, { method: "PATCH", headers: bearer(superadmin.adminApiKey) });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "Invalid admin level" });
  });

  it.each(["999999999", "abc", "0", "1.5", "99999999999999999999999"])("answers 404 'User not found' for user id %s", async (id) => {
    const r = await patch(superadmin.adminApiKey, id, { admin_level: "viewer" });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: "User not found" });
  });
});
