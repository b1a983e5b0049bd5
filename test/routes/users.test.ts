import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { referenceDurations } from "../../src/domain/durations/reference";
import { parseRailsTime, yearsAgo } from "../../src/lib/dates";
import { cliHeartbeat, createUser, uniqueName, type TestUser, refused, bearer, getJson, send } from "../helpers";

/** Whole minutes before now, so default windows (last 30 days / last year) include them. */
const minutesAgo = (m: number) => Math.floor(Date.now() / 60_000) * 60 - m * 60;

async function mapRepo(userId: number, project: string, repoUrl: string | null, archived = false) {
  await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url, archived_at) VALUES (?, ?, ?, ?)")
    .bind(userId, project, repoUrl, archived ? "2026-01-01T00:00:00.000Z" : null)
    .run();
}

// 2025-03-10T10:00:00Z
const T = Date.UTC(2025, 2, 10, 10) / 1000;
const SPAN_DAY = "start_date=2025-03-10&end_date=2025-03-11";

describe("GET /api/v1/users/{username}/heartbeats/spans", () => {
  it("closes a span where the next gap exceeds 120 s, pads closed spans by 120 s and drops the lone last heartbeat", async () => {
    const u = await createUser();
    await send(u, [0, 60, 100, 400, 450, 1000, 2000].map((d) => cliHeartbeat(T + d)));
    const { status, body } = await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${SPAN_DAY}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      spans: [
        { start_time: T, end_time: T + 220, duration: 220, start: T, end: T + 220, project: "app" },
        { start_time: T + 400, end_time: T + 570, duration: 170, start: T + 400, end: T + 570, project: "app" },
        { start_time: T + 1000, end_time: T + 1120, duration: 120, start: T + 1000, end: T + 1120, project: "app" },
      ],
    });
    // The spans add up to the capped-gap total: 60 + 40 + 120 + 50 + 120 + 120.
    expect(body.spans.reduce((s: number, x: { duration: number }) => s + x.duration, 0)).toBe(510);
  });

  it("does not pad the final span, rounds its duration and keeps fractional start/end times", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T + 0.25), cliHeartbeat(T + 5), cliHeartbeat(T + 10.5)]);
    const { body } = await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${SPAN_DAY}`);
    expect(body.spans).toEqual([{ start_time: T + 0.25, end_time: T + 10.5, duration: 10, start: T + 0.25, end: T + 10.5, project: "app" }]);
  });

  it("omits spans whose heartbeats all share one instant, and answers [] with no heartbeats", async () => {
    const u = await createUser();
    expect((await getJson(`/api/v1/users/${u.username}/heartbeats/spans`)).body).toEqual({ spans: [] });
    await send(u, [cliHeartbeat(T, { entity: "/a.ts" }), cliHeartbeat(T, { entity: "/b.ts" })]);
    expect((await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${SPAN_DAY}`)).body).toEqual({ spans: [] });
  });

  it("filters by project (one exact name) or filter_by_project (a comma list); project wins", async () => {
    const u = await createUser();
    await send(u, [
      cliHeartbeat(T, { project: "a" }),
      cliHeartbeat(T + 30, { project: "b" }),
      cliHeartbeat(T + 60, { project: "a" }),
      cliHeartbeat(T + 90, { project: "c" }),
      cliHeartbeat(T + 120, { project: "b" }),
    ]);
    const spans = async (q: string) => (await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${SPAN_DAY}&${q}`)).body.spans;
    // Unfiltered: one mixed span, so no project.
    expect(await spans("")).toEqual([{ start_time: T, end_time: T + 120, duration: 120, start: T, end: T + 120 }]);
    expect(await spans("project=a")).toEqual([{ start_time: T, end_time: T + 60, duration: 60, start: T, end: T + 60, project: "a" }]);
    expect(await spans("filter_by_project=b")).toEqual([{ start_time: T + 30, end_time: T + 120, duration: 90, start: T + 30, end: T + 120, project: "b" }]);
    expect(await spans("filter_by_project=a,c")).toEqual([{ start_time: T, end_time: T + 90, duration: 90, start: T, end: T + 90 }]);
    expect(await spans("project=c&filter_by_project=a,b")).toEqual([]); // a lone heartbeat: duration 0
    expect(await spans("project=b&filter_by_project=a")).toEqual([{ start_time: T + 30, end_time: T + 120, duration: 90, start: T + 30, end: T + 120, project: "b" }]);
    expect(await spans("project=nope")).toEqual([]);
    expect(await spans("filter_by_project=,")).toEqual([]);
    // A blank project falls through to filter_by_project.
    expect(await spans("project=%20&filter_by_project=b")).toHaveLength(1);
  });

  it("takes dates and ISO date-times in UTC; end_date is an instant (a date means its midnight), inclusive", async () => {
    const u = await createUser();
    const midnight = Date.UTC(2025, 2, 11) / 1000;
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 60), cliHeartbeat(midnight - 30), cliHeartbeat(midnight), cliHeartbeat(midnight + 60)]);
    const spans = async (q: string) => (await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${q}`)).body.spans;
    // Up to midnight inclusive: [T, T+60] closed (+120), [midnight-30, midnight] final.
    expect(await spans("start_date=2025-03-10&end_date=2025-03-11")).toEqual([
      { start_time: T, end_time: T + 180, duration: 180, start: T, end: T + 180, project: "app" },
      { start_time: midnight - 30, end_time: midnight, duration: 30, start: midnight - 30, end: midnight, project: "app" },
    ]);
    // The same instants written with offsets and fractions.
    // From T+30 to midnight−0.5 s: T+60 alone, closed (0 + 120); midnight−30 alone and last (0, dropped).
    expect(await spans("start_date=2025-03-10T11:00:30%2B01:00&end_date=2025-03-10T23:59:59.5Z")).toEqual([
      { start_time: T + 60, end_time: T + 180, duration: 120, start: T + 60, end: T + 180, project: "app" },
    ]);
    expect(await spans("start_date=2025-03-11%2000:00&end_date=2025-03-12")).toEqual([
      { start_time: midnight, end_time: midnight + 60, duration: 60, start: midnight, end: midnight + 60, project: "app" },
    ]);
    // Defaults: 10 years ago … end of today.
    expect(await spans("")).toHaveLength(2);
  });

  it("answers 422 {error: Invalid start_date|end_date} for unparseable dates", async () => {
    const u = await createUser();
    for (const [q, error] of [
      ["start_date=invalid-date", "Invalid start_date"],
      ["start_date=2025-02-30", "Invalid start_date"],
      ["start_date=2025-03-10&end_date=tomorrow", "Invalid end_date"],
      ["end_date=2025-13-01", "Invalid end_date"],
      ["start_date=2025-03-10T25:00", "Invalid start_date"],
    ]) {
      const { status, body } = await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${q}`);
      expect(status, q).toBe(422);
      expect(body).toEqual({ error });
    }
    // Blank values take the defaults.
    expect((await getJson(`/api/v1/users/${u.username}/heartbeats/spans?start_date=&end_date=%20`)).status).toBe(200);
  });

  it("equals a port of Hackatime's to_span on random streams (ties, long gaps, interleaved projects)", async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const u = await createUser({ timezone: "Pacific/Chatham" });
    const beats = [];
    let t = T;
    for (let i = 0; i < 300; i++) {
      const r = rand();
      t += r < 0.1 ? 121 + rand() * 2000 : r < 0.15 ? 0 : r < 0.2 ? 120 : Math.round(rand() * 1200) / 10;
      const project = rand() < 0.7 ? "main" : ["side", "", null][Math.floor(rand() * 3)];
      beats.push(cliHeartbeat(t, { project, entity: `/src/f${i}.ts` }));
    }
    await send(u, beats);
    const stored = (
      await env.DB.prepare("SELECT time, project FROM heartbeats WHERE user_id = ? ORDER BY time, id").bind(u.id).all<{ time: number; project: string | null }>()
    ).results;
    // Heartbeatable.to_span, plus our project rule (the span's one shared non-empty project).
    const expected = [];
    let first = 0;
    for (let i = 0; i < stored.length; i++) {
      const cur = stored[i].time;
      const next = stored[i + 1]?.time;
      if (next !== undefined && next - cur <= 120) continue;
      const base = Math.round(cur - stored[first].time);
      const duration = next !== undefined ? base + 120 : base;
      const end = next !== undefined ? cur + 120 : cur;
      const projects = new Set(stored.slice(first, i + 1).map((h) => h.project));
      const [only] = projects;
      if (duration > 0) {
        const span: Record<string, unknown> = { start_time: stored[first].time, end_time: end, duration, start: stored[first].time, end };
        if (projects.size === 1 && only) span.project = only;
        expected.push(span);
      }
      first = i + 1;
    }
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.some((s) => s.project === undefined)).toBe(true);
    const { body } = await getJson(`/api/v1/users/${u.username}/heartbeats/spans`);
    expect(body.spans).toEqual(expected);
    // The spans add up to the capped-gap total, up to per-span rounding.
    const total = (await referenceDurations(env.DB, u.id, { start: T, end: t + 1 })).get(null)!;
    const sum = body.spans.reduce((a: number, s: { duration: number }) => a + s.duration, 0);
    expect(Math.abs(sum - total)).toBeLessThanOrEqual(body.spans.length);
  });

  it("leaves out deleted heartbeats", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 60), cliHeartbeat(T + 90)]);
    await env.DB.prepare("UPDATE heartbeats SET deleted_at = '2026-01-01' WHERE user_id = ? AND time = ?").bind(u.id, T + 90).run();
    expect((await getJson(`/api/v1/users/${u.username}/heartbeats/spans?${SPAN_DAY}`)).body.spans).toEqual([
      { start_time: T, end_time: T + 60, duration: 60, start: T, end: T + 60, project: "app" },
    ]);
  });
});

describe("privacy and lookup of /api/v1/users/{username}/*", () => {
  let pub: TestUser;
  let priv: TestUser;
  const routes = ["heartbeats/spans", "projects", "project/app", "projects/details"];
  beforeAll(async () => {
    pub = await createUser({ slackUid: uniqueName("U") });
    priv = await createUser({ allowPublicStatsLookup: false });
    await send(pub, [cliHeartbeat(minutesAgo(10)), cliHeartbeat(minutesAgo(9))]);
    await send(priv, [cliHeartbeat(minutesAgo(10)), cliHeartbeat(minutesAgo(9))]);
  });

  it.each(routes)("%s: 404 {error: User not found} for an unknown user", async (route) => {
    expect(await getJson(`/api/v1/users/${uniqueName("nobody")}/${route}`)).toMatchObject({ status: 404, body: { error: "User not found" } });
  });

  it.each(routes)("%s: 403 {error: user has disabled public stats} for a private user, also with another user's key", async (route) => {
    expect(await getJson(`/api/v1/users/${priv.username}/${route}`)).toMatchObject({ status: 403, body: { error: "user has disabled public stats" } });
    expect((await getJson(`/api/v1/users/${priv.username}/${route}`, bearer(pub.apiKey))).status).toBe(403);
  });

  it.each(routes)("%s: the private owner sees their own data with a Bearer key, by name or as my", async (route) => {
    expect((await getJson(`/api/v1/users/${priv.username}/${route}`, bearer(priv.apiKey))).status).toBe(200);
    expect((await getJson(`/api/v1/users/my/${route}`, bearer(priv.apiKey))).status).toBe(200);
    // Only Bearer identifies the caller here.
    expect((await getJson(`/api/v1/users/${priv.username}/${route}`, { Authorization: `Basic ${btoa(priv.apiKey)}` })).status).toBe(403);
  });

  it.each(routes)("%s: my without a caller is 404", async (route) => {
    expect(await getJson(`/api/v1/users/my/${route}`)).toMatchObject({ status: 404, body: { error: "User not found" } });
  });

  it("finds a user by numeric id and by Slack UID", async () => {
    const slack = (await env.DB.prepare("SELECT slack_uid FROM users WHERE id = ?").bind(pub.id).first<{ slack_uid: string }>())!.slack_uid;
    expect((await getJson(`/api/v1/users/${pub.id}/projects`)).body).toEqual({ projects: ["app"] });
    expect((await getJson(`/api/v1/users/${slack}/projects`)).body).toEqual({ projects: ["app"] });
  });

  it("a restricted (red) owner is not recognised as the caller", async () => {
    const red = await createUser({ allowPublicStatsLookup: false });
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(red.id).run();
    expect((await getJson(`/api/v1/users/${red.username}/projects`, bearer(red.apiKey))).status).toBe(403);
  });

  it("never answers 500, whatever the query string", async () => {
    const queries = [
      "start_date[]=x",
      "start_date=a&start_date=b",
      "start_date=%E0%A4%A",
      "end_date=" + "9".repeat(500),
      "start_date=0000-01-01&end_date=9999-12-31T23:59:59Z",
      "start_date=2030-01-01&end_date=2020-01-01",
      "projects=,,,&since=%00&until=-1",
      "project=" + encodeURIComponent("'; DROP TABLE heartbeats; --"),
      "filter_by_project=" + "x,".repeat(2000),
      "start=1e400&end=NaN",
    ];
    for (const route of routes) {
      for (const q of queries) {
        const { status } = await getJson(`/api/v1/users/${pub.username}/${route}?${q}`);
        expect(status, `${route}?${q}`).toBeLessThan(500);
      }
    }
  });
});

describe("GET /api/v1/users/{username}/trust_factor", () => {
  it.each([
    [0, "blue", 0],
    [1, "red", 1],
    [2, "green", 2],
    [3, "blue", 0], // suspected is shown as blue
  ])("trust level %i shows as %s/%i", async (level, name, value) => {
    const u = await createUser();
    await env.DB.prepare("UPDATE users SET trust_level = ? WHERE id = ?").bind(level, u.id).run();
    expect(await getJson(`/api/v1/users/${u.username}/trust_factor`)).toMatchObject({ status: 200, body: { trust_level: name, trust_value: value } });
  });

  it("has no privacy check and finds users by id and Slack UID", async () => {
    const uid = uniqueName("U");
    const u = await createUser({ allowPublicStatsLookup: false, slackUid: uid });
    for (const id of [u.username, String(u.id), uid]) {
      expect(await getJson(`/api/v1/users/${id}/trust_factor`)).toMatchObject({ status: 200, body: { trust_level: "blue", trust_value: 0 } });
    }
  });

  it("answers 404 {error: User not found} for an unknown user", async () => {
    expect(await getJson(`/api/v1/users/${uniqueName("ghost")}/trust_factor`)).toMatchObject({ status: 404, body: { error: "User not found" } });
  });
});

describe("GET /api/v1/users/{username}/projects", () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await createUser({ timezone: "America/Los_Angeles" });
    await send(u, [
      cliHeartbeat(minutesAgo(60 * 24 * 40), { project: "old" }),
      cliHeartbeat(minutesAgo(60 * 24 * 2), { project: "beta" }),
      cliHeartbeat(minutesAgo(60), { project: "alpha" }),
      cliHeartbeat(minutesAgo(59), { project: "alpha" }),
      cliHeartbeat(minutesAgo(58), { project: "" }),
      cliHeartbeat(minutesAgo(57), { project: null }),
      cliHeartbeat(minutesAgo(56), { project: "archived-one" }),
    ]);
    await mapRepo(u.id, "archived-one", "https://github.com/x/archived-one", true);
  });
  const names = async (q = "") => {
    const { status, body } = await getJson(`/api/v1/users/${u.username}/projects${q}`);
    expect(status).toBe(200);
    return body.projects;
  };

  it("lists distinct non-empty names of the last 30 days, archived included", async () => {
    expect(await names()).toEqual(["alpha", "archived-one", "beta"]);
  });

  it("takes the window from since|start|start_date and until|until_date|end|end_date", async () => {
    const iso = (m: number) => new Date(minutesAgo(m) * 1000).toISOString();
    expect(await names(`?since=${iso(60 * 24 * 41)}`)).toEqual(["alpha", "archived-one", "beta", "old"]);
    expect(await names(`?start_date=${iso(60 * 24 * 41).slice(0, 10)}&until=${iso(60 * 24 * 39)}`)).toEqual(["old"]);
    expect(await names(`?start=${iso(90)}`)).toEqual(["alpha", "archived-one"]);
    expect(await names(`?start=${iso(90)}&end_date=${iso(60)}`)).toEqual(["alpha"]); // inclusive end
    expect(await names(`?since=${iso(10)}`)).toEqual([]);
  });

  it("silently ignores unparseable values and falls through to the next name", async () => {
    const iso = (m: number) => new Date(minutesAgo(m) * 1000).toISOString();
    expect(await names("?since=garbage&until=nope")).toEqual(["alpha", "archived-one", "beta"]);
    expect(await names(`?since=garbage&start_date=${iso(60 * 24 * 41)}`)).toEqual(["alpha", "archived-one", "beta", "old"]);
  });
});

describe("GET /api/v1/users/{username}/project/{project_name} and /projects/details", () => {
  let u: TestUser;
  // alpha and beta interleave; each project chains on its own (LAG partitioned by project).
  // alpha: 0, 60, 120, 600 → 60 + 60 + 120 (480 capped) = 240 s; beta: 30, 90 → 60 s;
  // gamma: 200 only → 0 s; archived: 300, 330 → 30 s; old (2 years ago): outside the year.
  let t0: number;
  beforeAll(async () => {
    u = await createUser({ timezone: "Asia/Kathmandu" });
    t0 = minutesAgo(60 * 24 * 3);
    await send(u, [
      cliHeartbeat(t0, { project: "alpha", language: "TypeScript" }),
      cliHeartbeat(t0 + 30, { project: "beta", language: "Rust" }),
      cliHeartbeat(t0 + 60, { project: "alpha", language: "Go" }),
      cliHeartbeat(t0 + 90, { project: "beta", language: "Rust" }),
      cliHeartbeat(t0 + 120, { project: "alpha", language: "", entity: "/x/notes.zzz" }),
      cliHeartbeat(t0 + 200, { project: "gamma", language: null, entity: "/x/notes.zzz" }),
      cliHeartbeat(t0 + 300, { project: "archived", language: "Ruby" }),
      cliHeartbeat(t0 + 330, { project: "archived", language: "Ruby" }),
      cliHeartbeat(t0 + 600, { project: "alpha", language: "TypeScript" }),
      cliHeartbeat(Math.floor(yearsAgo(2)), { project: "old" }),
      cliHeartbeat(Math.floor(yearsAgo(2)) + 60, { project: "old" }),
    ]);
    await mapRepo(u.id, "alpha", "https://github.com/me/alpha");
    await mapRepo(u.id, "archived", "https://github.com/me/archived", true);
  });
  const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const alphaRow = () => ({
    name: "alpha",
    total_seconds: 240,
    languages: ["Go", "TypeScript"],
    repo_url: "https://github.com/me/alpha",
    total_heartbeats: 4,
    first_heartbeat: iso(t0),
    last_heartbeat: iso(t0 + 600),
    most_recent_heartbeat: iso(t0 + 600),
    archived: false,
  });

  it("answers one project's row: per-project capped gaps, distinct languages, repo URL, counts and times", async () => {
    const { status, body } = await getJson(`/api/v1/users/${u.username}/project/alpha`);
    expect(status).toBe(200);
    expect(body).toEqual(alphaRow());
    expect((await getJson(`/api/v1/users/${u.username}/project/beta`)).body).toMatchObject({ name: "beta", total_seconds: 60, languages: ["Rust"], repo_url: null, total_heartbeats: 2 });
    expect((await getJson(`/api/v1/users/${u.username}/project/gamma`)).body).toMatchObject({ name: "gamma", total_seconds: 0, languages: [], total_heartbeats: 1 });
  });

  it("answers 400 {error: whats the name?} for a blank name", async () => {
    expect(await getJson(`/api/v1/users/${u.username}/project/%20`)).toMatchObject({ status: 400, body: { error: "whats the name?" } });
  });

  it("answers 404 {error: found nuthin} for an unknown, archived or out-of-window project", async () => {
    for (const name of ["nope", "archived", "old"]) {
      expect(await getJson(`/api/v1/users/${u.username}/project/${name}`), name).toMatchObject({ status: 404, body: { error: "found nuthin" } });
    }
  });

  it("takes the stats window from start|start_date and end|end_date", async () => {
    const twoYears = Math.floor(yearsAgo(2));
    const old = await getJson(`/api/v1/users/${u.username}/project/old?start_date=${iso(twoYears - 10)}`);
    expect(old.body).toMatchObject({ name: "old", total_seconds: 60, total_heartbeats: 2 });
    // Window [t0+60, t0+120]: alpha's two heartbeats there chain to 60 s.
    const part = await getJson(`/api/v1/users/${u.username}/project/alpha?start=${iso(t0 + 60)}&end=${iso(t0 + 120)}`);
    expect(part.body).toMatchObject({ total_seconds: 60, total_heartbeats: 2, first_heartbeat: iso(t0 + 60), last_heartbeat: iso(t0 + 120), languages: ["Go"] });
    expect((await getJson(`/api/v1/users/${u.username}/project/alpha?end=${iso(t0 - 1)}`)).status).toBe(404);
    // Unparseable values are ignored.
    expect((await getJson(`/api/v1/users/${u.username}/project/alpha?start=soon&end=later`)).body).toEqual(alphaRow());
  });

  it("lists non-archived projects with data in the window, most time first", async () => {
    const { status, body } = await getJson(`/api/v1/users/${u.username}/projects/details`);
    expect(status).toBe(200);
    expect(body.projects.map((p: { name: string; total_seconds: number }) => [p.name, p.total_seconds])).toEqual([
      ["alpha", 240],
      ["beta", 60],
      ["gamma", 0],
    ]);
    expect(body.projects[0]).toEqual(alphaRow());
  });

  it("narrows to ?projects=a,b (stripped, blanks ignored)", async () => {
    const names = async (q: string) => (await getJson(`/api/v1/users/${u.username}/projects/details?projects=${q}`)).body.projects.map((p: { name: string }) => p.name);
    expect(await names("beta,%20alpha%20")).toEqual(["alpha", "beta"]);
    expect(await names("gamma")).toEqual(["gamma"]);
    expect(await names("archived,old,nope")).toEqual([]);
    expect(await names(",%20,")).toEqual(["alpha", "beta", "gamma"]);
  });

  it("equals the reference per-project durations over the same window", async () => {
    const start = yearsAgo(1);
    const end = Date.now() / 1000 + 1;
    const ref = await referenceDurations(env.DB, u.id, { start, end }, "project");
    const { body } = await getJson(`/api/v1/users/${u.username}/projects/details`);
    for (const p of body.projects) expect(p.total_seconds, p.name).toBe(ref.get(p.name));
  });
});

describe("GET /api/v1/users/lookup_email/{email} and lookup_slack_uid/{slack_uid}", () => {
  let target: TestUser;
  let admin: TestUser;
  let email: string;
  let slack: string;
  beforeAll(async () => {
    email = `${uniqueName("ada")}@example.com`;
    slack = uniqueName("U");
    target = await createUser({ email, slackUid: slack });
    admin = await createUser({ adminLevel: "admin" });
  });

  it("finds a user by email with an admin key or the legacy stats key, case-insensitively, echoing the email", async () => {
    expect(await getJson(`/api/v1/users/lookup_email/${email}`, bearer(admin.adminApiKey!))).toMatchObject({ status: 200, body: { user_id: target.id, email } });
    expect(await getJson(`/api/v1/users/lookup_email/${email}`, bearer("test-stats-key"))).toMatchObject({ status: 200, body: { user_id: target.id, email } });
    const upper = email.toUpperCase();
    expect((await getJson(`/api/v1/users/lookup_email/${upper}`, bearer("test-stats-key"))).body).toEqual({ user_id: target.id, email: upper });
  });

  it("answers 404 {error, email} for an unknown email", async () => {
    expect(await getJson(`/api/v1/users/lookup_email/unknown@example.com`, bearer("test-stats-key"))).toEqual(
      expect.objectContaining({ status: 404, body: { error: "User not found", email: "unknown@example.com" } }),
    );
  });

  it("finds a user by Slack UID, 404 {error, slack_uid} otherwise", async () => {
    expect(await getJson(`/api/v1/users/lookup_slack_uid/${slack}`, bearer(admin.adminApiKey!))).toMatchObject({ status: 200, body: { user_id: target.id, slack_uid: slack } });
    expect((await getJson(`/api/v1/users/lookup_slack_uid/U000000`, bearer("test-stats-key"))).body).toEqual({ error: "User not found", slack_uid: "U000000" });
    expect((await getJson(`/api/v1/users/lookup_slack_uid/U000000`, bearer("test-stats-key"))).status).toBe(404);
  });

  it.each([
    ["no credential", {}, "", "missing"],
    ["a wrong Bearer", bearer("wrong-token"), "", "unknown_key"],
    ["a user API key", "USER", "", "unknown_key"],
    ["the stats key as ?api_key (not allowed here)", {}, "?api_key=test-stats-key", "missing"],
    ["Basic", { Authorization: `Basic ${btoa("test-stats-key")}` }, "", "malformed_header"],
    ["Token scheme", { Authorization: "Token test-stats-key" }, "", "malformed_header"],
  ] as const)("refuses %s with 401 and the reason", async (_name, headers, query, why) => {
    const h = headers === "USER" ? bearer(target.apiKey) : (headers as Record<string, string>);
    for (const path of [`/api/v1/users/lookup_email/${email}${query}`, `/api/v1/users/lookup_slack_uid/${slack}${query}`]) {
      expect(await getJson(path, h), path).toMatchObject({ status: 401, body: refused.stats(why) });
    }
  });

  it("a lookup path is never taken for a user named lookup_email", async () => {
    const res = await getJson(`/api/v1/users/lookup_email/projects`, bearer("test-stats-key"));
    expect(res).toMatchObject({ status: 404, body: { error: "User not found", email: "projects" } });
  });
});

describe("parseRailsTime (Time.zone.parse in UTC)", () => {
  const now = Date.UTC(2026, 7, 22, 15, 30) / 1000;
  it.each([
    ["2025-03-10", Date.UTC(2025, 2, 10) / 1000],
    ["2025-3-5", Date.UTC(2025, 2, 5) / 1000],
    ["2025/03/10", Date.UTC(2025, 2, 10) / 1000],
    ["20250310", Date.UTC(2025, 2, 10) / 1000],
    ["2025-03-10T10:00:00Z", T],
    ["2025-03-10 10:00", T],
    ["2025-03-10T12:00:00+02:00", T],
    ["2025-03-10T05:30:00-0430", T],
    ["2025-03-10T10:00:00.250Z", T + 0.25],
    ["2025-03-10T100000Z", T],
    [" 2025-03-10 10:00:00 UTC ", T],
    ["10:00", Date.UTC(2026, 7, 22, 10) / 1000],
    ["0050-01-01", -60589296000],
  ])("%s", (input, expected) => {
    expect(parseRailsTime(input, now)).toBe(expected);
  });
  it.each(["", "invalid-date", "2025-02-29", "2025-00-10", "2025-03-10T24:00", "1741600800", "2025-03", "tomorrow"])("%s is invalid", (input) => {
    expect(parseRailsTime(input, now)).toBeNull();
  });
});
