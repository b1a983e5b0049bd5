// User keys verified by the user's UserActivity object (docs/edge-auth.md): routed keys, the
// main database out of the hot path, and every revocation path reaching the object at once.
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { userActivity } from "../../src/durable/stub";
import { runDueDeletions } from "../../src/cron/deletions";
import { sha256Hex, USER_API_KEY_PATTERN } from "../../src/lib/crypto";
import { countingD1 } from "../../src/lib/statement-count";
import { MAX_ROUTE, routedUuid, routeOf } from "../../src/lib/routed-uuid";
import { bearer, call, cliHeaders, cliHeartbeat, createUser, postBulk, request, statusBar } from "../helpers";
import { signedIn } from "../web/helpers";

type WithEnv = { env: Env };

/**
 * Runs `fn` with the main database replaced, in the Worker and in the user's object, by one
 * that counts statements (and refuses them when `down`); the requests go through the Worker's
 * fetch with that env.
 */
async function withMainDb<T>(userId: number, down: boolean, fn: (fetch: (path: string, init?: RequestInit) => Promise<Response>) => Promise<T>) {
  const { db, statements } = countingD1(env.DB, { unavailable: down });
  const stub = userActivity(env, userId);
  let saved: Env | undefined;
  await runInDurableObject(stub, (instance) => {
    const o = instance as unknown as WithEnv;
    saved = o.env;
    o.env = { ...o.env, DB: db };
  });
  const fetch = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`http://tally.test${path}`, init), { ...env, DB: db }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  try {
    return { result: await fn(fetch), statements: statements() };
  } finally {
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as WithEnv).env = saved!;
    });
  }
}

const STATUS_BAR = "/api/hackatime/v1/users/current/statusbar/today";
const BULK = "/api/hackatime/v1/users/current/heartbeats.bulk";
const now = () => Math.floor(Date.now() / 1000);
const bulkBody = (n: number, from = now() - 3600) => JSON.stringify(Array.from({ length: n }, (_, i) => cliHeartbeat(from + i * 30, { entity: `/src/f${i % 7}.ts` })));

describe("routed keys", () => {
  it("are lowercase UUID v4 keys that carry their user's id; random UUIDs rarely read as routed", async () => {
    const u = await createUser();
    expect(u.apiKey).toMatch(USER_API_KEY_PATTERN);
    expect(await routeOf(u.apiKey)).toBe(u.id);
    for (const id of [1, 2, 255, 256, 65_537, MAX_ROUTE]) {
      const key = await routedUuid(id);
      expect(key).toMatch(USER_API_KEY_PATTERN);
      expect(await routeOf(key)).toBe(id);
    }
    // Beyond 24 bits: a plain random key (D1 places it once per isolate).
    expect(await routedUuid(MAX_ROUTE + 1)).toMatch(USER_API_KEY_PATTERN);
    // Two keys of one user share no more than chance: 90 random bits each.
    const keys = await Promise.all(Array.from({ length: 200 }, () => routedUuid(42)));
    expect(new Set(keys).size).toBe(200);
    expect(new Set(keys.map((k) => k.slice(-8))).size).toBeGreaterThan(190); // the route is masked
    let routed = 0;
    for (let i = 0; i < 2000; i++) if ((await routeOf(crypto.randomUUID())) !== null) routed++;
    expect(routed).toBeLessThan(30); // 1/256 expected: ≈ 8
  });

  it("a key forged for another user's id is refused as unknown, with the same answer as any unknown key", async () => {
    const victim = await createUser();
    expect((await statusBar(victim.apiKey)).res.status).toBe(200);
    const forged = await routedUuid(victim.id);
    const a = await statusBar(forged);
    const b = await statusBar(crypto.randomUUID());
    const c = await statusBar(await routedUuid(MAX_ROUTE - 7)); // nobody's id
    expect(a.res.status).toBe(401);
    expect(a.body).toEqual(b.body);
    expect(c.body).toEqual(b.body);
  });
});

describe("the hot path without the main database", () => {
  it("a status-bar poll and heartbeat posts make no main-database statement for a known key", async () => {
    const u = await createUser();
    // Warm-up: the object reads the user's credentials and shard once.
    expect((await postBulk(u.apiKey, bulkBody(5))).status).toBe(201);
    expect((await statusBar(u.apiKey)).res.status).toBe(200);

    const counted = await withMainDb(u.id, false, async (fetch) => {
      const poll = await fetch(STATUS_BAR, { headers: cliHeaders(u.apiKey) });
      const bulk = await fetch(BULK, { method: "POST", headers: cliHeaders(u.apiKey), body: bulkBody(100, now() - 1800) });
      return [poll.status, bulk.status];
    });
    expect(counted.result).toEqual([200, 201]);
    expect(counted.statements).toBe(0);

    const down = await withMainDb(u.id, true, async (fetch) => {
      const poll = await fetch(STATUS_BAR, { headers: cliHeaders(u.apiKey) });
      const single = await fetch("/api/hackatime/v1/users/current/heartbeats", { method: "POST", headers: cliHeaders(u.apiKey), body: JSON.stringify(cliHeartbeat(now() - 10)) });
      const body = (await poll.json()) as { data: { grand_total: { total_seconds: number } } };
      return { poll: poll.status, single: single.status, total: body.data.grand_total.total_seconds };
    });
    expect(down.result.poll).toBe(200);
    expect(down.result.single).toBe(202);
    expect(down.result.total).toBeGreaterThan(0);
  });

  it("a key issued before routing is placed by D1 once, then verified by its object alone", async () => {
    const u = await createUser();
    let legacy = crypto.randomUUID();
    while ((await routeOf(legacy)) !== null) legacy = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO api_keys (user_id, name, token_hash) VALUES (?, 'old', ?)").bind(u.id, await sha256Hex(legacy)).run();
    const first = await withMainDb(u.id, false, async (fetch) => (await fetch(STATUS_BAR, { headers: cliHeaders(legacy) })).status);
    expect(first.result).toBe(200);
    expect(first.statements).toBeGreaterThan(0);
    const next = await withMainDb(u.id, true, async (fetch) => (await fetch(STATUS_BAR, { headers: cliHeaders(legacy) })).status);
    expect(next.result).toBe(200);
    expect(next.statements).toBe(0);
  });

  it("refuses an unknown key as before while the main database is up (it is asked only then)", async () => {
    const u = await createUser();
    const r = await withMainDb(u.id, false, async (fetch) => (await fetch(STATUS_BAR, { headers: cliHeaders(crypto.randomUUID()) })).status);
    expect(r.result).toBe(401);
  });
});

describe("revocation reaches the object before the call answers", () => {
  const poll = async (key: string) => (await statusBar(key)).res.status;

  it("key rotation through the API: the old key is refused on the very next poll", async () => {
    const u = await createUser();
    expect(await poll(u.apiKey)).toBe(200);
    const { status, body } = await call("POST", "/my/settings/rotate_api_key", bearer(u.apiKey));
    expect(status).toBe(200);
    expect(await poll(u.apiKey)).toBe(401);
    expect((await statusBar(u.apiKey)).body.error).toMatch(/revoked/);
    const token = (body as { token: string }).token;
    expect(await routeOf(token)).toBe(u.id);
    expect(await poll(token)).toBe(200);
  });

  it("key rotation in the web app: the old key is refused on the very next poll", async () => {
    const u = await createUser();
    expect(await poll(u.apiKey)).toBe(200);
    const browser = await signedIn(u.apiKey);
    const res = await browser.post("/settings/key/rotate", { _csrf: await browser.csrf() });
    expect(res.status).toBe(200);
    const key = /<code id="new-key" class="mono">([0-9a-f-]{36})<\/code>/.exec(await res.text())![1];
    expect(await poll(u.apiKey)).toBe(401);
    expect(await poll(key)).toBe(200);
  });

  it("/api/internal/revoke: the leaked key is refused on the very next poll", async () => {
    const u = await createUser({ email: `edge${Date.now()}@example.com` });
    expect(await poll(u.apiKey)).toBe(200);
    const res = await request("/api/internal/revoke", { method: "POST", headers: { ...bearer("test-revocation-key"), "Content-Type": "application/json" }, body: JSON.stringify({ token: u.apiKey }) });
    expect(res.status).toBe(200);
    expect(await poll(u.apiKey)).toBe(401);
  });

  it("account deletion: a request refuses the next heartbeat post and restricted routes; the erasure refuses the key", async () => {
    const u = await createUser();
    expect((await postBulk(u.apiKey, bulkBody(2))).status).toBe(201);
    expect((await request("/api/v1/authenticated/hours", { headers: bearer(u.apiKey) })).status).toBe(200);
    expect((await call("POST", "/deletion", bearer(u.apiKey), {})).status).toBeLessThan(400);
    expect((await postBulk(u.apiKey, bulkBody(2))).status).toBe(403);
    expect((await request("/api/v1/authenticated/hours", { headers: bearer(u.apiKey) })).status).toBe(401);
    // Approved and due: the cron erases the account; the key is unknown from then on.
    await env.DB.prepare("UPDATE deletion_requests SET status = 'approved', scheduled_deletion_at = ? WHERE user_id = ?").bind(new Date(Date.now() - 1000).toISOString(), u.id).run();
    const run = await runDueDeletions(env, Date.now(), { maxUsers: 100, maxHeartbeatRows: 1_000_000, batchSize: 1000 });
    expect(run.failed).toEqual([]);
    expect(await poll(u.apiKey)).toBe(401);
  });

  it("red trust (convict): the user is restricted from the very next request", async () => {
    const boss = await createUser({ adminLevel: "superadmin" });
    const u = await createUser();
    expect((await request("/api/v1/authenticated/hours", { headers: bearer(u.apiKey) })).status).toBe(200);
    const res = await call("POST", "/api/admin/v1/user/convict", bearer(boss.adminApiKey), { user_id: u.id, trust_level: "red", reason: "spam" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const next = await request("/api/v1/authenticated/hours", { headers: bearer(u.apiKey) });
    expect(next.status).toBe(401);
    expect(((await next.json()) as { error: string }).error).toMatch(/restricted/);
  });

  it("goals and settings: the status bar shows a new daily goal on the next poll", async () => {
    const u = await createUser();
    expect((await statusBar(u.apiKey)).body.data.goal).toBeUndefined();
    const created = await call("POST", "/api/hackatime/v1/users/current/goals", bearer(u.apiKey), { delta: "day", seconds: 3600 });
    expect(created.status).toBe(201);
    expect((await statusBar(u.apiKey)).body.data.goal).toBeDefined();
  });
});
