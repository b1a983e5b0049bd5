import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { CLAIMED_COUNT_SQL, CLAIMED_LIST_SQL, CLAIM_UPDATE_SQL } from "../../src/db/ysws";
import { YSWS_PROGRAMS } from "../../src/domain/ysws";
import { cliHeartbeat, createUser, request, uniqueName, type TestUser, refused, send, bearer, queryPlan } from "../helpers";

const STATS = { Authorization: "Bearer test-stats-key" };
const claim = async (body: unknown, headers: Record<string, string> = STATS, query = "") => {
  const res = await request(`/api/v1/ysws_programs/claim${query}`, { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

async function programs(userId: number): Promise<Array<[number, string | null, number]>> {
  const { results } = await env.DB.prepare("SELECT time, project, ysws_program FROM heartbeats WHERE user_id = ? ORDER BY time").bind(userId).all<any>();
  return results.map((r) => [r.time, r.project, r.ysws_program]);
}

const iso = (t: number) => new Date(t * 1000).toISOString();
// 2025-03-10T10:00:00Z
const T = Date.UTC(2025, 2, 10, 10) / 1000;

describe("GET /api/v1/ysws_programs", () => {
  it("lists Hackatime's 59 program names in enum order, without authentication", async () => {
    const res = await request("/api/v1/ysws_programs");
    expect(res.status).toBe(200);
    const body = (await res.json()) as string[];
    expect(body).toHaveLength(59);
    expect(body.slice(0, 5)).toEqual(["nothing", "high_seas", "arcade", "juice", "onboard"]);
    expect(body[12]).toBe("scrapyard");
    expect(body[51]).toBe("shipwrecked");
    expect(body.at(-1)).toBe("neighborhood");
    expect(body).toEqual([...YSWS_PROGRAMS]);
  });
});

describe("POST /api/v1/ysws_programs/claim", () => {
  let u: TestUser;
  let slackUid: string;
  beforeAll(async () => {
    slackUid = uniqueName("U");
    u = await createUser({ slackUid });
    // app at T+0…T+240 (5), other at T+300, T+360; one more app beat a day later.
    await send(u, [
      ...[0, 60, 120, 180, 240].map((d) => cliHeartbeat(T + d)),
      cliHeartbeat(T + 300, { project: "other" }),
      cliHeartbeat(T + 360, { project: "other" }),
      cliHeartbeat(T + 86_400),
    ]);
  });

  it("answers 401 without the stats key, with a wrong one or with a user key", async () => {
    const body = { program_id: 2, user_id: String(u.id), start_time: iso(T), end_time: iso(T + 1) };
    expect(await claim(body, {})).toEqual({ status: 401, body: refused.stats("missing") });
    expect((await claim(body, { Authorization: "Bearer nope" })).status).toBe(401);
    expect((await claim(body, bearer(u.apiKey))).status).toBe(401);
    expect((await claim(body, {}, "?api_key=nope")).status).toBe(401);
  });

  it("answers 400 naming the missing parameters, in Hackatime's order", async () => {
    expect(await claim({})).toEqual({ status: 400, body: { error: "Missing required parameters: start_time, end_time, user_id, program_id" } });
    expect(await claim({ program_id: 2, user_id: "", start_time: iso(T), end_time: " " })).toEqual({ status: 400, body: { error: "Missing required parameters: end_time, user_id" } });
    expect(await claim({ program_id: null, user_id: u.id, start_time: iso(T), end_time: iso(T) })).toEqual({ status: 400, body: { error: "Missing required parameters: program_id" } });
  });

  it("answers 400 Invalid program_id value for anything outside 0–58", async () => {
    for (const program_id of [59, -1, 1.5, "abc", "99", true]) {
      expect(await claim({ program_id, user_id: u.id, start_time: iso(T), end_time: iso(T + 10) }), String(program_id)).toEqual({ status: 400, body: { error: "Invalid program_id value" } });
    }
    expect(await claim({ program_id: 2, user_id: u.id, start_time: "soon", end_time: iso(T) })).toEqual({ status: 400, body: { error: "Invalid start_time value" } });
  });

  it("claims the live heartbeats in the inclusive range (and project), then refuses overlapping claims with 409", async () => {
    // Soft-deleted rows are not claimed.
    await env.DB.prepare("UPDATE heartbeats SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE user_id = ? AND time = ?").bind(u.id, T + 240).run();

    const first = await claim({ program_id: 2, user_id: String(u.id), start_time: iso(T + 60), end_time: iso(T + 300), project: "app" });
    expect(first).toEqual({ status: 200, body: { message: "Successfully claimed 3 heartbeats", claimed_count: 3 } });
    expect(await programs(u.id)).toEqual([
      [T, "app", 0],
      [T + 60, "app", 2],
      [T + 120, "app", 2],
      [T + 180, "app", 2],
      [T + 240, "app", 0],
      [T + 300, "other", 0],
      [T + 360, "other", 0],
      [T + 86_400, "app", 0],
    ]);

    // By Slack UID, no project: the range holds three arcade heartbeats → 409, nothing changes.
    const ids = (await env.DB.prepare("SELECT id FROM heartbeats WHERE user_id = ? AND ysws_program = 2 ORDER BY id").bind(u.id).all<{ id: number }>()).results.map((r) => r.id);
    const conflict = await claim({ program_id: 4, user_id: slackUid, start_time: iso(T), end_time: iso(T + 360) });
    expect(conflict).toEqual({
      status: 409,
      body: { error: "Some heartbeats are already claimed", conflicts: ids.map((id) => [id, "arcade"]), conflict_count: 3 },
    });
    expect((await programs(u.id)).map((r) => r[2])).toEqual([0, 2, 2, 2, 0, 0, 0, 0]);

    // Form-encoded, by Slack UID, both ends inclusive: the two "other" heartbeats.
    const res = await request("/api/v1/ysws_programs/claim", {
      method: "POST",
      headers: { ...STATS, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ program_id: "4", user_id: slackUid, start_time: iso(T + 300), end_time: iso(T + 360) }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Successfully claimed 2 heartbeats", claimed_count: 2 });
    expect((await programs(u.id)).map((r) => r[2])).toEqual([0, 2, 2, 2, 0, 4, 4, 0]);
  });

  it("claims nothing for an unknown user, and accepts an admin key or ?api_key= with the legacy key", async () => {
    expect(await claim({ program_id: 1, user_id: uniqueName("nobody"), start_time: iso(T), end_time: iso(T + 86_400) })).toEqual({
      status: 200,
      body: { message: "Successfully claimed 0 heartbeats", claimed_count: 0 },
    });
    // A username is not a claim target (Hackatime looks up id, then Slack UID).
    expect((await claim({ program_id: 1, user_id: u.username, start_time: iso(T), end_time: iso(T + 86_400) })).body.claimed_count).toBe(0);
    const admin = await createUser({ adminLevel: "admin" });
    const byAdmin = await claim({ program_id: "juice", user_id: u.id, start_time: iso(T + 86_400), end_time: iso(T + 86_400) }, bearer(admin.adminApiKey));
    expect(byAdmin).toEqual({ status: 200, body: { message: "Successfully claimed 1 heartbeats", claimed_count: 1 } });
    expect((await programs(u.id)).at(-1)).toEqual([T + 86_400, "app", 3]);
    const byQuery = await claim({ program_id: 5, user_id: u.id, start_time: iso(T - 100), end_time: iso(T) }, {}, "?api_key=test-stats-key");
    expect(byQuery).toEqual({ status: 200, body: { message: "Successfully claimed 1 heartbeats", claimed_count: 1 } });
  });

  it("claims hundreds of heartbeats in one request and lists every conflict (bounded statements)", async () => {
    const v = await createUser();
    await send(v, Array.from({ length: 250 }, (_, i) => cliHeartbeat(T + i * 10, { project: "big" })));
    const window = { user_id: v.id, start_time: T, end_time: T + 2490 };
    expect(await claim({ program_id: 58, ...window })).toEqual({ status: 200, body: { message: "Successfully claimed 250 heartbeats", claimed_count: 250 } });
    const again = await claim({ program_id: 1, ...window });
    expect(again.status).toBe(409);
    expect(again.body.conflict_count).toBe(250);
    expect(again.body.conflicts).toHaveLength(250);
    expect(new Set(again.body.conflicts.map((c: [number, string]) => c[1]))).toEqual(new Set(["neighborhood"]));
  });
});

describe("query plans of the claim statements", () => {
  it("reads the user's time range through heartbeats_user_time, never a scan", async () => {
    for (const [sql, params] of [
      [CLAIMED_COUNT_SQL, [1, 0, 1, null]],
      [CLAIMED_LIST_SQL, [1, 0, 1, "p", 10]],
      [CLAIM_UPDATE_SQL, [1, 0, 1, null, 2]],
    ] as const) {
      const p = await queryPlan(sql, ...params);
      expect(p, sql).toMatch(/USING (COVERING )?INDEX heartbeats_user_time/);
      expect(p, sql).not.toMatch(/SCAN heartbeats/);
    }
  });
});
