import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cliHeartbeat, createUser, postBulk, request, type TestUser, refused, bearer } from "../helpers";

const jsonHeaders = (key: string) => ({ ...bearer(key), "Content-Type": "application/json" });

// redirect: "manual" — a fetch to the worker itself would otherwise follow the 302.
const requestDeletion = (u: TestUser, body?: unknown) =>
  request("/deletion", {
    method: "POST",
    redirect: "manual",
    headers: body === undefined ? bearer(u.apiKey) : jsonHeaders(u.apiKey),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const cancelDeletion = (u: TestUser) => request("/deletion", { method: "DELETE", redirect: "manual", headers: bearer(u.apiKey) });
const showDeletion = (u: TestUser) => request("/deletion", { headers: bearer(u.apiKey) });

async function rows(userId: number) {
  return (await env.DB.prepare("SELECT * FROM deletion_requests WHERE user_id = ? ORDER BY id").bind(userId).all<any>()).results;
}

const isoDaysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function makeRed(userId: number, auditDaysAgo: number | null) {
  await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(userId).run();
  if (auditDaysAgo !== null) {
    await env.DB.prepare("INSERT INTO trust_level_audit_logs (user_id, previous_trust_level, new_trust_level, reason, created_at) VALUES (?, 'blue', 'red', 'cheating', ?)")
      .bind(userId, isoDaysAgo(auditDaysAgo))
      .run();
  }
}

describe("POST /deletion", () => {
  it("creates a pending request and redirects to GET /deletion, which shows it", async () => {
    const u = await createUser();
    const res = await requestDeletion(u);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/deletion");
    const body = (await res.json()) as any;
    expect(body.deletion_request).toMatchObject({ user_id: u.id, status: "pending", status_label: "Pending", reason: null, reason_details: null, scheduled_deletion_at: null, can_be_cancelled: true });

    const [row] = await rows(u.id);
    expect(row).toMatchObject({ id: body.deletion_request.id, status: "pending", reason: null, admin_approved_by_id: null });
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const shown = await showDeletion(u);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual(body);
  });

  it("stores a reason with its details, given as JSON, nested as Hackatime's form names it, or as a form", async () => {
    const flat = await createUser();
    expect((await requestDeletion(flat, { reason: "leaving", reason_details: "moving to another tracker" })).status).toBe(302);
    expect((await rows(flat.id))[0]).toMatchObject({ reason: "leaving", reason_details: "moving to another tracker" });

    const nested = await createUser();
    expect((await requestDeletion(nested, { deletion_request: { reason: "privacy", reason_details: "x".repeat(1000) } })).status).toBe(302);
    expect((await rows(nested.id))[0]).toMatchObject({ reason: "privacy", reason_details: "x".repeat(1000) });

    const form = await createUser();
    const res = await request("/deletion", {
      method: "POST",
      redirect: "manual",
      headers: { ...bearer(form.apiKey), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ "deletion_request[reason]": "bye", "deletion_request[reason_details]": "thanks" }).toString(),
    });
    expect(res.status).toBe(302);
    expect((await rows(form.id))[0]).toMatchObject({ reason: "bye", reason_details: "thanks" });
  });

  it("answers 422 for a reason without details (or the reverse) and for over-long text, storing nothing", async () => {
    const u = await createUser();
    for (const body of [
      { reason: "leaving" },
      { reason_details: "no reason given" },
      { reason: "r".repeat(101), reason_details: "d" },
      { reason: "r", reason_details: "d".repeat(1001) },
      { reason: "", reason_details: "details" },
    ]) {
      const res = await requestDeletion(u, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(((await res.json()) as any).error).toBeTypeOf("string");
    }
    expect(await rows(u.id)).toEqual([]);
    // 100 and 1000 characters (counted as characters, not UTF-16 units) are fine.
    expect((await requestDeletion(u, { reason: "🙂".repeat(100), reason_details: "d".repeat(1000) })).status).toBe(302);
  });

  it("refuses a second request while one is active (pending or approved)", async () => {
    const u = await createUser();
    expect((await requestDeletion(u)).status).toBe(302);
    const again = await requestDeletion(u);
    expect(again.status).toBe(422);
    expect(await again.json()).toEqual({ error: "You already have an active deletion request" });
    await env.DB.prepare("UPDATE deletion_requests SET status = 'approved', scheduled_deletion_at = ? WHERE user_id = ?").bind(isoDaysAgo(-30), u.id).run();
    expect((await requestDeletion(u)).status).toBe(422);
    expect(await rows(u.id)).toHaveLength(1);
  });

  it("concurrent requests create exactly one", async () => {
    const u = await createUser();
    const statuses = (await Promise.all([requestDeletion(u), requestDeletion(u), requestDeletion(u)])).map((r) => r.status).sort();
    expect(statuses).toEqual([302, 422, 422]);
    expect(await rows(u.id)).toHaveLength(1);
  });

  it("refuses a red user convicted within 365 days, and allows an older conviction or a red user without one", async () => {
    const recent = await createUser();
    await makeRed(recent.id, 10);
    const res = await requestDeletion(recent);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "You can not request data deletion due to a recent ban" });
    expect(await rows(recent.id)).toEqual([]);

    const old = await createUser();
    await makeRed(old.id, 400);
    expect((await requestDeletion(old)).status).toBe(302);

    const noAudit = await createUser();
    await makeRed(noAudit.id, null);
    expect((await requestDeletion(noAudit)).status).toBe(302);

    // A red audit log of a user who is no longer red does not count.
    const cleared = await createUser();
    await makeRed(cleared.id, 5);
    await env.DB.prepare("UPDATE users SET trust_level = 2 WHERE id = ?").bind(cleared.id).run();
    expect((await requestDeletion(cleared)).status).toBe(302);
  });

  it("answers 401 without a valid user key", async () => {
    expect((await request("/deletion", { method: "POST" })).status).toBe(401);
    expect((await request("/deletion", { method: "POST", headers: bearer(crypto.randomUUID()) })).status).toBe(401);
    expect((await request("/deletion", { method: "DELETE" })).status).toBe(401);
    expect((await request("/deletion")).status).toBe(401);
    expect(await (await request("/deletion")).json()).toEqual(refused.user("missing"));
  });

  it("accepts the key as ?api_key and as Basic; the ?api_key redirect keeps the key so it can be followed", async () => {
    const a = await createUser();
    const viaQuery = await request(`/deletion?api_key=${a.apiKey}`, { method: "POST", redirect: "manual" });
    expect(viaQuery.status).toBe(302);
    expect(viaQuery.headers.get("Location")).toBe(`/deletion?api_key=${a.apiKey}`);
    const b = await createUser();
    const viaBasic = await request("/deletion", { method: "POST", redirect: "manual", headers: { Authorization: `Basic ${btoa(b.apiKey)}` } });
    expect(viaBasic.status).toBe(302);
    expect(viaBasic.headers.get("Location")).toBe("/deletion");
  });

  it("a client that follows the redirect lands on the request's JSON", async () => {
    const u = await createUser();
    const followed = await request(`/deletion?api_key=${u.apiKey}`, { method: "POST" });
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as any).deletion_request).toMatchObject({ user_id: u.id, status: "pending" });
  });
});

describe("while a deletion is active", () => {
  it("heartbeat ingest answers 403, and works again once the request is cancelled", async () => {
    const u = await createUser();
    const now = Math.floor(Date.now() / 1000);
    expect((await postBulk(u.apiKey, [cliHeartbeat(now - 60)])).status).toBe(201);
    await requestDeletion(u);
    const refused = await postBulk(u.apiKey, [cliHeartbeat(now - 30)]);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Account pending deletion" });
    const single = await request("/api/hackatime/v1/users/current/heartbeats", { method: "POST", headers: jsonHeaders(u.apiKey), body: JSON.stringify(cliHeartbeat(now - 20)) });
    expect(single.status).toBe(403);

    expect((await cancelDeletion(u)).status).toBe(302);
    expect((await postBulk(u.apiKey, [cliHeartbeat(now - 10)])).status).toBe(201);
  });
});

describe("DELETE /deletion", () => {
  it("cancels a pending request: status cancelled with cancelled_at, shown by GET /deletion", async () => {
    const u = await createUser();
    await requestDeletion(u);
    const res = await cancelDeletion(u);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/deletion");
    const body = (await res.json()) as any;
    expect(body.deletion_request).toMatchObject({ status: "cancelled", can_be_cancelled: false });
    expect(body.deletion_request.cancelled_at).toMatch(/Z$/);
    const [row] = await rows(u.id);
    expect(row.status).toBe("cancelled");
    expect(row.cancelled_at).toBe(body.deletion_request.cancelled_at);
    expect(((await (await showDeletion(u)).json()) as any).deletion_request.status).toBe("cancelled");

    // Nothing left to cancel; a new request may be made.
    const again = await cancelDeletion(u);
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: "No active deletion request" });
    expect((await requestDeletion(u)).status).toBe(302);
    expect(((await (await showDeletion(u)).json()) as any).deletion_request.status).toBe("pending");
  });

  it("cancels an approved request that is not yet due", async () => {
    const u = await createUser();
    await requestDeletion(u);
    await env.DB.prepare("UPDATE deletion_requests SET status = 'approved', scheduled_deletion_at = ? WHERE user_id = ?").bind(isoDaysAgo(-29.5), u.id).run();
    const shown = ((await (await showDeletion(u)).json()) as any).deletion_request;
    expect(shown).toMatchObject({ status: "approved", can_be_cancelled: true });
    expect(shown.days_until_deletion).toBeGreaterThanOrEqual(29);
    expect((await cancelDeletion(u)).status).toBe(302);
    expect((await rows(u.id))[0].status).toBe("cancelled");
  });

  it("refuses (422) once the approved request is due: the deletion may be under way", async () => {
    const u = await createUser();
    await requestDeletion(u);
    await env.DB.prepare("UPDATE deletion_requests SET status = 'approved', scheduled_deletion_at = ? WHERE user_id = ?").bind(isoDaysAgo(1), u.id).run();
    expect(((await (await showDeletion(u)).json()) as any).deletion_request).toMatchObject({ can_be_cancelled: false, days_until_deletion: 0 });
    const res = await cancelDeletion(u);
    expect(res.status).toBe(422);
    expect((await rows(u.id))[0].status).toBe("approved");
  });

  it("answers 404 when the user never asked", async () => {
    const u = await createUser();
    expect((await cancelDeletion(u)).status).toBe(404);
    const shown = await showDeletion(u);
    expect(shown.status).toBe(404);
    expect(await shown.json()).toEqual({ error: "No deletion request" });
  });
});
