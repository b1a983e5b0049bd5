import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ALL_TIME } from "../../src/db/shard-moves";
import { shardAt } from "../../src/db/shards";
import { ALL_KEY } from "../../src/domain/durations/dimensions";
import { referenceAllUsersTotal, referenceDurations } from "../../src/domain/durations/reference";
import { moveUser } from "../../src/domain/shards/move";
import { userActivity } from "../../src/durable/stub";
import { SHARD_MOVE } from "../../src/queues/shard-moves";
import { bearer, call, cliHeartbeat, createUser, deliver, getJson, postBulk, send, type TestUser } from "../helpers";

/** Hackatime's rule by hand: sorted times, each adds min(gap, 120 s), the first adds 0. */
const cappedTotal = (times: number[]) => {
  const s = [...new Set(times)].sort((a, b) => a - b);
  let total = 0;
  for (let i = 1; i < s.length; i++) total += Math.min(s[i] - s[i - 1], 120);
  return total;
};

const rowsIn = async (shard: number, u: TestUser) =>
  (await shardAt(env, shard).db.prepare("SELECT id FROM heartbeats WHERE user_id = ? ORDER BY id").bind(u.id).all<{ id: number }>()).results.map((r) => r.id);

const userShard = async (u: TestUser) => (await env.DB.prepare("SELECT shard, stale_shard FROM users WHERE id = ?").bind(u.id).first<{ shard: number; stale_shard: number | null }>())!;

const projectionTotal = async (u: TestUser) => {
  // The projection plans ranges in calendar days: all of time up to tomorrow.
  const [all] = await userActivity(env, u.id).rangeTotals(u.id, "UTC", 0, Math.floor(Date.now() / 1000) + DAY, [{ dim: "all", key: ALL_KEY }]);
  return Math.round(all.micros / 1e6);
};

const DAY = 86_400;

describe("moving a user between shards", () => {
  it("loses and doubles nothing while the user keeps posting, and keeps every heartbeat id", async () => {
    const u = await createUser();
    const to = 1 - u.shard;
    const base = Math.floor(Date.now() / 1000) - 3 * DAY;
    const history = Array.from({ length: 300 }, (_, i) => cliHeartbeat(base + i * 37, { project: `p${i % 3}` }));
    await send(u, history);
    const idsBefore = await rowsIn(u.shard, u);

    // A client posts new heartbeats (each batch with one duplicate of the history, and some
    // out of order) while the move copies 20 rows a step.
    const live = Array.from({ length: 200 }, (_, i) => cliHeartbeat(base + DAY + ((i * 7919) % 200) * 53 + 7, { project: "live" }));
    const client = (async () => {
      for (let i = 0; i < live.length; i += 5) expect((await postBulk(u.apiKey, [...live.slice(i, i + 5), history[i]])).status).toBe(201);
    })();
    const report = await moveUser(env, u.id, to, { pageSize: 20 });
    await client;

    expect(report).toMatchObject({ user_id: u.id, from: u.shard, to });
    expect(report.copy_steps).toBeGreaterThanOrEqual(15);
    expect(await userShard(u)).toEqual({ shard: to, stale_shard: null });
    expect(await rowsIn(u.shard, u)).toEqual([]); // the old shard's rows are gone
    const idsAfter = await rowsIn(to, u);
    expect(idsAfter).toHaveLength(500); // 300 + 200, the duplicates once
    expect(idsAfter).toEqual(expect.arrayContaining(idsBefore)); // same ids

    const expected = cappedTotal([...history, ...live].map((h) => h.time as number));
    expect((await referenceDurations(shardAt(env, to).db, u.id, ALL_TIME)).get(null)).toBe(expected);
    expect(await projectionTotal(u)).toBe(expected);
    // The projection rebuilt from the new shard agrees, and new posts land there.
    await userActivity(env, u.id).rebuild(u.id, "UTC");
    expect(await projectionTotal(u)).toBe(expected);
    await postBulk(u.apiKey, [cliHeartbeat(base + 2 * DAY)]);
    expect(await rowsIn(to, u)).toHaveLength(501);
    expect(await rowsIn(u.shard, u)).toEqual([]);
  }, 120_000);

  it("moves a user back and forth; soft-deleted rows travel too", async () => {
    const u = await createUser();
    const base = Math.floor(Date.now() / 1000) - DAY;
    await send(u, Array.from({ length: 50 }, (_, i) => cliHeartbeat(base + i * 30)));
    await shardAt(env, u.shard).db.prepare("UPDATE heartbeats SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE user_id = ? AND time < ?").bind(u.id, base + 300).run();
    const there = await moveUser(env, u.id, 1 - u.shard, { pageSize: 7 });
    expect(there).toMatchObject({ heartbeats: 50, live: 40 });
    const back = await moveUser(env, u.id, u.shard);
    expect(back).toMatchObject({ from: 1 - u.shard, to: u.shard, heartbeats: 50, live: 40, total_seconds: 39 * 30 });
  });

  it("leaves a partial copy out of the all-users total while the move is under way", async () => {
    const u = await createUser();
    const base = Math.floor(Date.now() / 1000) - DAY;
    await send(u, Array.from({ length: 40 }, (_, i) => cliHeartbeat(base + i * 60)));
    const range = { start: base - 10, end: base + 3600 };
    const before = await referenceAllUsersTotal(env, range);
    const stub = userActivity(env, u.id);
    await env.DB.prepare("UPDATE users SET stale_shard = ? WHERE id = ?").bind(1 - u.shard, u.id).run();
    await stub.beginMove(u.id, "UTC", 1 - u.shard);
    await stub.copyStep(u.id, "UTC", 25);
    expect(await rowsIn(1 - u.shard, u)).toHaveLength(25);
    expect(await referenceAllUsersTotal(env, range)).toBe(before);
    // Finishing it from here (as a retried queue message would) completes the move.
    expect(await moveUser(env, u.id, 1 - u.shard)).toMatchObject({ heartbeats: 40, live: 40 });
    expect(await referenceAllUsersTotal(env, range)).toBe(before);
  });

  it("refuses a move to the user's own shard, to a shard that does not exist, and of nobody", async () => {
    const u = await createUser();
    await expect(moveUser(env, u.id, u.shard)).rejects.toMatchObject({ code: "conflict" });
    await expect(moveUser(env, u.id, 9)).rejects.toMatchObject({ code: "invalid_parameter" });
    await expect(moveUser(env, 987_654_321, 0)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("POST /api/admin/v1/shards/move", () => {
  it("queues the move for a superadmin; GET /api/admin/v1/shards follows it to the end", async () => {
    const admin = await createUser({ adminLevel: "superadmin" });
    const u = await createUser();
    await send(u, [cliHeartbeat(Math.floor(Date.now() / 1000) - 600), cliHeartbeat(Math.floor(Date.now() / 1000) - 540)]);
    const to = 1 - u.shard;
    const queued = await call("POST", "/api/admin/v1/shards/move", bearer(admin.adminApiKey!), { user_id: u.id, to });
    expect(queued).toEqual({ status: 202, body: { user_id: u.id, from: u.shard, to } });
    const during = await getJson(`/api/admin/v1/shards?user_id=${u.id}`, bearer(admin.adminApiKey!));
    expect(during.status).toBe(200);
    expect(during.body.shards.map((s: { index: number }) => s.index)).toEqual([0, 1]);
    // Under way, unless the local queue already delivered it.
    if (during.body.user.stale_shard !== null) expect(during.body.moving).toContainEqual({ user_id: u.id, shard: u.shard, stale_shard: to });

    await deliver([{ kind: SHARD_MOVE, user_id: u.id, to }]);
    const after = await getJson(`/api/admin/v1/shards?user_id=${u.id}`, bearer(admin.adminApiKey!));
    expect(after.body.user).toEqual({ id: u.id, shard: to, stale_shard: null });
    expect(after.body.moving.map((m: { user_id: number }) => m.user_id)).not.toContain(u.id);
    expect(await rowsIn(to, u)).toHaveLength(2);
  });

  it("answers 409 for the user's own shard, 422 for no such shard, 404 for nobody, and only to a superadmin", async () => {
    const admin = await createUser({ adminLevel: "superadmin" });
    const lesser = await createUser({ adminLevel: "admin" });
    const u = await createUser();
    const post = (key: string, body: unknown) => call("POST", "/api/admin/v1/shards/move", bearer(key), body);
    expect((await post(admin.adminApiKey!, { user_id: u.id, to: u.shard })).status).toBe(409);
    expect((await post(admin.adminApiKey!, { user_id: u.id, to: 7 })).status).toBe(422);
    expect((await post(admin.adminApiKey!, { user_id: 987_654_321, to: 0 })).status).toBe(404);
    expect((await post(admin.adminApiKey!, { user_id: u.id })).status).toBe(422);
    expect([401, 403, 404]).toContain((await post(lesser.adminApiKey!, { user_id: u.id, to: 1 - u.shard })).status);
    expect(await userShard(u)).toEqual({ shard: u.shard, stale_shard: null });
  });
});
