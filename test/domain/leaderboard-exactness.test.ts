// Property test: boards built from the buckets equal Hackatime's board query (capped LAG over
// the window's eligible heartbeats, partitioned by user, the first 0; then over 60 s, red users
// out) on random multi-user streams sent through the real API: shuffled (late), duplicated and
// retried batches, equal times, sessions across UTC and local midnights and the window edges,
// browser editors, <<LAST_PROJECT>>, other categories, red users. Daily, weekly and one zone's
// local-day board; every ranked user's streak equals the stats path's streak.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { microsToSeconds } from "../../src/domain/durations/dimensions";
import { referenceLeaderboardMicros } from "../../src/domain/durations/reference";
import { localDayBoard } from "../../src/domain/leaderboards";
import { streakDays } from "../../src/domain/stats/streak";
import { localDate, startOfLocalDay } from "../../src/lib/time";
import { CLI_USER_AGENT, cliHeartbeat, createUser, fireCron, postBulk, rng } from "../helpers";

const DAY = 86_400;
const BROWSER_UA = "Chrome/126.0.0.0 linux chrome-wakatime/4.0.1";
const ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "Europe/Berlin"];
const at = (iso: string) => Date.parse(iso) / 1000;

interface Seeded {
  id: number;
  timezone: string;
  shard: number;
  red: boolean;
}

/** One user's random stream around `S`, sent shuffled in batches with retries; returns the user. */
async function seedUser(S: number, seed: number, i: number): Promise<Seeded> {
  const rand = rng(seed * 1000 + i);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const timezone = ZONES[i % ZONES.length];
  const u = await createUser({ timezone });
  const weekStart = Math.floor(S / DAY) * DAY - 6 * DAY;
  // Where sessions start: the daily window's edges, UTC and local midnights, now, anywhere in the week.
  const anchors = [S - DAY, S, weekStart, weekStart + 7 * DAY - 3600, ...Array.from({ length: 8 }, (_, d) => weekStart + d * DAY), startOfLocalDay(localDate(S, timezone), timezone)];
  const profile = i % 7; // 5: browser only, 6: <<LAST_PROJECT>> only
  const beats: Array<Record<string, unknown>> = [];
  for (let session = 0; session < 14; session++) {
    let t = rand() < 0.7 ? pick(anchors) + (rand() - 0.5) * 5400 : weekStart - DAY + rand() * 9 * DAY;
    const n = 3 + Math.floor(rand() * 30);
    for (let k = 0; k < n; k++) {
      const r = rand();
      t += r < 0.08 ? 0 : r < 0.75 ? rand() * 119 : r < 0.85 ? 120 : 120 + rand() * 900; // equal times, short gaps, the cap, breaks
      if (t > S + 2700) break; // at most 45 min ahead of the board (ingest refuses > 1 h)
      const time = Math.round(t * 1000) / 1000;
      beats.push(
        cliHeartbeat(time, {
          category: profile === 5 || profile === 6 ? "coding" : pick(["coding", "coding", "coding", "debugging", "browsing"]),
          user_agent: profile === 5 || rand() < 0.1 ? BROWSER_UA : CLI_USER_AGENT,
          project: profile === 6 ? "<<LAST_PROJECT>>" : pick(["alpha", "beta", "<<LAST_PROJECT>>", "alpha"]),
          entity: `/src/f${Math.floor(rand() * 4)}.ts`,
        }),
      );
    }
  }
  // Late and out of order: shuffled; retried batches and resent single heartbeats duplicate rows.
  const order = [...beats].sort(() => rand() - 0.5);
  for (let k = 0; k < order.length; k += 40) {
    const batch = order.slice(k, k + 40);
    expect((await postBulk(u.apiKey, batch)).status).toBe(201);
    if (rand() < 0.3) expect((await postBulk(u.apiKey, batch.slice(0, 15))).status).toBe(201);
  }
  const red = i % 4 === 3;
  if (red) await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(u.id).run();
  return { id: u.id, timezone, shard: u.shard, red };
}

/** Hackatime's board over [start, end) for these users: > 60 s, red users out; user id → seconds. */
async function expected(users: Seeded[], start: number, end: number): Promise<Map<number, number>> {
  const micros = await referenceLeaderboardMicros(env, { start, end });
  const out = new Map<number, number>();
  for (const u of users) {
    const seconds = microsToSeconds(micros.get(u.id) ?? 0);
    if (!u.red && seconds > 60) out.set(u.id, seconds);
  }
  return out;
}

async function builtBoard(period: string, startDate: string, users: Seeded[]) {
  const board = await env.DB.prepare("SELECT id FROM leaderboards WHERE period = ? AND start_date = ? AND finished_generating_at IS NOT NULL ORDER BY id DESC LIMIT 1")
    .bind(period, startDate)
    .first<{ id: number }>();
  const { results } = await env.DB.prepare("SELECT user_id, total_seconds, streak_count FROM leaderboard_entries WHERE leaderboard_id = ?")
    .bind(board!.id)
    .all<{ user_id: number; total_seconds: number; streak_count: number }>();
  const ours = new Set(users.map((u) => u.id));
  return results.filter((r) => ours.has(r.user_id));
}

describe("leaderboards: bucket-built boards == Hackatime's board query", () => {
  for (const [iso, seed] of [["2026-03-08T12:00:00Z", 1], ["2026-10-26T00:30:00Z", 2]] as const) {
    it(`daily, weekly and local-day boards agree on random streams (${iso})`, async () => {
      const S = at(iso);
      const users: Seeded[] = [];
      for (let i = 0; i < 14; i++) users.push(await seedUser(S, seed, i));
      const startDate = iso.slice(0, 10);

      // Daily, fired inside the minute: the window is [M − 24 h, M) at the minute M.
      await fireCron("* * * * *", S + 17);
      const daily = await builtBoard("daily", startDate, users);
      const dailyWant = await expected(users, S - DAY, S);
      expect(new Map(daily.map((r) => [r.user_id, r.total_seconds]))).toEqual(dailyWant);
      expect(dailyWant.size, "the stream ranks several users").toBeGreaterThan(3);
      for (const r of daily) expect(r.streak_count, `streak of ${r.user_id}`).toBe(await streakDays(env, users.find((u) => u.id === r.user_id)!, S - 1));

      // Weekly: [(today − 6 d) 00:00, tomorrow 00:00) UTC.
      await fireCron("*/7 * * * *", S);
      const weekly = await builtBoard("last_7_days", startDate, users);
      const weekStart = Math.floor(S / DAY) * DAY - 6 * DAY;
      expect(new Map(weekly.map((r) => [r.user_id, r.total_seconds]))).toEqual(await expected(users, weekStart, weekStart + 7 * DAY));
      const tomorrow = weekStart + 7 * DAY;
      for (const r of weekly) expect(r.streak_count, `streak of ${r.user_id}`).toBe(await streakDays(env, users.find((u) => u.id === r.user_id)!, Math.min(S, tomorrow - 1)));

      // One zone's board: its users over [local midnight, M), ranked by time then id.
      for (const zone of ["America/New_York", "Pacific/Auckland"]) {
        const body = await localDayBoard(env, zone, S + 17, { page: 1, limit: null }, "http://tally.test");
        const ours = users.filter((u) => u.timezone === zone);
        const want = await expected(ours, startOfLocalDay(localDate(S, zone), zone), S);
        const got = body.entries.filter((e) => ours.some((u) => u.id === e.user.id));
        expect(new Map(got.map((e) => [e.user.id, e.total_seconds])), zone).toEqual(want);
        const sorted = [...got].sort((a, b) => b.total_seconds - a.total_seconds || a.user.id - b.user.id);
        expect(got.map((e) => e.user.id)).toEqual(sorted.map((e) => e.user.id));
      }
    }, 180_000);
  }
});
