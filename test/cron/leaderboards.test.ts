import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/cron";
import { BUCKET_PRUNE_CHUNK, BUCKET_PRUNE_CHUNKS_PER_RUN } from "../../src/domain/leaderboards";
import { cliHeartbeat, createUser, fireCron as fire, heartbeatsDb, postBulk, type TestUser } from "../helpers";

const at = (iso: string) => Date.parse(iso) / 1000;
const every = (start: number, step: number, count: number) => Array.from({ length: count }, (_, i) => start + i * step);

type Board = { id: number; period: string; start_date: string; window_start: number; window_end: number; finished_generating_at: string | null };
const boards = async (startDate: string) =>
  (await env.DB.prepare("SELECT id, period, start_date, window_start, window_end, finished_generating_at FROM leaderboards WHERE start_date = ? ORDER BY id").bind(startDate).all<Board>())
    .results;
const entries = async (boardId: number) =>
  (
    await env.DB.prepare("SELECT user_id, total_seconds, streak_count FROM leaderboard_entries WHERE leaderboard_id = ? ORDER BY user_id")
      .bind(boardId)
      .all<{ user_id: number; total_seconds: number; streak_count: number }>()
  ).results.map((e) => [e.user_id, e.total_seconds, e.streak_count]);
// Bucket tables live in the user's shard; ?1 is the user.
const count = async (sql: string, ...params: unknown[]) => (await (await heartbeatsDb(params[0] as number)).prepare(sql).bind(...params).first<{ n: number }>())!.n;

async function beats(u: TestUser, times: number[]) {
  expect((await postBulk(u.apiKey, times.map((t) => cliHeartbeat(t)))).status).toBe(201);
}

describe("leaderboard cron", () => {
  it("builds the daily board in the cron invocation, from the buckets the users' objects keep", async () => {
    const S = at("2026-02-10T12:00:00Z");
    const coder = await createUser();
    const brief = await createUser();
    const red = await createUser();
    const earlier = await createUser();
    // 16 minutes yesterday and today: a 2-day streak; 960 s inside the window (today 10:00–10:16).
    await beats(coder, [...every(at("2026-02-09T10:00:00Z"), 60, 17), ...every(at("2026-02-10T10:00:00Z"), 60, 17)]);
    await beats(brief, [S - 600, S - 570]); // 30 s: not ranked
    await beats(red, every(S - 3600, 60, 11));
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(red.id).run();
    await beats(earlier, every(at("2026-02-08T12:00:00Z"), 60, 11)); // before the window

    await fire("* * * * *", S);
    const [board] = await boards("2026-02-10");
    expect(board).toMatchObject({ period: "daily", window_start: S - 86_400, window_end: S, finished_generating_at: expect.stringMatching(/Z$/) });
    expect(await entries(board.id)).toEqual([[coder.id, 960, 2]]);
  });

  it("sums the window of the cron's minute: a scheduled time inside a minute counts from its start", async () => {
    const S = at("2026-02-20T12:00:00Z");
    const u = await createUser();
    // In [S − 24 h, S): S − 24 h + 20, +80, +140, +200: 3 × 60 s (the one before the window anchors nothing).
    await beats(u, [S - 86_400 - 10, ...every(S - 86_400 + 20, 60, 4), S + 20]);
    await fire("* * * * *", S + 42);
    const [board] = await boards("2026-02-20");
    expect(board).toMatchObject({ window_start: S - 86_400, window_end: S });
    expect(await entries(board.id)).toEqual([[u.id, 180, 0]]);
  });

  it("does not start a build while one of the same period and date is in progress", async () => {
    const S = at("2026-04-10T09:00:00Z");
    const u = await createUser();
    await beats(u, every(S - 3600, 60, 5));
    // A build of the same date still running (a slow invocation), started just now.
    await env.DB.prepare("INSERT INTO leaderboards (period, start_date, window_start, window_end) VALUES ('daily', '2026-04-10', 0, 0)").run();
    await fire("* * * * *", S);
    expect(await boards("2026-04-10")).toEqual([expect.objectContaining({ period: "daily", finished_generating_at: null })]);
    // The weekly board of the same date is a different build.
    await fire("*/7 * * * *", S);
    const [running, weekly] = await boards("2026-04-10");
    expect(weekly).toMatchObject({ period: "last_7_days", window_start: at("2026-04-04T00:00:00Z"), window_end: at("2026-04-11T00:00:00Z"), finished_generating_at: expect.any(String) });
    expect(await entries(weekly.id)).toEqual([[u.id, 240, 0]]);
    // Once the running one is stale (its invocation died), a new build goes ahead.
    await env.DB.prepare("UPDATE leaderboards SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes') WHERE id = ?").bind(running.id).run();
    await fire("* * * * *", S + 60);
    expect((await boards("2026-04-10")).filter((b) => b.period === "daily" && b.finished_generating_at)).toHaveLength(1);
  });

  it("finishes a board with no one ranked at once", async () => {
    await fire("* * * * *", at("2025-06-01T12:00:00Z"));
    expect(await boards("2025-06-01")).toEqual([expect.objectContaining({ finished_generating_at: expect.any(String) })]);
  });

  it("prunes a snapshot once a newer one of the same date has finished, and keeps other dates' boards", async () => {
    const S = at("2026-05-05T09:00:00Z");
    const u = await createUser();
    await beats(u, every(S - 3600, 60, 5)); // 240 s
    await fire("* * * * *", S);
    const [older] = await boards("2026-05-05");
    expect(await entries(older.id)).toEqual([[u.id, 240, 0]]);
    // The next run finishes a newer snapshot of the same date, then prunes the older one.
    await fire("* * * * *", S + 60);
    const left = await boards("2026-05-05");
    expect(left.map((b) => b.id)).not.toContain(older.id);
    expect(await entries(left[0].id)).toEqual([[u.id, 240, 0]]);
    expect(await entries(older.id)).toEqual([]);
    expect(await boards("2026-02-10")).toHaveLength(1); // an earlier date's board stays
  });

  it("prunes the buckets no window reaches any more, a bounded number per run", async () => {
    const S = at("2026-06-20T12:00:00Z");
    const u = await createUser();
    // 30 h ago, then 1 h ago: the object drops its first three minutes (26 h before the latest
    // heartbeat), D1 keeps them until the cron prunes.
    await beats(u, every(S - 30 * 3600, 60, 3));
    await beats(u, every(S - 3600, 60, 3));
    const minutes = () => count("SELECT count(*) AS n FROM lb_minute_buckets WHERE user_id = ?", u.id);
    expect(await minutes()).toBe(6);
    // Day buckets of 20 days ago (written directly: as a late import would leave them).
    await (await heartbeatsDb(u.id)).prepare("INSERT INTO lb_day_buckets (user_id, day, gap_sum, first_gap, n) VALUES (?, ?, 60000000, 0, 2)").bind(u.id, S - 20 * 86_400 - (S % 86_400)).run();
    await fire("* * * * *", S);
    expect(await minutes()).toBe(3);
    expect(await count("SELECT count(*) AS n FROM lb_day_buckets WHERE user_id = ? AND day < ?", u.id, S - 8 * 86_400)).toBe(0);

    // Many old minute buckets: each run deletes at most BUCKET_PRUNE_CHUNK × BUCKET_PRUNE_CHUNKS_PER_RUN.
    const perRun = BUCKET_PRUNE_CHUNK * BUCKET_PRUNE_CHUNKS_PER_RUN;
    await (await heartbeatsDb(u.id)).prepare(
      `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ?2 - 1)
       INSERT INTO lb_minute_buckets (user_id, minute, gap_sum, first_gap, n) SELECT ?1, i * 60, 0, 0, 1 FROM k`,
    )
      .bind(u.id, perRun + 10)
      .run();
    await fire("* * * * *", S + 60);
    expect(await minutes()).toBe(3 + 10);
    await fire("* * * * *", S + 120);
    expect(await minutes()).toBe(3);
  }, 60_000);

  it("builds through the real cron entry, now", async () => {
    const u = await createUser();
    const now = Math.floor(Date.now() / 1000);
    await beats(u, every(now - 1800, 60, 4)); // 180 s
    await handleScheduled(createScheduledController({ cron: "* * * * *", scheduledTime: now * 1000 }), env);
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    const done = (await boards(today)).filter((b) => b.period === "daily" && b.finished_generating_at);
    expect(done).toHaveLength(1);
    expect(await entries(done[0].id)).toContainEqual([u.id, 180, 0]);
  });
});
