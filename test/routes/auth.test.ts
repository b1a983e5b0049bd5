import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, request, type TestUser, bearer } from "../helpers";

const STATUSBAR = "/api/hackatime/v1/users/current/statusbar/today";

describe("user API key authentication", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser();
  });

  const get = (headers: Record<string, string> = {}, query = "") => request(`${STATUSBAR}${query}`, { headers });

  it("accepts Authorization: Basic base64(key), as wakatime-cli sends it", async () => {
    expect((await get({ Authorization: `Basic ${btoa(user.apiKey)}` })).status).toBe(200);
  });

  it("accepts Basic base64(key:) too", async () => {
    expect((await get({ Authorization: `Basic ${btoa(`${user.apiKey}:`)}` })).status).toBe(200);
  });

  it("accepts Bearer <key> (scheme case-insensitive)", async () => {
    expect((await get(bearer(user.apiKey))).status).toBe(200);
    expect((await get({ Authorization: `bearer ${user.apiKey}` })).status).toBe(200);
  });

  it("accepts ?api_key=<key>", async () => {
    expect((await get({}, `?api_key=${user.apiKey}`)).status).toBe(200);
  });

  // The texts a person reads; every other test compares against the same table (helpers.refused).
  const NO_KEY = "Unauthorized: no API key. Send it as 'Authorization: Bearer <key>', 'Authorization: Basic <base64 of key>' or ?api_key=<key>";
  const BAD_HEADER = "Unauthorized: malformed Authorization header. Expected 'Bearer <key>' or 'Basic <base64 of key>'";
  const BAD_KEY = "Unauthorized: malformed API key. Expected a lowercase UUID like the api_key in ~/.wakatime.cfg";
  const UNKNOWN = "Unauthorized: unknown API key";
  const REVOKED = "Unauthorized: this API key was revoked. Use the account's current key";

  it.each([
    ["no credential", {}, "", NO_KEY],
    ["an unknown key", bearer(crypto.randomUUID()), "", UNKNOWN],
    ["an unknown key as ?api_key", {}, `?api_key=${crypto.randomUUID()}`, UNKNOWN],
    ["an upper-cased key", { Authorization: "Bearer KEY" }, "", BAD_KEY],
    ["invalid base64", { Authorization: "Basic %%%not-base64" }, "", BAD_HEADER],
    ["an empty Bearer, even with a valid ?api_key", { Authorization: "Bearer" }, "?api_key=KEY", BAD_HEADER],
    ["an unknown scheme", { Authorization: "Digest KEY" }, "", BAD_HEADER],
    ["a waka_-prefixed key", { Authorization: "Bearer waka_KEY" }, "", BAD_KEY],
  ])("refuses %s with 401 and says why", async (_name, headers, query, message) => {
    const fill = (s: string) => s.replace("KEY", _name === "an upper-cased key" ? user.apiKey.toUpperCase() : user.apiKey);
    const res = await get(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, fill(v as string)])), fill(query));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: message });
  });

  it("tells a rotated key from an unknown one, and never names the user", async () => {
    const u = await createUser();
    const rotated = await request("/my/settings/rotate_api_key", { method: "POST", headers: bearer(u.apiKey) });
    expect(rotated.status).toBe(200);
    const res = await get({ Authorization: `Basic ${btoa(u.apiKey)}` });
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: REVOKED });
    expect(body).not.toContain(u.username);
  });

  it("says revoked for a key the internal revoker retired", async () => {
    const u = await createUser();
    const revoke = await request("/api/internal/revoke", {
      method: "POST",
      headers: { Authorization: "Bearer test-revocation-key", "Content-Type": "application/json" },
      body: JSON.stringify({ token: u.apiKey }),
    });
    expect(revoke.status).toBe(200);
    expect(await (await get(bearer(u.apiKey))).json()).toEqual({ error: REVOKED });
  });

  it("never stores the plain key, only its SHA-256 hash", async () => {
    const rows = await env.DB.prepare("SELECT token_hash FROM api_keys WHERE user_id = ?").bind(user.id).all<{ token_hash: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.results[0].token_hash).not.toContain(user.apiKey);
  });

  it("issues lowercase UUID v4 keys (the only format wakatime-cli accepts)", () => {
    expect(user.apiKey).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/);
  });
});
