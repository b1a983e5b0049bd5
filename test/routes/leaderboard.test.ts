import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cliHeartbeat, createUser, deliver, fireCron, postBulk, requestJson, type TestUser } from "../helpers";

const BROWSER_UA = "Chrome/126.0.0.0 linux chrome-wakatime/4.0.1";
const at = (iso: string) => Date.parse(iso) / 1000;

/**
 * Fires a cron trigger, then (with `consume`) delivers the pages it sent to the consumer,
 * expecting none to be retried; returns what the trigger sent.
 */
async function build(cron: string, scheduledTime: number, consume = true) {
  const sent = await fireCron(cron, scheduledTime);
  if (consume && sent.length) expect((await deliver(sent)).result.retryMessages).toEqual([]);
  return sent;
}

async function beats(u: TestUser, times: number[], overrides: Record<string, unknown> = {}) {
  const res = await postBulk(u.apiKey, times.map((t) => cliHeartbeat(t, overrides)));
  expect(res.status).toBe(201);
}
const every = (start: number, step: number, count: number) => Array.from({ length: count }, (_, i) => start + i * step);
const setUser = (u: TestUser, set: string) => env.DB.prepare(`UPDATE users SET ${set} WHERE id = ?`).bind(u.id).run();

const ranking = (body: any) => body.entries.map((e: any) => [e.rank, e.user.id, e.total_seconds]);

describe("GET /api/v1/leaderboard[/daily|/weekly]", () => {
  it("answers 503 until a board has finished generating", async () => {
    for (const path of ["/api/v1/leaderboard", "/api/v1/leaderboard/daily", "/api/v1/leaderboard/weekly"]) {
      expect(await requestJson(path)).toEqual({ status: 503, body: { error: "Leaderboard is being generated" } });
    }
  });

  it("ranks the last 24 hours of eligible coding time, with Hackatime's exclusions and ties by user id", async () => {
    const S = at("2026-05-20T12:00:00Z");
    const H = S - 3 * 3600;
    const carol = await createUser();
    const alice = await createUser();
    const bob = await createUser();
    const dave = await createUser(); // browser extension only
    const erin = await createUser(); // <<LAST_PROJECT>> only
    const frank = await createUser(); // red
    const gina = await createUser(); // exactly 60 s
    const hank = await createUser(); // 61 s
    const ivan = await createUser(); // shadowbanned
    const judy = await createUser(); // straddles the window's start

    await beats(carol, [...every(H, 60, 11), S + 30]); // 10 × 60 = 600; S + 30 is after the window
    await beats(alice, [H, H + 60, H + 120, H + 240, H + 300]); // 60 + 60 + 120 (capped) + 60 = 300
    await beats(alice, [H + 150], { category: "browsing" }); // not coding: its own chain, not counted
    await beats(alice, [H + 200], { category: "debugging" });
    await beats(bob, every(H, 60, 6)); // 300: ties with alice, alice has the smaller id
    await beats(dave, every(H, 60, 11), { user_agent: BROWSER_UA });
    await beats(erin, every(H, 60, 11), { project: "<<LAST_PROJECT>>" });
    await beats(frank, every(H, 60, 11));
    await setUser(frank, "trust_level = 1");
    await beats(gina, [H, H + 60]);
    await beats(hank, [H, H + 61]);
    await beats(ivan, every(H, 60, 16)); // 900
    await setUser(ivan, "leaderboard_shadowbanned = 1");
    // Before the window: S − 24 h − 30 s would give the first in-window heartbeat 60 s.
    await beats(judy, [S - 86_400 - 30, S - 86_400 + 30, S - 86_400 + 90, S - 86_400 + 150]); // 60 + 60 = 120
    await setUser(carol, "display_name_override = 'Carol C.', github_avatar_url = 'https://avatars.example/carol.png'");

    expect(await build("* * * * *", S)).toHaveLength(1);

    const daily = await requestJson("/api/v1/leaderboard/daily");
    expect(daily.status).toBe(200);
    expect(daily.body).toMatchObject({ period: "daily", start_date: "2026-05-20", date_range: "Last 24 hours" });
    expect(daily.body.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ranking(daily.body)).toEqual([
      [1, carol.id, 600],
      [2, alice.id, 300],
      [3, bob.id, 300],
      [4, judy.id, 120],
      [5, hank.id, 61],
    ]);
    expect(daily.body.entries[0].user).toEqual({ id: carol.id, username: "Carol C.", avatar_url: "https://avatars.example/carol.png" });
    expect(daily.body.entries[1].user.username).toBe(alice.username);
    expect(daily.body.entries[1].user.avatar_url).toMatch(/^data:image\/svg\+xml;base64,/);

    // The alias serves the daily board; credentials are accepted and ignored.
    expect(await requestJson("/api/v1/leaderboard")).toEqual(daily);
    expect(await requestJson("/api/v1/leaderboard/daily?api_key=not-a-key", { headers: { Authorization: "Bearer nonsense" } })).toEqual(daily);
    // Only a daily board exists so far.
    expect((await requestJson("/api/v1/leaderboard/weekly")).status).toBe(503);

    // Shadowbans are read when serving: lifting one shows the user without a rebuild.
    await setUser(ivan, "leaderboard_shadowbanned = 0");
    expect(ranking((await requestJson("/api/v1/leaderboard/daily")).body).slice(0, 2)).toEqual([
      [1, ivan.id, 900],
      [2, carol.id, 600],
    ]);
    await setUser(carol, "leaderboard_shadowbanned = 1");
    expect(ranking((await requestJson("/api/v1/leaderboard/daily")).body)).toEqual([
      [1, ivan.id, 900],
      [2, alice.id, 300],
      [3, bob.id, 300],
      [4, judy.id, 120],
      [5, hank.id, 61],
    ]);
  });

  it("serves the latest finished board while a newer one is being built", async () => {
    const S = at("2026-06-01T08:00:00Z");
    const u = await createUser();
    await beats(u, every(S - 3600, 30, 11)); // 300
    expect(await build("* * * * *", S, false)).toHaveLength(1); // pages sent, none consumed yet
    expect((await requestJson("/api/v1/leaderboard/daily")).body.start_date).toBe("2026-05-20");
    const later = S + 60;
    // Same date, still in progress: not started again. Another date: a new board.
    expect(await build("* * * * *", later)).toEqual([]);
    expect((await requestJson("/api/v1/leaderboard/daily")).body.start_date).toBe("2026-05-20");
    const next = at("2026-06-02T08:00:00Z");
    expect(await build("* * * * *", next)).toHaveLength(1);
    const daily = (await requestJson("/api/v1/leaderboard/daily")).body;
    expect(daily.start_date).toBe("2026-06-02");
    expect(ranking(daily)).toEqual([]); // u's time is more than 24 h before
  });

  it("documents the 503 before the first board on every board, not only the daily one as the spec does", async () => {
    const doc = (await requestJson("/api-docs/openapi.json")).body;
    for (const path of ["/api/v1/leaderboard", "/api/v1/leaderboard/daily", "/api/v1/leaderboard/weekly"]) {
      expect(Object.keys(doc.paths[path].get.responses), path).toEqual(["200", "503"]);
    }
  });

  it("ranks the weekly board over [today − 6 d 00:00, tomorrow 00:00) UTC", async () => {
    const S = at("2026-07-15T10:00:00Z");
    const W0 = at("2026-07-09T00:00:00Z");
    const E = at("2026-07-16T00:00:00Z");
    const kate = await createUser();
    const leo = await createUser(); // active only the day before the window
    const mia = await createUser();
    // In range: W0+30 (first, 0), W0+90 (60), W0+150 (60), E−60 (gap capped: 120), E−30 (30) = 270.
    // W0−60 and E+10 are outside; counted they would add 90 and 20.
    await beats(kate, [W0 - 60, W0 + 30, W0 + 90, W0 + 150, E - 60, E - 30, E + 10]);
    await beats(leo, every(W0 - 3600, 60, 20));
    await beats(mia, every(S - 600, 60, 6)); // 300, today
    expect(await build("*/7 * * * *", S)).toHaveLength(1);
    const weekly = await requestJson("/api/v1/leaderboard/weekly");
    expect(weekly.status).toBe(200);
    expect(weekly.body).toMatchObject({ period: "last_7_days", start_date: "2026-07-15", date_range: "Jul 09 - Jul 15, 2026" });
    expect(ranking(weekly.body)).toEqual([
      [1, mia.id, 300],
      [2, kate.id, 270],
    ]);
    // The daily board is untouched by the weekly trigger.
    expect((await requestJson("/api/v1/leaderboard/daily")).body.start_date).toBe("2026-06-02");
  });
});
