import { describe, expect, it } from "vitest";
import { createUser, request, statusBar, bearer } from "../helpers";

const revoke = (token: unknown, key = "test-revocation-key") =>
  request("/api/internal/revoke", { method: "POST", headers: { ...bearer(key), "Content-Type": "application/json" }, body: JSON.stringify({ token }), redirect: "manual" });

describe("POST /api/internal/revoke", () => {
  it("revokes a user key: 200 with the owner's email, then the key gets 401 at once", async () => {
    const u = await createUser({ email: `leak${Date.now()}@example.com` });
    expect((await statusBar(u.apiKey)).res.status).toBe(200);
    const res = await revoke(u.apiKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, owner_email: expect.stringMatching(/^leak\d+@example\.com$/), key_name: "Hackatime key", token_type: "user_api_key" });
    expect((await statusBar(u.apiKey)).res.status).toBe(401);
    expect((await revoke(u.apiKey)).status).toBe(422);
  });

  it("revokes an admin key", async () => {
    const admin = await createUser({ adminLevel: "admin" });
    const check = () => request("/api/admin/v1/aggregates/rebuild", { method: "POST", headers: bearer(admin.adminApiKey) });
    expect((await check()).status).not.toBe(401);
    const res = await revoke(admin.adminApiKey);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { key_name: string }).key_name).toMatch(/^Initial admin key_revoked_[0-9a-f]{16}$/);
    expect((await check()).status).toBe(401);
  });

  it("answers 422 for unknown tokens and 400 without one", async () => {
    expect(await (await revoke(crypto.randomUUID())).json()).toEqual({ success: false, error: "Token is invalid or already revoked" });
    expect((await revoke("not-a-token")).status).toBe(422);
    expect((await revoke(undefined)).status).toBe(400);
  });

  it("redirects (302) a request with the wrong revocation key, revoking nothing", async () => {
    const u = await createUser();
    const res = await revoke(u.apiKey, "wrong");
    expect(res.status).toBe(302);
    expect((await statusBar(u.apiKey)).res.status).toBe(200);
  });
});
