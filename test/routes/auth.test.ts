import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, request, type TestUser } from "../helpers";

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
    expect((await get({ Authorization: `Bearer ${user.apiKey}` })).status).toBe(200);
    expect((await get({ Authorization: `bearer ${user.apiKey}` })).status).toBe(200);
  });

  it("accepts ?api_key=<key>", async () => {
    expect((await get({}, `?api_key=${user.apiKey}`)).status).toBe(200);
  });

  it.each([
    ["no credential", {}, ""],
    ["an unknown key", { Authorization: `Bearer ${crypto.randomUUID()}` }, ""],
    ["an upper-cased key", { Authorization: "Bearer KEY" }, ""],
    ["invalid base64", { Authorization: "Basic %%%not-base64" }, ""],
    ["an empty Bearer, even with a valid ?api_key", { Authorization: "Bearer" }, "?api_key=KEY"],
    ["a waka_-prefixed key", { Authorization: "Bearer waka_KEY" }, ""],
  ])("refuses %s with 401 {error: Unauthorized}", async (_name, headers, query) => {
    const fill = (s: string) => s.replace("KEY", _name === "an upper-cased key" ? user.apiKey.toUpperCase() : user.apiKey);
    const res = await get(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, fill(v as string)])), fill(query));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
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
