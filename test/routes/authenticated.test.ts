import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addDays, isoSeconds, localDate, startOfLocalDay } from "../../src/lib/time";
import { cliHeartbeat, createUser, request, type TestUser, refused, bearer, getJson, send } from "../helpers";

const get = (path: string, headers: Record<string, string> = {}) => request(path, { headers });
const setTrust = (u: TestUser, level: number) => env.DB.prepare("UPDATE users SET trust_level = ? WHERE id = ?").bind(level, u.id).run();
const requestDeletion = (u: TestUser, status = "pending") => env.DB.prepare("INSERT INTO deletion_requests (user_id, status) VALUES (?, ?)").bind(u.id, status).run();

const ROUTES = [
  "/api/v1/authenticated/me",
  "/api/v1/authenticated/hours",
  "/api/v1/authenticated/streak",
  "/api/v1/authenticated/projects",
  "/api/v1/authenticated/api_keys",
  "/api/v1/authenticated/heartbeats/latest",
];

describe("Authenticated routes: who may call them", () => {
  it.each(ROUTES)("%s refuses a missing, unknown or malformed key with 401 and the reason", async (path) => {
    for (const [headers, why] of [
      [{}, "missing"],
      [bearer(crypto.randomUUID()), "unknown_key"],
      [{ Authorization: "Bearer" }, "malformed_header"],
      [{ Authorization: "Basic %%%" }, "malformed_header"],
    ] as const) {
      const res = await get(path, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(refused.user(why));
    }
    expect((await get(`${path}?api_key=${crypto.randomUUID()}`)).status).toBe(401);
  });

  it.each(ROUTES)("%s accepts the user key as Bearer, Basic or ?api_key, and is never cached", async (path) => {
    const u = await createUser();
    for (const res of [
      await get(path, bearer(u.apiKey)),
      await get(path, { Authorization: `Basic ${btoa(u.apiKey)}` }),
      await get(`${path}?api_key=${u.apiKey}`),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  it.each(ROUTES.filter((p) => !p.endsWith("/me")))("%s refuses a red (convicted) user with 401", async (path) => {
    const u = await createUser();
    await setTrust(u, 1);
    const res = await get(path, bearer(u.apiKey));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(refused.restricted);
  });

  it.each(ROUTES)("%s refuses a user with a pending or approved deletion request with 401", async (path) => {
    for (const status of ["pending", "approved"]) {
      const u = await createUser();
      await requestDeletion(u, status);
      const res = await get(path, bearer(u.apiKey));
      expect(res.status, status).toBe(401);
      expect(await res.json()).toEqual(refused.restricted);
    }
  });

  it("a cancelled deletion request restricts nothing", async () => {
    const u = await createUser();
    await requestDeletion(u, "cancelled");
    for (const path of ROUTES) expect((await get(path, bearer(u.apiKey))).status, path).toBe(200);
  });
});

describe("GET /api/v1/authenticated/me", () => {
  it("answers id, every email, Slack ID, GitHub username and the trust factor", async () => {
    const u = await createUser({ email: "Ada@Example.com", slackUid: `U${Date.now()}`, githubUsername: "ada-gh" });
    await env.DB.prepare("INSERT INTO email_addresses (user_id, email) VALUES (?, ?)").bind(u.id, `second-${u.id}@example.org`).run();
    const slack = (await env.DB.prepare("SELECT slack_uid FROM users WHERE id = ?").bind(u.id).first<{ slack_uid: string }>())!.slack_uid;
    const { res, body } = await getJson("/api/v1/authenticated/me", bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body).toEqual({
      id: u.id,
      emails: ["ada@example.com", `second-${u.id}@example.org`],
      slack_id: slack,
      github_username: "ada-gh",
      trust_factor: { trust_level: "blue", trust_value: 0 },
    });
  });

  it("gives empty emails and nulls for a bare user", async () => {
    const u = await createUser();
    const { body } = await getJson("/api/v1/authenticated/me", bearer(u.apiKey));
    expect(body).toEqual({ id: u.id, emails: [], slack_id: null, github_username: null, trust_factor: { trust_level: "blue", trust_value: 0 } });
  });

  it.each([
    [2, { trust_level: "green", trust_value: 2 }],
    [3, { trust_level: "blue", trust_value: 0 }], // yellow (suspected) is masked as blue
    [1, { trust_level: "red", trust_value: 1 }], // red users may still read their profile
  ])("shows trust level %i as %o", async (level, expected) => {
    const u = await createUser();
    await setTrust(u, level);
    const { res, body } = await getJson("/api/v1/authenticated/me", bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body.trust_factor).toEqual(expected);
  });
});

describe("GET /api/v1/authenticated/hours", () => {
  // America/New_York is UTC-4 in mid-March 2024 (DST began on the 10th).
  const tz = "America/New_York";
  const local = (date: string, h: number, m: number, s = 0) => startOfLocalDay(date, tz) + h * 3600 + m * 60 + s;

  async function seeded() {
    const u = await createUser({ timezone: tz });
    await send(u, [
      cliHeartbeat(local("2024-03-12", 23, 59, 30)), // the 12th locally (the 13th in UTC)
      cliHeartbeat(local("2024-03-13", 10, 0)),
      cliHeartbeat(local("2024-03-13", 10, 1)),
      cliHeartbeat(local("2024-03-13", 10, 5)),
      cliHeartbeat(local("2024-03-14", 23, 59, 0)), // the 14th locally (the 15th in UTC)
      cliHeartbeat(local("2024-03-14", 23, 59, 50)),
      cliHeartbeat(local("2024-03-15", 0, 0, 10)),
    ]);
    return u;
  }

  it("sums capped gaps over whole local dates in the user's zone", async () => {
    const u = await seeded();
    const hours = async (s: string, e: string) => (await getJson(`/api/v1/authenticated/hours?start_date=${s}&end_date=${e}`, bearer(u.apiKey))).body;
    // 10:00, 10:01, 10:05 → 60 + 120 (capped) = 180; the 12th's 23:59:30 is outside.
    expect(await hours("2024-03-13", "2024-03-13")).toEqual({ start_date: "2024-03-13", end_date: "2024-03-13", total_seconds: 180 });
    // One chain over both days: 180 + the gap from 10:05 on the 13th to 23:59 on the 14th (capped 120) + 50.
    expect((await hours("2024-03-13", "2024-03-14")).total_seconds).toBe(350);
    // 23:59:00 (0) → 23:59:50 (+50) → 00:00:10 on the 15th (+20).
    expect((await hours("2024-03-14", "2024-03-15")).total_seconds).toBe(70);
    // A single heartbeat is worth nothing; an empty range too; a reversed range is 0.
    expect((await hours("2024-03-12", "2024-03-12")).total_seconds).toBe(0);
    expect((await hours("2024-03-16", "2024-03-20")).total_seconds).toBe(0);
    expect(await hours("2024-03-14", "2024-03-13")).toEqual({ start_date: "2024-03-14", end_date: "2024-03-13", total_seconds: 0 });
    // Everything: 0 + 120 (23:59:30 → 10:00 capped) + 60 + 120 + 120 + 50 + 20 = 490.
    expect((await hours("2024-03-01", "2024-03-31")).total_seconds).toBe(490);
  });

  it("defaults to seven days ago through today in the user's zone", async () => {
    const zone = "Asia/Tokyo";
    const u = await createUser({ timezone: zone });
    const now = Math.floor(Date.now() / 1000);
    // 60 + 120 (capped) = 180; the heartbeat nine days ago is outside the default range.
    await send(u, [cliHeartbeat(now - 9 * 86400), cliHeartbeat(now - 600), cliHeartbeat(now - 540), cliHeartbeat(now - 300)]);
    const { res, body } = await getJson("/api/v1/authenticated/hours", bearer(u.apiKey));
    expect(res.status).toBe(200);
    const today = localDate(now, zone);
    expect(body).toEqual({ start_date: addDays(today, -7), end_date: today, total_seconds: 180 });
    // Blank values fall back to the defaults too.
    expect((await getJson("/api/v1/authenticated/hours?start_date=&end_date=", bearer(u.apiKey))).body).toEqual(body);
  });

  it.each([
    ["start_date=garbage", "Invalid start_date"],
    ["start_date=2024-02-30", "Invalid start_date"],
    ["start_date=2024-13-01&end_date=2024-03-01", "Invalid start_date"],
    ["end_date=20240301x", "Invalid end_date"],
    ["start_date=2024-03-01&end_date=2024-03-32", "Invalid end_date"],
  ])("answers 422 for %s", async (query, error) => {
    const u = await createUser();
    const { res, body } = await getJson(`/api/v1/authenticated/hours?${query}`, bearer(u.apiKey));
    expect(res.status).toBe(422);
    expect(body).toEqual({ error });
  });
});

describe("GET /api/v1/authenticated/streak", () => {
  it("is 0 without heartbeats", async () => {
    const u = await createUser();
    expect((await getJson("/api/v1/authenticated/streak", bearer(u.apiKey))).body).toEqual({ streak_days: 0 });
  });

  it("counts consecutive local days with ≥ 15 minutes, back from yesterday when today has none", async () => {
    const tz = "Europe/Berlin";
    const u = await createUser({ timezone: tz });
    const today = localDate(Date.now() / 1000, tz);
    const session = (daysAgo: number, minutes: number) =>
      Array.from({ length: minutes + 1 }, (_, i) => cliHeartbeat(startOfLocalDay(addDays(today, -daysAgo), tz) + 12 * 3600 + i * 60));
    // Yesterday, 2 and 3 days ago: 16 min each. 4 days ago: 14 min (breaks it). 5 days ago: 20 min.
    await send(u, [...session(1, 16), ...session(2, 16), ...session(3, 16), ...session(4, 14), ...session(5, 20)]);
    expect((await getJson("/api/v1/authenticated/streak", bearer(u.apiKey))).body).toEqual({ streak_days: 3 });
  });
});

describe("GET /api/v1/authenticated/projects", () => {
  const T = Date.UTC(2024, 4, 1, 10) / 1000; // 2024-05-01T10:00:00Z

  async function seeded() {
    const u = await createUser();
    await send(u, [
      // alpha: T, T+60, T+300 → 60 + 120 = 180 s, chained on its own.
      cliHeartbeat(T, { project: "alpha", language: "TypeScript" }),
      cliHeartbeat(T + 60, { project: "alpha", language: "Rust", entity: "/src/lib.rs" }),
      cliHeartbeat(T + 300, { project: "alpha", language: "TypeScript", entity: "/src/b.ts" }),
      // beta, interleaved: T+30, T+90 → 60 s.
      cliHeartbeat(T + 30, { project: "beta", language: "Go", entity: "/src/main.go" }),
      cliHeartbeat(T + 90, { project: "beta", language: "Go", entity: "/src/util.go" }),
      // gamma: one heartbeat (0 s), and archived below.
      cliHeartbeat(T + 1000, { project: "gamma", language: "Python", entity: "/src/x.py" }),
      // no project: never listed.
      cliHeartbeat(T + 2000, { project: "", entity: "/tmp/scratch.ts" }),
    ]);
    await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url, archived_at) VALUES (?, 'gamma', NULL, '2024-06-01T00:00:00Z')").bind(u.id).run();
    await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url) VALUES (?, 'beta', 'https://github.com/a/beta')").bind(u.id).run();
    return u;
  }

  const alpha = { name: "alpha", total_seconds: 180, most_recent_heartbeat: isoSeconds(T + 300), languages: ["Rust", "TypeScript"], archived: false };
  const beta = { name: "beta", total_seconds: 60, most_recent_heartbeat: isoSeconds(T + 90), languages: ["Go"], archived: false };
  const gamma = { name: "gamma", total_seconds: 0, most_recent_heartbeat: isoSeconds(T + 1000), languages: ["Python"], archived: true };

  it("lists all-time per-project totals, most first, without archived projects", async () => {
    const u = await seeded();
    const { res, body } = await getJson("/api/v1/authenticated/projects", bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body).toEqual({ projects: [alpha, beta] });
    expect(alpha.most_recent_heartbeat).toBe("2024-05-01T10:05:00Z");
  });

  it("includes archived projects with include_archived=true (and only with exactly 'true')", async () => {
    const u = await seeded();
    expect((await getJson("/api/v1/authenticated/projects?include_archived=true", bearer(u.apiKey))).body).toEqual({ projects: [alpha, beta, gamma] });
    expect((await getJson("/api/v1/authenticated/projects?include_archived=1", bearer(u.apiKey))).body).toEqual({ projects: [alpha, beta] });
  });

  it("filters by a comma-separated project list", async () => {
    const u = await seeded();
    expect((await getJson("/api/v1/authenticated/projects?projects=beta,%20gamma&include_archived=true", bearer(u.apiKey))).body).toEqual({ projects: [beta, gamma] });
    expect((await getJson("/api/v1/authenticated/projects?projects=alpha", bearer(u.apiKey))).body).toEqual({ projects: [alpha] });
    expect((await getJson("/api/v1/authenticated/projects?projects=gamma", bearer(u.apiKey))).body).toEqual({ projects: [] });
    expect((await getJson("/api/v1/authenticated/projects?projects=nope", bearer(u.apiKey))).body).toEqual({ projects: [] });
  });

  it("narrows the stats window with start/end; ignores since/until and unparseable times", async () => {
    const u = await seeded();
    // From T+50: alpha has T+60 (first, 0) and T+300 (+120); beta only T+90 (0).
    const { body } = await getJson(`/api/v1/authenticated/projects?start=${encodeURIComponent(isoSeconds(T + 50))}`, bearer(u.apiKey));
    expect(body.projects).toEqual([
      { ...alpha, total_seconds: 120 },
      { ...beta, total_seconds: 0 },
    ]);
    // Up to T+60 inclusive: alpha T, T+60 → 60; beta T+30 → 0.
    const upTo = await getJson(`/api/v1/authenticated/projects?end_date=${encodeURIComponent(isoSeconds(T + 60))}`, bearer(u.apiKey));
    expect(upTo.body.projects).toEqual([
      { ...alpha, total_seconds: 60, most_recent_heartbeat: isoSeconds(T + 60) },
      { ...beta, total_seconds: 0, most_recent_heartbeat: isoSeconds(T + 30), languages: ["Go"] },
    ]);
    for (const q of ["since=2030-01-01", "until=2000-01-01", "start=garbage&end=nonsense"]) {
      expect((await getJson(`/api/v1/authenticated/projects?${q}`, bearer(u.apiKey))).body, q).toEqual({ projects: [alpha, beta] });
    }
  });

  it("is empty for a user without heartbeats and never shows another user's projects", async () => {
    await seeded();
    const other = await createUser();
    expect((await getJson("/api/v1/authenticated/projects?include_archived=true", bearer(other.apiKey))).body).toEqual({ projects: [] });
  });
});

describe("GET /api/v1/authenticated/api_keys", () => {
  it("answers the key the caller authenticated with, however it was sent", async () => {
    const u = await createUser();
    expect((await getJson("/api/v1/authenticated/api_keys", bearer(u.apiKey))).body).toEqual({ token: u.apiKey });
    const basic = await get("/api/v1/authenticated/api_keys", { Authorization: `Basic ${btoa(u.apiKey)}` });
    expect(await basic.json()).toEqual({ token: u.apiKey });
    const query = await get(`/api/v1/authenticated/api_keys?api_key=${u.apiKey}`);
    expect(await query.json()).toEqual({ token: u.apiKey });
  });
});

describe("GET /api/v1/authenticated/heartbeats/latest", () => {
  it('is {"heartbeat": null} without heartbeats', async () => {
    const u = await createUser();
    const { res, body } = await getJson("/api/v1/authenticated/heartbeats/latest", bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body).toEqual({ heartbeat: null });
  });

  it("shows the newest heartbeat that is not a test entry, with exactly Hackatime's fields", async () => {
    const u = await createUser();
    const t = Date.UTC(2024, 4, 2, 9, 30) / 1000 + 0.25;
    await send(u, [
      cliHeartbeat(t - 100, { project: "older" }),
      cliHeartbeat(t, { project: "newest", language: "Go", entity: "/src/main.go", category: "debugging" }),
      cliHeartbeat(t + 50, { entity: "test.txt", project: "setup" }), // a test entry: skipped
    ]);
    const row = (await env.DB.prepare("SELECT id, created_at FROM heartbeats WHERE user_id = ? AND project = 'newest'").bind(u.id).first<{ id: number; created_at: string }>())!;
    const { body } = await getJson("/api/v1/authenticated/heartbeats/latest", bearer(u.apiKey));
    expect(body).toEqual({
      id: row.id,
      created_at: row.created_at,
      time: t,
      category: "debugging",
      project: "newest",
      language: "Go",
      editor: "vscode",
      operating_system: "linux",
      machine: "dev laptop",
      entity: "/src/main.go",
    });
    expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });

  it("ignores test entries and soft-deleted heartbeats entirely", async () => {
    const u = await createUser();
    const t = Date.UTC(2024, 4, 3) / 1000;
    await send(u, [cliHeartbeat(t, { entity: "test.txt" })]);
    expect((await getJson("/api/v1/authenticated/heartbeats/latest", bearer(u.apiKey))).body).toEqual({ heartbeat: null });
    await send(u, [cliHeartbeat(t - 10, { project: "kept" }), cliHeartbeat(t - 5, { project: "deleted" })]);
    await env.DB.prepare("UPDATE heartbeats SET deleted_at = '2024-05-04T00:00:00Z' WHERE user_id = ? AND project = 'deleted'").bind(u.id).run();
    expect((await getJson("/api/v1/authenticated/heartbeats/latest", bearer(u.apiKey))).body.project).toBe("kept");
  });
});
