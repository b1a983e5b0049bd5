import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { handleScheduled } from "../../src/cron";
import { FANOUT_LIMIT, LEADERBOARD_FANOUT, LEADERBOARD_PAGE, PAGE_SIZE } from "../../src/domain/leaderboards";
import { cliHeartbeat, createUser, deliver, fireCron as fire, postBulk, type TestUser } from "../helpers";

const at = (iso: string) => Date.parse(iso) / 1000;
const every = (start: number, step: number, count: number) => Array.from({ length: count }, (_, i) => start + i * step);

type Board = { id: number; period: string; start_date: string; window_start: number; window_end: number; pages_total: number; pages_done: number; finished_generating_at: string | null };
const boards = async (startDate: string) =>
  (await env.DB.prepare("SELECT * FROM leaderboards WHERE start_date = ? ORDER BY id").bind(startDate).all<Board>()).results;
const entries = async (boardId: number) =>
  (
    await env.DB.prepare("SELECT user_id, total_seconds, streak_count FROM leaderboard_entries WHERE leaderboard_id = ? ORDER BY user_id")
      .bind(boardId)
      .all<{ user_id: number; total_seconds: number; streak_count: number }>()
  ).results.map((e) => [e.user_id, e.total_seconds, e.streak_count]);

async function beats(u: TestUser, times: number[]) {
  expect((await postBulk(u.apiKey, times.map((t) => cliHeartbeat(t)))).status).toBe(201);
}

/** `n` users with no heartbeats, marked active on `day` (candidates, scored 0). */
async function activeUsers(prefix: string, n: number, day: string): Promise<number[]> {
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2)
     INSERT INTO users (username) SELECT ?1 || i FROM k`,
  )
    .bind(prefix, n)
    .run();
  await env.DB.prepare("INSERT INTO user_active_days (day, user_id) SELECT ?2, id FROM users WHERE substr(username, 1, length(?1)) = ?1")
    .bind(prefix, day)
    .run();
  const { results } = await env.DB.prepare("SELECT id FROM users WHERE substr(username, 1, length(?1)) = ?1 ORDER BY id").bind(prefix).all<{ id: number }>();
  return results.map((r) => r.id);
}

describe("leaderboard cron and queue pages", () => {
  it("fans a daily build out as pages of candidates and finishes when the last page lands", async () => {
    const S = at("2026-02-10T12:00:00Z");
    const coder = await createUser();
    const brief = await createUser();
    const red = await createUser();
    const earlier = await createUser();
    // 16 minutes yesterday and today: a 2-day streak; 960 s inside the window (today 10:00–10:16).
    await beats(coder, [...every(at("2026-02-09T10:00:00Z"), 60, 17), ...every(at("2026-02-10T10:00:00Z"), 60, 17)]);
    await beats(brief, [S - 600, S - 570]); // 30 s: a candidate, but not ranked
    await beats(red, every(S - 3600, 60, 11));
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(red.id).run();
    await beats(earlier, every(at("2026-02-08T12:00:00Z"), 60, 11)); // before the window's days

    const sent = await fire("* * * * *", S);
    expect(sent).toEqual([{ kind: LEADERBOARD_PAGE, leaderboard_id: expect.any(Number), user_ids: [coder.id, brief.id] }]);
    const [board] = await boards("2026-02-10");
    expect(board).toMatchObject({ id: sent[0].leaderboard_id, period: "daily", window_start: S - 86_400, window_end: S, pages_total: 1, pages_done: 0, finished_generating_at: null });

    const { result } = await deliver(sent);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);
    const [done] = await boards("2026-02-10");
    expect(done).toMatchObject({ pages_total: 1, pages_done: 1, finished_generating_at: expect.stringMatching(/Z$/) });
    expect(await entries(board.id)).toEqual([[coder.id, 960, 2]]);

    // A page delivered again after the board finished changes nothing.
    await deliver(sent, "tally-imports", 2);
    expect((await boards("2026-02-10"))[0]).toEqual(done);
    expect(await entries(board.id)).toEqual([[coder.id, 960, 2]]);
  });

  it("sends pages of at most 100 ascending user ids, without red users or unknown ids", async () => {
    const ids = await activeUsers("paged_", 250, "2026-03-05");
    const red = ids.filter((_, i) => i % 10 === 0);
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(red)).run();
    await env.DB.prepare("INSERT INTO user_active_days (day, user_id) VALUES ('2026-03-05', 99999999)").run(); // no such user

    const sent = await fire("* * * * *", at("2026-03-05T18:00:00Z"));
    expect(sent.map((m) => m.user_ids.length)).toEqual([100, 100, 25]);
    expect(sent.flatMap((m) => m.user_ids)).toEqual(ids.filter((id) => !red.includes(id)));
    expect((await boards("2026-03-05"))[0]).toMatchObject({ pages_total: 3, pages_done: 0 });

    // Pages may land in any order; the one completing the count finishes the board.
    await deliver([sent[2], sent[0]]);
    expect((await boards("2026-03-05"))[0]).toMatchObject({ pages_done: 2, finished_generating_at: null });
    await deliver([sent[1]]);
    const [board] = await boards("2026-03-05");
    expect(board).toMatchObject({ pages_done: 3, finished_generating_at: expect.any(String) });
    expect(await entries(board.id)).toEqual([]); // nobody coded
  }, 60_000); // 225 objects are created: slow on a busy machine

  it("continues the fan-out through the queue when there are more candidates than one run takes", async () => {
    const ids = await activeUsers("fan_", FANOUT_LIMIT + 50, "2026-03-20");
    const sent = await fire("* * * * *", at("2026-03-20T12:00:00Z"));
    const pages = sent.filter((m) => m.kind === LEADERBOARD_PAGE);
    const next = sent.filter((m) => m.kind === LEADERBOARD_FANOUT);
    expect(pages).toHaveLength(FANOUT_LIMIT / PAGE_SIZE);
    expect(next).toEqual([{ kind: LEADERBOARD_FANOUT, leaderboard_id: pages[0].leaderboard_id, after_user_id: ids[FANOUT_LIMIT - 1] }]);
    // The pages sent so far, plus one for the fan-out still running.
    expect((await boards("2026-03-20"))[0]).toMatchObject({ pages_total: 101, pages_done: 0 });

    const cont = await deliver(next);
    expect(cont.result.explicitAcks).toEqual(["m0"]);
    expect(cont.sent).toEqual([{ kind: LEADERBOARD_PAGE, leaderboard_id: pages[0].leaderboard_id, user_ids: ids.slice(FANOUT_LIMIT) }]);
    expect([...pages, ...cont.sent].flatMap((m) => m.user_ids)).toEqual(ids);
    expect((await boards("2026-03-20"))[0]).toMatchObject({ pages_total: 101, pages_done: 0, finished_generating_at: null });
  });

  it("finishes a board with no candidates at once", async () => {
    expect(await fire("* * * * *", at("2025-06-01T12:00:00Z"))).toEqual([]);
    expect(await boards("2025-06-01")).toEqual([expect.objectContaining({ pages_total: 0, pages_done: 0, finished_generating_at: expect.any(String) })]);
  });

  it("does not start a build while one of the same period and date is in progress", async () => {
    const S = at("2026-04-10T09:00:00Z");
    const u = await createUser();
    await beats(u, every(S - 3600, 60, 5));
    const first = await fire("* * * * *", S);
    expect(first).toHaveLength(1);
    expect(await fire("* * * * *", S + 60)).toEqual([]);
    // The weekly board of the same date is a different build.
    const weekly = await fire("*/7 * * * *", S + 60);
    expect(weekly).toHaveLength(1);
    expect(await boards("2026-04-10")).toEqual([
      expect.objectContaining({ period: "daily", finished_generating_at: null }),
      expect.objectContaining({ period: "last_7_days", window_start: at("2026-04-04T00:00:00Z"), window_end: at("2026-04-11T00:00:00Z"), finished_generating_at: null }),
    ]);
    await deliver([...first, ...weekly]);
    expect((await boards("2026-04-10")).map((b) => !!b.finished_generating_at)).toEqual([true, true]);
    // Finished: the next run builds a fresh snapshot.
    expect(await fire("* * * * *", S + 120)).toHaveLength(1);
  });

  it("drops a dead-lettered page without finishing its board", async () => {
    const S = at("2026-04-25T09:00:00Z");
    const u = await createUser();
    await beats(u, every(S - 3600, 60, 5));
    const sent = await fire("* * * * *", S);
    const { result } = await deliver(sent, "tally-imports-dlq", 6);
    expect(result.explicitAcks).toEqual(["m0"]);
    const [board] = await boards("2026-04-25");
    expect(board).toMatchObject({ pages_done: 0, finished_generating_at: null });
    expect(await entries(board.id)).toEqual([]);
  });

  it("prunes a snapshot once a newer one of the same date has finished, and keeps other dates' boards", async () => {
    const S = at("2026-05-05T09:00:00Z");
    const u = await createUser();
    await beats(u, every(S - 3600, 60, 5)); // 240 s
    await deliver(await fire("* * * * *", S));
    await deliver(await fire("* * * * *", S + 60));
    const [older, newer] = await boards("2026-05-05");
    expect(await entries(older.id)).toEqual([[u.id, 240, 0]]);
    expect(await entries(newer.id)).toEqual([[u.id, 240, 0]]);
    await deliver(await fire("* * * * *", S + 120)); // its run prunes `older`
    const left = await boards("2026-05-05");
    expect(left.map((b) => b.id)).not.toContain(older.id);
    expect(left.map((b) => b.id)).toContain(newer.id);
    expect(await entries(older.id)).toEqual([]);
    expect(await boards("2026-02-10")).toHaveLength(1); // an earlier date's board stays
  });

  it("builds through the real local queue and consumer", async () => {
    const u = await createUser();
    const now = Math.floor(Date.now() / 1000);
    await beats(u, every(now - 1800, 60, 4)); // 180 s
    await handleScheduled(createScheduledController({ cron: "* * * * *", scheduledTime: now * 1000 }), env);
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    await vi.waitFor(
      async () => {
        const [board] = await boards(today);
        expect(board?.finished_generating_at).toBeTruthy();
        expect(await entries(board.id)).toEqual([[u.id, 180, 0]]);
      },
      { timeout: 20_000, interval: 200 },
    );
  });
});
