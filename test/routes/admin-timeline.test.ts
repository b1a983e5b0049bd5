import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TIMELINE_SPANS_SQL } from "../../src/db/admin-heartbeats";
import { entityBasename } from "../../src/domain/admin/timeline";
import { cliHeartbeat, createUser, uniqueName, type TestUser, bearer, getJson, send } from "../helpers";

const viewer = () => createUser({ adminLevel: "viewer" });

// 2025-03-10T10:00:00Z
const T = Date.UTC(2025, 2, 10, 10) / 1000;

describe("GET /api/admin/v1/timeline", () => {
  it("splits the day's heartbeats into spans at gaps over 10 minutes, with files, projects, editors and languages", async () => {
    const v = await viewer();
    const u = await createUser();
    await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url) VALUES (?, 'app', 'https://github.com/dev/app')").bind(u.id).run();
    await send(u, [
      cliHeartbeat(T - 86400, { entity: "/yesterday.ts" }),
      cliHeartbeat(T, { entity: "/home/dev/app/src/main.ts" }),
      cliHeartbeat(T + 60, { entity: "/home/dev/app/src/util.ts" }),
      cliHeartbeat(T + 100, { entity: "/home/dev/lib/main.ts", project: "lib", language: "Rust" }),
      cliHeartbeat(T + 400, { entity: "/home/dev/app/src/main.ts" }), // 300 s later: same span
      cliHeartbeat(T + 1100, { entity: "/srv/go/cmd/c.go", project: "go", language: "Go" }), // 700 s later: a new span
      cliHeartbeat(T + 1150.5, { entity: "/srv/go/pkg/", project: "go", language: "Go" }),
      cliHeartbeat(T + 86400, { entity: "/tomorrow.ts" }),
    ]);
    const { status, body } = await getJson(`/api/admin/v1/timeline?date=2025-03-10&user_ids=${u.id}`, bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body.date).toBe("2025-03-10");
    expect(body.next_date).toBe("2025-03-11");
    expect(body.prev_date).toBe("2025-03-09");
    expect(body.commit_markers).toEqual([]);
    expect(body.users.map((x: any) => x.user.id)).toEqual([v.id, u.id]);
    expect(body.users[0]).toMatchObject({ spans: [], total_coded_time: 0 });
    const mine = body.users[1];
    expect(mine.user).toMatchObject({ id: u.id, username: u.username, display_name: u.username, slack_username: null, github_username: null, timezone: "UTC" });
    expect(mine.user.avatar_url).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(mine.spans).toEqual([
      {
        start_time: T,
        end_time: T + 400,
        duration: 400,
        files_edited: ["main.ts", "util.ts"],
        projects_edited_details: [
          { name: "app", repo_url: "https://github.com/dev/app" },
          { name: "lib", repo_url: null },
        ],
        editors: ["vscode"],
        languages: ["TypeScript", "Rust"],
      },
      {
        start_time: T + 1100,
        end_time: T + 1150.5,
        duration: 50.5,
        files_edited: ["c.go", "pkg"],
        projects_edited_details: [{ name: "go", repo_url: null }],
        editors: ["vscode"],
        languages: ["Go"],
      },
    ]);
    // Σ min(gap, 120) over the day: 60 + 40 + 120 + 120 + 50.5 = 390.5, as an integer (rounded, as
    // Hackatime's ::integer cast and every other total here).
    expect(mine.total_coded_time).toBe(391);
  });

  it("keeps a span of one heartbeat (duration 0) and splits only on gaps strictly over 600 s", async () => {
    const v = await viewer();
    const u = await createUser();
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 600), cliHeartbeat(T + 1201), cliHeartbeat(T + 1801.25)]);
    const { body } = await getJson(`/api/admin/v1/timeline?date=2025-03-10&user_ids=${u.id}`, bearer(v.adminApiKey));
    const spans = body.users[1].spans.map((s: any) => [s.start_time, s.end_time, s.duration]);
    expect(spans).toEqual([
      [T, T + 600, 600], // exactly 600 s: the same span
      [T + 1201, T + 1201, 0], // 601 s: a new span, of one heartbeat
      [T + 1801.25, T + 1801.25, 0], // 600.25 s
    ]);
    expect(body.users[1].total_coded_time).toBe(360);
  });

  it("uses each user's own calendar day", async () => {
    const v = await viewer();
    const ny = await createUser({ timezone: "America/New_York" }); // EDT (UTC−4) from 2025-03-09
    const a = Date.UTC(2025, 2, 10, 2) / 1000; // 03-09 22:00 local
    const b = Date.UTC(2025, 2, 10, 5) / 1000; // 03-10 01:00 local
    const c = Date.UTC(2025, 2, 11, 3) / 1000; // 03-10 23:00 local
    const d = Date.UTC(2025, 2, 11, 3, 1) / 1000; // 03-10 23:01 local
    await send(ny, [cliHeartbeat(a), cliHeartbeat(b), cliHeartbeat(c), cliHeartbeat(d)]);
    const day = async (date: string) => (await getJson(`/api/admin/v1/timeline?date=${date}&user_ids=${ny.id}`, bearer(v.adminApiKey))).body.users[1];
    const mar10 = await day("2025-03-10");
    expect(mar10.user.timezone).toBe("America/New_York");
    expect(mar10.spans.map((s: any) => [s.start_time, s.end_time])).toEqual([
      [b, b],
      [c, d],
    ]);
    expect(mar10.total_coded_time).toBe(120 + 60);
    const mar9 = await day("2025-03-09");
    expect(mar9.spans.map((s: any) => [s.start_time, s.end_time])).toEqual([[a, a]]);
    expect(mar9.total_coded_time).toBe(0);
  });

  it("puts the caller first, then user_ids and slack_uids, skipping unknown ids and capping at 20 more users", async () => {
    const v = await viewer();
    const slackUid = uniqueName("UTL");
    const slackUser = await createUser({ slackUid });
    const others: TestUser[] = [];
    for (let i = 0; i < 22; i++) others.push(await createUser());
    const ids = (path: string) => getJson(path, bearer(v.adminApiKey)).then((r) => r.body.users.map((x: any) => x.user.id));

    expect(await ids(`/api/admin/v1/timeline?date=2025-03-10&user_ids=${others[1].id},${v.id},abc,0,${others[0].id},${others[1].id}`)).toEqual([v.id, others[1].id, others[0].id]);
    const withSlack = await ids(`/api/admin/v1/timeline?date=2025-03-10&user_ids=${others[0].id}&slack_uids=${slackUid},UNKNOWN`);
    expect(withSlack).toEqual([v.id, others[0].id, slackUser.id]);
    const many = await ids(`/api/admin/v1/timeline?date=2025-03-10&user_ids=${others.map((o) => o.id).join(",")}`);
    expect(many).toEqual([v.id, ...others.slice(0, 20).map((o) => o.id)]);
    // No selection: just the caller.
    expect(await ids("/api/admin/v1/timeline?date=2025-03-10")).toEqual([v.id]);
  });

  it("defaults to today (UTC) and accepts other date spellings", async () => {
    const v = await viewer();
    const today = new Date().toISOString().slice(0, 10);
    const { status, body } = await getJson("/api/admin/v1/timeline", bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body.date).toBe(today);
    expect((await getJson("/api/admin/v1/timeline?date=20250310", bearer(v.adminApiKey))).body.date).toBe("2025-03-10");
    expect((await getJson("/api/admin/v1/timeline?date=2025/3/1", bearer(v.adminApiKey))).body).toMatchObject({ date: "2025-03-01", prev_date: "2025-02-28" });
    expect((await getJson("/api/admin/v1/timeline?date=2024-12-31", bearer(v.adminApiKey))).body.next_date).toBe("2025-01-01");
  });

  it("answers 422 'Invalid date format' and 401 without a valid admin key", async () => {
    const v = await viewer();
    for (const date of ["not-a-date", "", "2025-02-30", "9999-12-31"]) {
      expect(await getJson(`/api/admin/v1/timeline?date=${date}`, bearer(v.adminApiKey)), date).toEqual({ status: 422, body: { error: "Invalid date format" } });
    }
    const u = await createUser();
    expect((await getJson("/api/admin/v1/timeline", bearer(null))).status).toBe(401);
    expect((await getJson("/api/admin/v1/timeline", bearer(u.apiKey))).status).toBe(401);
    expect((await getJson("/api/admin/v1/timeline/search_users?query=x", bearer(null))).status).toBe(401);
    expect((await getJson("/api/admin/v1/timeline/leaderboard_users", bearer(`hka_${"f".repeat(64)}`))).status).toBe(401);
  });
});

describe("GET /api/admin/v1/timeline/search_users", () => {
  it("finds users by id, or by a substring of username, Slack username or email, exact username first", async () => {
    const v = await viewer();
    const tag = uniqueName("tl").replace(/[^a-z0-9]/gi, "").toLowerCase();
    const later = await createUser({ username: `zz${tag}` });
    const exact = await createUser({ username: tag });
    const mail = await createUser({ username: uniqueName("m"), email: `${tag}@mail.test` });
    await env.DB.prepare("UPDATE users SET slack_username = ? WHERE id = ?").bind(`Slack${tag.toUpperCase()}`, later.id).run();

    const { status, body } = await getJson(`/api/admin/v1/timeline/search_users?query=${tag.toUpperCase()}`, bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body.users.map((u: any) => u.id)).toEqual([exact.id, mail.id, later.id]);
    expect(body.users[0]).toEqual({ id: exact.id, display_name: tag, avatar_url: expect.stringMatching(/^data:image/) });
    expect(body.users[2].display_name).toBe(`Slack${tag.toUpperCase()}`);

    expect((await getJson(`/api/admin/v1/timeline/search_users?query=${exact.id}`, bearer(v.adminApiKey))).body.users).toEqual([
      { id: exact.id, display_name: tag, avatar_url: expect.any(String) },
    ]);
    expect((await getJson("/api/admin/v1/timeline/search_users?query=%25%25", bearer(v.adminApiKey))).body.users).toEqual([]);
  });

  it("answers at most 20 users", async () => {
    const v = await viewer();
    const tag = uniqueName("cap").replace(/[^a-z0-9]/gi, "");
    for (let i = 0; i < 22; i++) await createUser({ username: `${tag}_${i}` });
    expect((await getJson(`/api/admin/v1/timeline/search_users?query=${tag}`, bearer(v.adminApiKey))).body.users).toHaveLength(20);
  });

  it("answers 422 without a query", async () => {
    const v = await viewer();
    for (const qs of ["", "?query=", "?query=%20%20"]) {
      expect(await getJson(`/api/admin/v1/timeline/search_users${qs}`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "Query parameter is required" } });
    }
  });
});

describe("GET /api/admin/v1/timeline/leaderboard_users", () => {
  async function board(period: "daily" | "last_7_days", startDate: string, finished: boolean, entries: Array<[number, number]>) {
    const row = await env.DB.prepare(
      "INSERT INTO leaderboards (period, start_date, window_start, window_end, finished_generating_at) VALUES (?, ?, 0, 0, ?) RETURNING id",
    )
      .bind(period, startDate, finished ? "2025-03-10T00:00:00.000Z" : null)
      .first<{ id: number }>();
    for (const [userId, seconds] of entries) {
      await env.DB.prepare("INSERT INTO leaderboard_entries (leaderboard_id, user_id, total_seconds) VALUES (?, ?, ?)").bind(row!.id, userId, seconds).run();
    }
  }

  it("answers the caller, then the leaders of the latest finished board of the period, 25 at most", async () => {
    const v = await viewer();
    const ids = async (qs: string) => (await getJson(`/api/admin/v1/timeline/leaderboard_users${qs}`, bearer(v.adminApiKey))).body.users.map((u: any) => u.id);
    // No board yet: the caller alone.
    expect(await getJson("/api/admin/v1/timeline/leaderboard_users?period=daily", bearer(v.adminApiKey))).toEqual({
      status: 200,
      body: { users: [{ id: v.id, display_name: expect.any(String), avatar_url: expect.any(String) }] },
    });

    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    await board("daily", "2025-03-09", true, [[a.id, 100]]);
    await board("daily", "2025-03-10", true, [
      [a.id, 300],
      [b.id, 900],
      [v.id, 500],
      [c.id, 100],
    ]);
    await board("daily", "2025-03-11", false, [[c.id, 99999]]); // still generating: ignored
    await board("last_7_days", "2025-03-10", true, [
      [c.id, 5000],
      [a.id, 10],
    ]);
    expect(await ids("?period=daily")).toEqual([v.id, b.id, a.id, c.id]);
    expect(await ids("")).toEqual([v.id, b.id, a.id, c.id]);
    expect(await ids("?period=weekly")).toEqual([v.id, b.id, a.id, c.id]); // anything else is daily, as in Hackatime
    expect(await ids("?period=last_7_days")).toEqual([v.id, c.id, a.id]);

    const crowd: Array<[number, number]> = [];
    for (let i = 0; i < 30; i++) crowd.push([(await createUser()).id, 10_000 - i]);
    await board("daily", "2025-03-12", true, crowd);
    const top = await ids("?period=daily");
    expect(top).toHaveLength(25);
    expect(top).toEqual([v.id, ...crowd.slice(0, 24).map(([id]) => id)]);
  });
});

describe("entityBasename", () => {
  it("takes the last path segment as Ruby's split('/').last does", () => {
    expect(entityBasename("/a/b/c.ts")).toBe("c.ts");
    expect(entityBasename("/a/b/")).toBe("b");
    expect(entityBasename("C:\\x\\y.ts")).toBe("C:\\x\\y.ts");
    expect(entityBasename("/")).toBeNull();
    expect(entityBasename("")).toBeNull();
  });
});

describe("timeline query plan", () => {
  it("reads one user's day through the (user_id, time, id) index", async () => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${TIMELINE_SPANS_SQL}`).bind(1, 0, 86400, 600).all<{ detail: string }>();
    const p = results.map((r) => r.detail).join("\n");
    expect(p).toMatch(/SEARCH heartbeats USING INDEX heartbeats_user_time \(user_id=\? AND time>\? AND time<\?\)/);
    expect(p).not.toMatch(/SCAN heartbeats/);
  });
});
