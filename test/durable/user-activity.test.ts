// UserActivity, driven directly by RPC (no route in between): what it stores, the per-day and
// range totals its projection answers, and that those always equal the reference query
// (src/domain/durations/reference.ts, a window query over the raw heartbeats in D1) after
// duplicates, late and out-of-order heartbeats, a rebuild, and a time-zone change.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StoredHeartbeat } from "../../src/db/heartbeats";
import { ALL_KEY, GROUP_DIMENSIONS, decodeKey, encodeKey, microsToSeconds } from "../../src/domain/durations/dimensions";
import { referenceDurations } from "../../src/domain/durations/reference";
import { prepareHeartbeats, type NormalizedHeartbeat } from "../../src/domain/heartbeats/normalize";
import type { DayTotal, UserActivity } from "../../src/durable/user-activity";
import { userActivity } from "../../src/durable/stub";
import { addDays, localDate, localDayBounds } from "../../src/lib/time";
import { CLI_USER_AGENT, cliHeartbeat, createUser, rng, shuffle, type TestUser } from "../helpers";

const DAY = "2025-03-10";
const T = Date.UTC(2025, 2, 10, 10) / 1000; // 2025-03-10T10:00:00Z

/** Heartbeats as the ingest route hands them to the object: validated and normalised. */
async function normalized(u: TestUser, items: unknown[]): Promise<NormalizedHeartbeat[]> {
  const prepared = await prepareHeartbeats(items, { userId: u.id, userAgentHeader: CLI_USER_AGENT, machineHeader: "dev laptop", ipAddress: null }, async () => null);
  return prepared.map((p) => {
    if (!p.ok) throw new Error(`test heartbeat refused: ${p.error.error}`);
    return p.heartbeat;
  });
}

async function ingest(u: TestUser, tz: string, items: unknown[]): Promise<StoredHeartbeat[]> {
  // (The RPC stub's type cannot carry StoredHeartbeat's open Record part.)
  return (await userActivity(env, u.id).ingest(u.id, tz, await normalized(u, items))) as unknown as StoredHeartbeat[];
}

/** dayTotals as seconds: dimension → value → seconds (the chain keys decoded). */
function bySeconds(rows: DayTotal[]): Record<string, Map<string | null, number>> {
  const out: Record<string, Map<string | null, number>> = {};
  for (const r of rows) (out[r.dim] ??= new Map()).set(decodeKey(r.key), microsToSeconds(r.micros));
  return out;
}

/** The reference query's totals over one local day, in the same shape. */
async function referenceDay(u: TestUser, tz: string, day: string): Promise<Record<string, Map<string | null, number>>> {
  const range = localDayBounds(day, tz);
  const out: Record<string, Map<string | null, number>> = { all: await referenceDurations(env.DB, u.id, range) };
  for (const dim of GROUP_DIMENSIONS) out[dim] = await referenceDurations(env.DB, u.id, range, dim);
  return out;
}

/** The object's day totals for every local day that has heartbeats equal the reference's. */
async function expectDaysMatchReference(u: TestUser, tz: string, times: number[]) {
  const days = [...new Set(times.map((t) => localDate(t, tz)))].sort();
  for (const day of days) {
    const ours = bySeconds(await userActivity(env, u.id).dayTotals(u.id, tz, day));
    expect(ours, `${tz} ${day}`).toEqual(await referenceDay(u, tz, day));
  }
  return days;
}

const storedCount = async (u: TestUser) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM heartbeats WHERE user_id = ?").bind(u.id).first<{ n: number }>())!.n;

describe("UserActivity.ingest and dayTotals", () => {
  it("stores a batch in D1, answers one stored row per item in order, and totals each chain's capped gaps", async () => {
    const u = await createUser();
    const items = [
      cliHeartbeat(T, { project: "a" }),
      cliHeartbeat(T + 60, { project: "a" }),
      cliHeartbeat(T + 90, { project: "b", language: "Go" }),
      cliHeartbeat(T + 400, { project: "a" }), // 310 s after the last: capped at 120
    ];
    const rows = await ingest(u, "UTC", items);
    expect(rows.map((r) => [r.time, r.project])).toEqual([[T, "a"], [T + 60, "a"], [T + 90, "b"], [T + 400, "a"]]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(4);
    expect(rows.every((r) => r.user_id === u.id)).toBe(true);
    expect(await storedCount(u)).toBe(4);

    const totals = bySeconds(await userActivity(env, u.id).dayTotals(u.id, "UTC", DAY));
    expect(totals.all).toEqual(new Map([[null, 60 + 30 + 120]]));
    // Each project chains alone: a is T, T+60, T+400 (60 + 120); b has one heartbeat (0).
    expect(totals.project).toEqual(new Map([["a", 180], ["b", 0]]));
    expect(totals.language).toEqual(new Map([["TypeScript", 180], ["Go", 0]]));
    expect(totals).toEqual(await referenceDay(u, "UTC", DAY));
    // Another day has nothing.
    expect(await userActivity(env, u.id).dayTotals(u.id, "UTC", addDays(DAY, 1))).toEqual([]);
  });

  it("maps a duplicate to the row already stored and counts it once", async () => {
    const u = await createUser();
    const first = await ingest(u, "UTC", [cliHeartbeat(T), cliHeartbeat(T + 30), cliHeartbeat(T + 60)]);
    const again = await ingest(u, "UTC", [cliHeartbeat(T + 30), cliHeartbeat(T + 90)]);
    expect(again[0].id).toBe(first[1].id);
    expect(again[1].id).not.toBe(first[2].id);
    expect(await storedCount(u)).toBe(4);
    const totals = bySeconds(await userActivity(env, u.id).dayTotals(u.id, "UTC", DAY));
    expect(totals.all.get(null)).toBe(90);
    expect(totals).toEqual(await referenceDay(u, "UTC", DAY));
  });

  it("fixes the successor's gap when a late heartbeat lands between two others, as the reference computes", async () => {
    const u = await createUser();
    await ingest(u, "UTC", [cliHeartbeat(T), cliHeartbeat(T + 200), cliHeartbeat(T + 260)]);
    expect(bySeconds(await userActivity(env, u.id).dayTotals(u.id, "UTC", DAY)).all.get(null)).toBe(120 + 60);
    // T+100 arrives late: T+200's gap drops from a capped 120 to 100, and T+100 adds 100.
    await ingest(u, "UTC", [cliHeartbeat(T + 100)]);
    const totals = bySeconds(await userActivity(env, u.id).dayTotals(u.id, "UTC", DAY));
    expect(totals.all.get(null)).toBe(100 + 100 + 60);
    expect(totals).toEqual(await referenceDay(u, "UTC", DAY));
  });

  it("keeps each day's chain restarted at local midnight when a late heartbeat lands just before it", async () => {
    const u = await createUser();
    const midnight = localDayBounds(DAY, "UTC").end;
    await ingest(u, "UTC", [cliHeartbeat(midnight - 100), cliHeartbeat(midnight + 30), cliHeartbeat(midnight + 90)]);
    await ingest(u, "UTC", [cliHeartbeat(midnight - 20)]); // the next day's first row now chains to it
    const stub = userActivity(env, u.id);
    // 2025-03-10: -100 → -20 is 80 s; 2025-03-11: its first row adds nothing, then 60 s.
    expect(bySeconds(await stub.dayTotals(u.id, "UTC", DAY)).all.get(null)).toBe(80);
    expect(bySeconds(await stub.dayTotals(u.id, "UTC", addDays(DAY, 1))).all.get(null)).toBe(60);
    await expectDaysMatchReference(u, "UTC", [midnight - 100, midnight + 30]);
    // A range across midnight chains through it: 80 + 50 + 60 s.
    const range = { start: midnight - 3600, end: midnight + 3600 };
    const [all] = await stub.rangeTotals(u.id, "UTC", range.start, range.end, [{ dim: "all", key: ALL_KEY }]);
    expect(microsToSeconds(all.micros)).toBe(190);
    expect((await referenceDurations(env.DB, u.id, range)).get(null)).toBe(190);
  });

  it("equals the reference for every day and chain after shuffled, duplicated batches across midnight", async () => {
    const tz = "America/New_York";
    const u = await createUser({ timezone: tz });
    const rand = rng(21);
    const start = localDayBounds(DAY, tz).end - 4 * 3600; // 20:00 local, into the next day
    const items = [];
    for (let t = start, i = 0; i < 300; i++) {
      t += rand() < 0.1 ? 100 + rand() * 900 : rand() * 100;
      items.push(cliHeartbeat(Math.round(t * 1000) / 1000, { project: ["a", "b", "c"][Math.floor(rand() * 3)], language: ["TypeScript", "Rust", null][Math.floor(rand() * 3)], category: rand() < 0.8 ? "coding" : "debugging" }));
    }
    const batches: unknown[][] = [];
    const order = shuffle(items, rand);
    for (let i = 0; i < order.length; i += 1 + Math.floor(rand() * 40)) batches.push(order.slice(i, i + 40));
    for (const b of [...batches, ...batches.filter(() => rand() < 0.3)]) await ingest(u, tz, b);

    expect(await storedCount(u)).toBe(new Set(items.map((h) => JSON.stringify(h))).size); // the retried batches stored nothing twice
    const days = await expectDaysMatchReference(u, tz, items.map((h) => h.time as number));
    expect(days).toHaveLength(2);
    // dailyTotals reads the same rollups: one chain's own total per day.
    const daily = await userActivity(env, u.id).dailyTotals(u.id, tz, "project", encodeKey("a"), days[0], days[1]);
    for (const { day, micros } of daily) expect(microsToSeconds(micros), day).toBe((await referenceDay(u, tz, day)).project.get("a"));
  });
});

describe("UserActivity.rebuild", () => {
  it("replays the user's heartbeats from D1 into the same totals, even over a damaged projection", async () => {
    const u = await createUser();
    const rand = rng(5);
    const items = Array.from({ length: 120 }, (_, i) => cliHeartbeat(T + i * 45 + Math.floor(rand() * 40), { project: rand() < 0.5 ? "a" : "b" }));
    for (const batch of [items.slice(60), items.slice(0, 60)]) await ingest(u, "UTC", batch);
    const stub = userActivity(env, u.id);
    const before = await stub.dayTotals(u.id, "UTC", DAY);
    expect(bySeconds(before)).toEqual(await referenceDay(u, "UTC", DAY));

    // Lose the rollups: the object's answers are wrong until it rebuilds.
    await runInDurableObject(stub, (_: UserActivity, state) => void state.storage.sql.exec("DELETE FROM rollup"));
    expect(await stub.dayTotals(u.id, "UTC", DAY)).toEqual([]);

    expect(await stub.rebuild(u.id, "UTC")).toEqual({ heartbeats: 120 });
    const after = await stub.dayTotals(u.id, "UTC", DAY);
    const sorted = (rows: DayTotal[]) => [...rows].sort((x, y) => `${x.dim}${x.key}`.localeCompare(`${y.dim}${y.key}`));
    expect(sorted(after)).toEqual(sorted(before));
    // And it keeps folding new heartbeats in after the rebuild.
    await ingest(u, "UTC", [cliHeartbeat(T + 120 * 45 + 30)]);
    expect(bySeconds(await stub.dayTotals(u.id, "UTC", DAY))).toEqual(await referenceDay(u, "UTC", DAY));
  });
});

describe("UserActivity after a time-zone change", () => {
  it("rebuilds day boundaries for the new zone, and back", async () => {
    const u = await createUser();
    // Around 18:30 UTC, which is midnight in Asia/Kolkata (UTC+5:30): one UTC day, two Kolkata days.
    const kolkataMidnight = localDayBounds(addDays(DAY, 1), "Asia/Kolkata").start;
    expect(localDate(kolkataMidnight, "UTC")).toBe(DAY);
    const times = [-200, -120, -60, 10, 70, 130].map((d) => kolkataMidnight + d);
    await ingest(u, "UTC", times.map((t) => cliHeartbeat(t)));
    const stub = userActivity(env, u.id);
    // UTC: one chain, 80 + 60 + 70 + 60 + 60.
    expect(bySeconds(await stub.dayTotals(u.id, "UTC", DAY)).all.get(null)).toBe(330);

    // Asked in the new zone, the object rebuilds: Kolkata's 2025-03-10 ends at -0, the 11th starts at +10.
    expect(bySeconds(await stub.dayTotals(u.id, "Asia/Kolkata", DAY)).all.get(null)).toBe(80 + 60);
    expect(bySeconds(await stub.dayTotals(u.id, "Asia/Kolkata", addDays(DAY, 1))).all.get(null)).toBe(60 + 60);
    expect(await expectDaysMatchReference(u, "Asia/Kolkata", times)).toEqual([DAY, addDays(DAY, 1)]);
    const zone = await runInDurableObject(stub, (_: UserActivity, state) => state.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'timezone'").one().v);
    expect(zone).toBe("Asia/Kolkata");

    expect(bySeconds(await stub.dayTotals(u.id, "UTC", DAY)).all.get(null)).toBe(330);
    await expectDaysMatchReference(u, "UTC", times);
  });
});
