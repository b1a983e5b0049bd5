import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { localDate, startOfLocalDay } from "../../src/lib/time";
import { cliHeartbeat, createUser, fireCron, postBulk, request, requestJson, type TestUser } from "../helpers";

const BROWSER_UA = "Chrome/126.0.0.0 linux chrome-wakatime/4.0.1";
const at = (iso: string) => Date.parse(iso) / 1000;

/** Fires a cron trigger: the board is built in the invocation. */
async function build(cron: string, scheduledTime: number) {
  await fireCron(cron, scheduledTime);
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

    await build("* * * * *", S);

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
    // No avatar and no e-mail: an identicon URL on this host, not an inline data URI (issue 11).
    expect(daily.body.entries[1].user.avatar_url).toBe(`http://tally.test/avatars/identicon/${alice.id}.svg`);

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
    // A build in progress (its entries land with its finish, in one batch): not served.
    await env.DB.prepare("INSERT INTO leaderboards (period, start_date, window_start, window_end) VALUES ('daily', '2026-06-01', ?, ?)").bind(S - 86_400, S).run();
    expect((await requestJson("/api/v1/leaderboard/daily")).body.start_date).toBe("2026-05-20");
    // Same date, still in progress: not started again. Another date: a new board.
    await build("* * * * *", S + 60);
    expect((await requestJson("/api/v1/leaderboard/daily")).body.start_date).toBe("2026-05-20");
    const next = at("2026-06-02T08:00:00Z");
    await build("* * * * *", next);
    const daily = (await requestJson("/api/v1/leaderboard/daily")).body;
    expect(daily.start_date).toBe("2026-06-02");
    expect(ranking(daily)).toEqual([]); // u's time is more than 24 h before
  });

  it("documents the 503 before the first board on every board, not only the daily one as the spec does", async () => {
    const doc = (await requestJson("/api-docs/openapi.json")).body;
    for (const path of ["/api/v1/leaderboard", "/api/v1/leaderboard/daily", "/api/v1/leaderboard/weekly"]) {
      expect(Object.keys(doc.paths[path].get.responses), path).toEqual(["200", "304", "503"]); // 304: ETag revalidation (issue 11)
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
    await build("*/7 * * * *", S);
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

describe("serving boards: pages, ETags, the Cache API, identicons", () => {
  it("pages a snapshot with global ranks, answers 304 for its ETag, and changes the ETag when a shadowban does", async () => {
    const S = at("2026-08-10T12:00:00Z");
    const users: TestUser[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await createUser();
      await beats(u, every(S - 3600, 60, 3 + i)); // 120, 180, 240, 300, 360 s
      users.push(u);
    }
    await build("* * * * *", S);
    const order = [...users].reverse().map((u) => u.id);

    const all = await request("/api/v1/leaderboard/daily");
    const full = (await all.json()) as any;
    expect(full.entries.map((e: any) => e.user.id).filter((id: number) => order.includes(id))).toEqual(order);
    expect(full).not.toHaveProperty("page"); // unpaged: Hackatime's shape
    const total = full.entries.length;

    const first = await requestJson("/api/v1/leaderboard/daily?limit=2");
    expect(first.body).toMatchObject({ period: "daily", start_date: "2026-08-10", page: 1, limit: 2, total_entries: total });
    expect(first.body.entries.map((e: any) => e.rank)).toEqual([1, 2]);
    expect(first.body.entries).toEqual(full.entries.slice(0, 2));
    const third = await requestJson("/api/v1/leaderboard/daily?page=3&limit=2");
    expect(third.body.entries).toEqual(full.entries.slice(4, 6));
    expect((await requestJson("/api/v1/leaderboard/daily?page=2")).body).toMatchObject({ page: 2, limit: 100, total_entries: total, entries: [] });
    for (const bad of ["limit=0", "limit=1001", "page=0", "page=x"]) expect((await requestJson(`/api/v1/leaderboard/daily?${bad}`)).status).toBe(422);

    // The ETag names the snapshot and page: a client that has it gets 304, from the cache or not.
    const etag = all.headers.get("ETag")!;
    expect(etag).toMatch(/^"daily-\d+-[0-9a-f]{16}-1-all"$/);
    expect(all.headers.get("Cache-Control")).toBe("public, no-cache");
    const again = await request("/api/v1/leaderboard/daily", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const cached = await request("/api/v1/leaderboard/daily");
    expect(cached.headers.get("ETag")).toBe(etag);
    expect(await cached.json()).toEqual(full);

    // A shadowban changes what the page shows, so its ETag; ranks close up.
    await setUser(users[4], "leaderboard_shadowbanned = 1");
    const banned = await request("/api/v1/leaderboard/daily", { headers: { "If-None-Match": etag } });
    expect(banned.status).toBe(200);
    expect(banned.headers.get("ETag")).not.toBe(etag);
    const body = (await banned.json()) as any;
    expect(body.entries.map((e: any) => e.user.id).filter((id: number) => order.includes(id))).toEqual(order.slice(1));
    expect(body.entries.map((e: any) => e.rank)).toEqual(body.entries.map((_: unknown, i: number) => i + 1));
    await setUser(users[4], "leaderboard_shadowbanned = 0");
    expect((await request("/api/v1/leaderboard/daily")).headers.get("ETag")).toBe(etag);
  });

  it("ranks one zone's users over the zone's calendar today (a fixed dataset)", async () => {
    const now = Math.floor(Date.now() / 1000);
    // A zone whose local time is well inside its day, so its today has room for the dataset.
    const zone = ["Asia/Tokyo", "Europe/London", "America/Los_Angeles", "Asia/Kolkata"].find((z) => {
      const since = now - startOfLocalDay(localDate(now, z), z);
      return since > 2 * 3600 && since < 22 * 3600;
    })!;
    const L = startOfLocalDay(localDate(now, zone), zone);
    const [a, b, c, d, e, f] = await Promise.all(Array.from({ length: 6 }, (_, i) => createUser({ timezone: i === 3 ? "Etc/GMT+12" : zone })));
    await beats(a, [L - 60, L + 30, L + 90, L + 150]); // today: L+30 (first: 0), 60, 60 = 120 (L − 60 is yesterday's)
    await beats(b, [L + 600, L + 700, L + 800]); // 200
    await beats(c, every(L + 60, 60, 10)); // red
    await setUser(c, "trust_level = 1");
    await beats(d, every(L + 60, 60, 10)); // another zone
    await beats(e, [L + 60, L + 90]); // 30 s: not ranked
    await beats(f, every(L + 60, 60, 10)); // shadowbanned
    await setUser(f, "leaderboard_shadowbanned = 1");

    const res = await request(`/api/v1/leaderboard/daily?timezone=${encodeURIComponent(zone)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ period: "daily", start_date: localDate(now, zone), date_range: "Today", timezone: zone });
    expect(ranking(body)).toEqual([
      [1, b.id, 200],
      [2, a.id, 120],
    ]);
    // Cached per (zone, minute): the same ETag, and 304 for it (unless the minute just turned).
    const etag = res.headers.get("ETag")!;
    expect(etag).toContain(encodeURIComponent(zone));
    const again = await request(`/api/v1/leaderboard?timezone=${encodeURIComponent(zone)}`, { headers: { "If-None-Match": etag } });
    expect([304, 200]).toContain(again.status);

    expect(await requestJson("/api/v1/leaderboard/daily?timezone=Mars/Olympus_Mons")).toEqual({ status: 422, body: { error: "Invalid timezone" } });
  });

  it("serves identicons as SVG the browser caches for good", async () => {
    const res = await request("/avatars/identicon/42.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(await (await request("/avatars/identicon/42.svg")).text()).toBe(svg);
    expect((await request("/avatars/identicon/..%2Fx.svg")).status).toBe(404);
    expect((await request("/avatars/identicon/42.png")).status).toBe(404);
  });
});
