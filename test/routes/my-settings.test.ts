import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { USER_API_KEY_PATTERN, newUserApiKey, sha256Hex } from "../../src/lib/crypto";
import { cliHeartbeat, createUser, postBulk, request, statusBar, refused, bearer } from "../helpers";

const rotate = (headers: Record<string, string> = {}, query = "") => request(`/my/settings/rotate_api_key${query}`, { method: "POST", headers });

async function keyHashes(userId: number): Promise<string[]> {
  return (await env.DB.prepare("SELECT token_hash FROM api_keys WHERE user_id = ? ORDER BY id").bind(userId).all<{ token_hash: string }>()).results.map((r) => r.token_hash);
}

describe("POST /my/settings/rotate_api_key", () => {
  it("answers 401 with the reason without a key or with an unknown key", async () => {
    for (const [res, why] of [
      [await rotate(), "missing"],
      [await rotate(bearer(newUserApiKey())), "unknown_key"],
      [await rotate({}, `?api_key=${newUserApiKey()}`), "unknown_key"],
    ] as const) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(refused.user(why));
    }
  });

  it("returns a new lowercase UUID v4 and stores only its hash, replacing every key of the user", async () => {
    const u = await createUser();
    const other = await createUser();
    // A second key of the same user goes too.
    await env.DB.prepare("INSERT INTO api_keys (user_id, name, token_hash) VALUES (?, 'second', ?)").bind(u.id, await sha256Hex(newUserApiKey())).run();
    expect(await keyHashes(u.id)).toHaveLength(2);
    const otherBefore = await keyHashes(other.id);

    const res = await rotate(bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { token: string };
    expect(Object.keys(body)).toEqual(["token"]);
    expect(body.token).toMatch(USER_API_KEY_PATTERN);
    expect(body.token).not.toBe(u.apiKey);

    expect(await keyHashes(u.id)).toEqual([await sha256Hex(body.token)]);
    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE user_id = ?").bind(u.id).first<Record<string, unknown>>();
    expect(Object.values(stored!)).not.toContain(body.token);
    expect(await keyHashes(other.id)).toEqual(otherBefore);
  });

  it("the old key gets 401 immediately on the status bar and on heartbeats.bulk; the new key works", async () => {
    const u = await createUser();
    expect((await statusBar(u.apiKey)).res.status).toBe(200);
    const { token } = (await (await rotate(bearer(u.apiKey))).json()) as { token: string };

    const oldStatus = await statusBar(u.apiKey);
    expect(oldStatus.res.status).toBe(401);
    expect(oldStatus.body).toEqual(refused.user("revoked_key"));
    const now = Math.floor(Date.now() / 1000);
    expect((await postBulk(u.apiKey, [cliHeartbeat(now - 60)])).status).toBe(401);
    expect((await rotate(bearer(u.apiKey))).status).toBe(401);

    expect((await statusBar(token)).res.status).toBe(200);
    const bulk = await postBulk(token, [cliHeartbeat(now - 60), cliHeartbeat(now - 30)]);
    expect(bulk.status).toBe(201);
    const { responses } = (await bulk.json()) as { responses: Array<[unknown, number]> };
    expect(responses.map(([, status]) => status)).toEqual([201, 201]);
    // 30 s between the two heartbeats, credited to today (unless midnight UTC fell between them).
    if (now % 86_400 > 120) expect((await statusBar(token)).body.data.grand_total.total_seconds).toBe(30);
  });

  it("accepts the key as ?api_key=, and the rotated key can rotate again", async () => {
    const u = await createUser();
    const first = await rotate({}, `?api_key=${u.apiKey}`);
    expect(first.status).toBe(200);
    const { token } = (await first.json()) as { token: string };
    const second = await rotate(bearer(token));
    expect(second.status).toBe(200);
    const { token: again } = (await second.json()) as { token: string };
    expect(again).not.toBe(token);
    expect(await keyHashes(u.id)).toEqual([await sha256Hex(again)]);
    expect((await statusBar(token)).res.status).toBe(401);
  });
});
