import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, type TestUser, uniqueName, refused, bearer, getJson } from "../helpers";

const LOGS = "/api/admin/v1/trust_level_audit_logs";

async function insertLog(userId: number, changedById: number | null, previous: string, next: string, createdAt: string, reason: string | null = "because", notes: string | null = null) {
  const row = await env.DB.prepare(
    `INSERT INTO trust_level_audit_logs (user_id, changed_by_id, previous_trust_level, new_trust_level, reason, notes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  )
    .bind(userId, changedById, previous, next, reason, notes, createdAt, createdAt)
    .first<{ id: number }>();
  return row!.id;
}

describe("trust level audit logs", () => {
  let viewer: TestUser;
  let adminA: TestUser;
  let adminB: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    viewer = await createUser({ adminLevel: "viewer" });
    adminA = await createUser({ adminLevel: "superadmin", username: uniqueName("judge_a") });
    adminB = await createUser({ adminLevel: "admin", username: uniqueName("judge_b"), email: "judge-b@example.com" });
    alice = await createUser({ username: uniqueName("alice"), email: "alice-audit@example.com" });
    bob = await createUser({ username: uniqueName("bob") });
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(alice.id).run();
    ids.aliceGreen = await insertLog(alice.id, adminB.id, "blue", "green", "2026-01-01T10:00:00.000Z", "looks fine", "checked by hand");
    ids.aliceRed = await insertLog(alice.id, adminA.id, "green", "red", "2026-01-03T10:00:00.000Z", "botting");
    ids.bobYellow = await insertLog(bob.id, adminB.id, "blue", "yellow", "2026-01-02T10:00:00.000Z", null);
    ids.bobBlue = await insertLog(bob.id, adminA.id, "yellow", "blue", "2026-01-04T10:00:00.000Z");
  });

  const list = async (query = "", key: string | null = viewer.adminApiKey) => getJson(`${LOGS}${query}`, bearer(key));

  it("lists logs newest first, with the user, the admin who changed it and the reason, for any admin level", async () => {
    const r = await list();
    expect(r.status).toBe(200);
    expect(r.body.audit_logs.map((l: { id: number }) => l.id)).toEqual([ids.bobBlue, ids.aliceRed, ids.bobYellow, ids.aliceGreen]);
    expect(r.body.total_count).toBe(4);
    expect(r.body.audit_logs[3]).toEqual({
      id: ids.aliceGreen,
      user: { id: alice.id, username: alice.username, display_name: alice.username },
      previous_trust_level: "blue",
      new_trust_level: "green",
      changed_by: { id: adminB.id, username: adminB.username, display_name: adminB.username, admin_level: "admin" },
      reason: "looks fine",
      notes: "checked by hand",
      created_at: "2026-01-01T10:00:00.000Z",
    });
    expect(r.body.audit_logs[2].reason).toBeNull();
  });

  it("answers 401 without a key, with a bad key, or with a user key", async () => {
    for (const [key, why] of [[null, "missing"], [`hka_${"f".repeat(64)}`, "unknown_key"], [alice.apiKey, "malformed_key"]] as const) {
      for (const path of [LOGS, `${LOGS}/${ids.aliceRed}`]) {
        const r = await getJson(path, bearer(key));
        expect(r.status).toBe(401);
        expect(r.body).toEqual(refused.admin(why));
      }
    }
  });

  it("filters by user_id and admin_id", async () => {
    expect((await list(`?user_id=${alice.id}`)).body.audit_logs.map((l: any) => l.id)).toEqual([ids.aliceRed, ids.aliceGreen]);
    expect((await list(`?admin_id=${adminB.id}`)).body.audit_logs.map((l: any) => l.id)).toEqual([ids.bobYellow, ids.aliceGreen]);
    const both = await list(`?user_id=${bob.id}&admin_id=${adminA.id}`);
    expect(both.body).toMatchObject({ total_count: 1, audit_logs: [{ id: ids.bobBlue }] });
  });

  it("answers 404 for an unknown or malformed user_id or admin_id, and ignores blank ones", async () => {
    for (const bad of ["999999999", "abc", "-3", "1e3"]) {
      const u = await list(`?user_id=${bad}`);
      expect(u.status, bad).toBe(404);
      expect(u.body).toEqual({ error: "User not found" });
      const a = await list(`?admin_id=${bad}`);
      expect(a.status, bad).toBe(404);
      expect(a.body).toEqual({ error: "Admin not found" });
    }
    expect((await list("?user_id=&admin_id=%20")).body.total_count).toBe(4);
  });

  it("searches users and admins by part of their username or email, case-insensitively, or by exact id", async () => {
    expect((await list(`?user_search=${alice.username.slice(0, 10).toUpperCase()}`)).body.audit_logs.map((l: any) => l.id)).toEqual([ids.aliceRed, ids.aliceGreen]);
    expect((await list("?user_search=alice-audit@EXAMPLE")).body.total_count).toBe(2);
    // A number matches that id exactly (and, as in Hackatime, any name containing the digits).
    expect((await list(`?user_search=${bob.id}`)).body.audit_logs.map((l: any) => l.id)).toEqual(expect.arrayContaining([ids.bobBlue, ids.bobYellow]));
    expect((await list("?admin_search=judge-b@")).body.audit_logs.map((l: any) => l.id)).toEqual([ids.bobYellow, ids.aliceGreen]);
    expect((await list("?user_search=nobody-matches-this")).body).toEqual({ audit_logs: [], total_count: 0 });
    // LIKE wildcards in the term are literal.
    expect((await list("?user_search=%25")).body.total_count).toBe(0);
    expect((await list("?user_search=%20%20")).body.total_count).toBe(4);
  });

  it("filters by the new trust level; 'all' or an unknown filter changes nothing", async () => {
    const only = async (f: string) => (await list(`?trust_level_filter=${f}`)).body.audit_logs.map((l: any) => l.id);
    expect(await only("to_convicted")).toEqual([ids.aliceRed]);
    expect(await only("to_trusted")).toEqual([ids.aliceGreen]);
    expect(await only("to_suspected")).toEqual([ids.bobYellow]);
    expect(await only("to_unscored")).toEqual([ids.bobBlue]);
    expect(await only("all")).toHaveLength(4);
    expect(await only("to_the_moon")).toHaveLength(4);
  });

  it("shows one log with the user's current trust level and updated_at", async () => {
    const r = await getJson(`${LOGS}/${ids.aliceGreen}`, bearer(viewer.adminApiKey));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: ids.aliceGreen,
      user: { id: alice.id, username: alice.username, display_name: alice.username, current_trust_level: "red" },
      previous_trust_level: "blue",
      new_trust_level: "green",
      changed_by: { id: adminB.id, username: adminB.username, display_name: adminB.username, admin_level: "admin" },
      reason: "looks fine",
      notes: "checked by hand",
      created_at: "2026-01-01T10:00:00.000Z",
      updated_at: "2026-01-01T10:00:00.000Z",
    });
  });

  it("answers 404 'Audit log not found' for an unknown or malformed id", async () => {
    for (const id of ["999999999", "abc", "0", "99999999999999999999"]) {
      const r = await getJson(`${LOGS}/${id}`, bearer(viewer.adminApiKey));
      expect(r.status, id).toBe(404);
      expect(r.body).toEqual({ error: "Audit log not found" });
    }
  });

  it("shows changed_by as null when the log has no admin", async () => {
    const id = await insertLog(bob.id, null, "blue", "green", "2025-06-01T00:00:00.000Z");
    const r = await getJson(`${LOGS}/${id}`, bearer(viewer.adminApiKey));
    expect(r.status).toBe(200);
    expect(r.body.changed_by).toBeNull();
    await env.DB.prepare("DELETE FROM trust_level_audit_logs WHERE id = ?").bind(id).run();
  });

  it("returns at most the latest 250 logs", async () => {
    const carol = await createUser({ username: uniqueName("carol") });
    const stmts = Array.from({ length: 260 }, (_, i) =>
      env.DB.prepare("INSERT INTO trust_level_audit_logs (user_id, changed_by_id, previous_trust_level, new_trust_level, created_at) VALUES (?, ?, 'blue', 'green', ?)").bind(
        carol.id,
        adminA.id,
        new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
      ),
    );
    await env.DB.batch(stmts);
    const r = await list(`?user_id=${carol.id}`);
    expect(r.body.audit_logs).toHaveLength(250);
    expect(r.body.total_count).toBe(250);
    expect(r.body.audit_logs[0].created_at).toBe(new Date(Date.UTC(2025, 0, 1) + 259 * 1000).toISOString());
    await env.DB.prepare("DELETE FROM trust_level_audit_logs WHERE user_id = ?").bind(carol.id).run();
  });
});
