import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, request, type TestUser, refused, bearer } from "../helpers";

const BASE = "/api/admin/v1/deletion_requests";
const admin = (key: string | null, path = "", method = "GET") => request(`${BASE}${path}`, { method, headers: bearer(key) });

let superadmin: TestUser;
let ultra: TestUser;

beforeAll(async () => {
  superadmin = await createUser({ adminLevel: "superadmin", slackUid: null });
  ultra = await createUser({ adminLevel: "ultraadmin" });
});

/** A user with a pending request made through POST /deletion; returns the request id. */
async function pendingRequest(opts: Parameters<typeof createUser>[0] = {}, body?: unknown) {
  const u = await createUser(opts);
  const res = await request("/deletion", {
    method: "POST",
    redirect: "manual",
    headers: { ...bearer(u.apiKey), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status).toBe(302);
  const id = ((await res.json()) as any).deletion_request.id as number;
  return { user: u, id };
}

const row = async (id: number) => (await env.DB.prepare("SELECT * FROM deletion_requests WHERE id = ?").bind(id).first<any>())!;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

describe("admin deletion requests: access", () => {
  it("answers 401 without a key, with an unknown key, and with a user key", async () => {
    const u = await createUser();
    for (const [key, why] of [[null, "missing"], [`hka_${"0".repeat(64)}`, "unknown_key"], [u.apiKey, "malformed_key"]] as const) {
      const res = await admin(key);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(refused.admin(why));
    }
  });

  it("answers 401 \"lmao no perms\" to admins below superadmin, on every endpoint", async () => {
    const { id } = await pendingRequest();
    for (const level of ["viewer", "admin"] as const) {
      const a = await createUser({ adminLevel: level });
      for (const [path, method] of [["", "GET"], [`/${id}`, "GET"], [`/${id}/approve`, "POST"], [`/${id}/reject`, "POST"]]) {
        const res = await admin(a.adminApiKey, path, method);
        expect(res.status, `${level} ${method} ${path}`).toBe(401);
        expect(await res.json()).toEqual({ error: "lmao no perms" });
      }
    }
    expect((await row(id)).status).toBe("pending");
    expect((await admin(ultra.adminApiKey, `/${id}`)).status).toBe(200);
  });
});

describe("GET /api/admin/v1/deletion_requests", () => {
  it("lists pending (oldest first), approved (soonest first) and completed, with user briefs", async () => {
    const a = await pendingRequest({ githubUsername: "gh-first" }, { reason: "done", reason_details: "finished my program" });
    const b = await pendingRequest();
    const c = await pendingRequest();
    expect((await admin(superadmin.adminApiKey, `/${c.id}/approve`, "POST")).status).toBe(200);

    const res = await admin(superadmin.adminApiKey);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(Object.keys(body).sort()).toEqual(["approved", "completed", "pending"]);
    const pendingIds = body.pending.map((r: any) => r.id);
    expect(pendingIds.indexOf(a.id)).toBeLessThan(pendingIds.indexOf(b.id));
    expect(pendingIds).not.toContain(c.id);
    expect(body.approved.map((r: any) => r.id)).toContain(c.id);

    const item = body.pending.find((r: any) => r.id === a.id);
    expect(item).toEqual({
      id: a.id,
      user_id: a.user.id,
      user: { id: a.user.id, username: a.user.username, display_name: "gh-first" },
      status: "pending",
      reason: "done",
      reason_details: "finished my program",
      requested_at: item.created_at,
      scheduled_deletion_at: null,
      completed_at: null,
      cancelled_at: null,
      admin_approved_at: null,
      admin_approved_by: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updated_at: expect.any(String),
    });
    const approved = body.approved.find((r: any) => r.id === c.id);
    expect(approved.admin_approved_by).toEqual({ id: superadmin.id, username: superadmin.username, display_name: superadmin.username });
  });

  it("shows only the latest 25 completed requests, newest first", async () => {
    const u = await createUser();
    const base = Date.parse("2030-01-01T00:00:00.000Z");
    const stmts = Array.from({ length: 27 }, (_, i) =>
      env.DB.prepare("INSERT INTO deletion_requests (user_id, status, completed_at) VALUES (?, 'completed', ?)").bind(u.id, new Date(base + i * 60_000).toISOString()),
    );
    await env.DB.batch(stmts);
    const { completed } = (await (await admin(superadmin.adminApiKey)).json()) as any;
    expect(completed).toHaveLength(25);
    expect(completed[0].completed_at).toBe(new Date(base + 26 * 60_000).toISOString());
    expect(completed[24].completed_at).toBe(new Date(base + 2 * 60_000).toISOString());
  });
});

describe("GET /api/admin/v1/deletion_requests/{id}", () => {
  it("shows one request, and 404s unknown or malformed ids", async () => {
    const { id, user } = await pendingRequest();
    const res = await admin(superadmin.adminApiKey, `/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, user_id: user.id, status: "pending", user: { id: user.id, username: user.username } });
    for (const bad of ["0", "999999999", "abc", "1.5", "-1"]) {
      const miss = await admin(superadmin.adminApiKey, `/${bad}`);
      expect(miss.status, bad).toBe(404);
      expect(await miss.json()).toEqual({ error: "Deletion request not found" });
    }
  });
});

describe("POST /api/admin/v1/deletion_requests/{id}/approve", () => {
  it("approves a pending request, scheduling the deletion 30 days out", async () => {
    const { id } = await pendingRequest();
    const before = Date.now();
    const res = await admin(superadmin.adminApiKey, `/${id}/approve`, "POST");
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const stored = await row(id);
    expect(stored).toMatchObject({ status: "approved", admin_approved_by_id: superadmin.id });
    const scheduled = Date.parse(stored.scheduled_deletion_at);
    expect(scheduled - Date.parse(stored.admin_approved_at)).toBe(30 * 86_400_000);
    expect(scheduled).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 1000);
    const d = new Date(scheduled);
    // Ruby strftime("%B %d, %Y"), as Hackatime prints it: "August 02, 2026".
    const date = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, "0")}, ${d.getUTCFullYear()}`;
    expect(body).toMatchObject({
      success: true,
      message: `Deletion request approved. Scheduled for ${date}`,
      deletion_request: { id, status: "approved", scheduled_deletion_at: stored.scheduled_deletion_at, admin_approved_by: { id: superadmin.id, username: superadmin.username } },
    });
  });

  it("answers 422 for a request that is not pending, and 404 for an unknown one", async () => {
    const { id } = await pendingRequest();
    expect((await admin(superadmin.adminApiKey, `/${id}/approve`, "POST")).status).toBe(200);
    const again = await admin(superadmin.adminApiKey, `/${id}/approve`, "POST");
    expect(again.status).toBe(422);
    expect(((await again.json()) as any).error).toBeTypeOf("string");
    const scheduled = (await row(id)).scheduled_deletion_at;

    expect((await admin(superadmin.adminApiKey, `/${id}/reject`, "POST")).status).toBe(200);
    expect((await admin(superadmin.adminApiKey, `/${id}/approve`, "POST")).status).toBe(422);
    expect((await row(id)).scheduled_deletion_at).toBe(scheduled);

    const missing = await admin(superadmin.adminApiKey, "/0/approve", "POST");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Deletion request not found" });
  });
});

describe("POST /api/admin/v1/deletion_requests/{id}/reject", () => {
  it("cancels a pending request", async () => {
    const { id, user } = await pendingRequest();
    const res = await admin(superadmin.adminApiKey, `/${id}/reject`, "POST");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, message: "Deletion request rejected", deletion_request: { id, status: "cancelled" } });
    expect((await row(id)).cancelled_at).toMatch(/Z$/);
    // The user may ingest again.
    const ingest = await request("/api/hackatime/v1/users/current/heartbeats.bulk", {
      method: "POST",
      headers: { ...bearer(user.apiKey), "Content-Type": "application/json" },
      body: JSON.stringify([{ entity: "a.ts", type: "file", time: Date.now() / 1000 }]),
    });
    expect(ingest.status).toBe(201);
  });

  it("cancels an approved request before its date, and refuses once it is due, cancelled or completed", async () => {
    const { id } = await pendingRequest();
    await admin(superadmin.adminApiKey, `/${id}/approve`, "POST");
    expect((await admin(superadmin.adminApiKey, `/${id}/reject`, "POST")).status).toBe(200);
    expect((await row(id)).status).toBe("cancelled");
    expect((await admin(superadmin.adminApiKey, `/${id}/reject`, "POST")).status).toBe(422);

    const due = await pendingRequest();
    await admin(superadmin.adminApiKey, `/${due.id}/approve`, "POST");
    await env.DB.prepare("UPDATE deletion_requests SET scheduled_deletion_at = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), due.id).run();
    expect((await admin(superadmin.adminApiKey, `/${due.id}/reject`, "POST")).status).toBe(422);
    expect((await row(due.id)).status).toBe("approved");

    await env.DB.prepare("UPDATE deletion_requests SET status = 'completed' WHERE id = ?").bind(due.id).run();
    expect((await admin(superadmin.adminApiKey, `/${due.id}/reject`, "POST")).status).toBe(422);
    expect((await admin(superadmin.adminApiKey, "/0/reject", "POST")).status).toBe(404);
  });
});
