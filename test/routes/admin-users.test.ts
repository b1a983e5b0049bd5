import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { canChangeTrustOf } from "../../src/domain/admin/trust";
import {
  heartbeatCountSql,
  heartbeatPageSql,
  heartbeatValuesSql,
  heartbeatWhere,
  INFO_STATS_SQL,
  USERS_BY_IP_SQL,
  USERS_BY_MACHINE_SQL,
} from "../../src/db/admin-heartbeats";
import { ADMIN_KEY_BY_HASH_SQL } from "../../src/db/admin-keys";
import { USERS_WITH_TRUST_LEVEL_SQL } from "../../src/db/admin-users";
import { LATEST_TRUST_CHANGES_SQL } from "../../src/db/audit-logs";
import { PROJECT_STATS_SQL } from "../../src/db/heartbeat-reads";
import { calendarDate, parseTimestamp } from "../../src/routes/admin/params";
import { cliHeartbeat, createUser, request, uniqueName, type TestUser, refused, bearer, call, getJson, send } from "../helpers";

const admin = (level: "viewer" | "admin" | "superadmin" | "ultraadmin", extra: Record<string, unknown> = {}) => createUser({ adminLevel: level, ...extra });

async function auditRows(userId: number) {
  const { results } = await env.DB.prepare("SELECT * FROM trust_level_audit_logs WHERE user_id = ? ORDER BY id").bind(userId).all<any>();
  return results;
}

async function trustOf(userId: number) {
  return (await env.DB.prepare("SELECT trust_level FROM users WHERE id = ?").bind(userId).first<{ trust_level: number }>())!.trust_level;
}

// 2025-03-10T10:00:00Z
const T = Date.UTC(2025, 2, 10, 10) / 1000;

describe("admin authentication", () => {
  const paths = [
    "/api/admin/v1/check",
    "/api/admin/v1/banned_users",
    "/api/admin/v1/user/info?user_id=1",
    "/api/admin/v1/user/info_batch?ids=1",
    "/api/admin/v1/user/heartbeats?user_id=1",
    "/api/admin/v1/user/heartbeat_values?user_id=1&field=projects",
    "/api/admin/v1/user/get_users_by_ip?ip=1.2.3.4",
    "/api/admin/v1/user/get_users_by_machine?machine=m",
    "/api/admin/v1/user/stats?user_id=1",
    "/api/admin/v1/user/projects?user_id=1",
    "/api/admin/v1/user/trust_logs?user_id=1",
  ];

  it("answers 401 without a key, with an unknown key and with a user API key", async () => {
    const u = await createUser();
    for (const path of paths) {
      expect((await getJson(path, bearer(null))).status, path).toBe(401);
      expect((await getJson(path, bearer(`hka_${"0".repeat(64)}`))).status, path).toBe(401);
      expect((await getJson(path, bearer(u.apiKey))).status, path).toBe(401);
    }
    for (const path of ["get_user_by_email", "search_fuzzy", "convict"]) {
      const res = await call("POST", `/api/admin/v1/user/${path}`, bearer(null), {});
      expect(res.status, path).toBe(401);
      expect(res.body).toEqual(refused.admin("missing"));
    }
  });

  it("accepts a viewer key on every read route", async () => {
    const v = await admin("viewer");
    for (const path of paths) expect((await getJson(path.replace("user_id=1", `user_id=${v.id}`), bearer(v.adminApiKey))).status, path).toBe(200);
  });
});

describe("GET /api/admin/v1/check", () => {
  it("describes the key and its owner", async () => {
    const v = await admin("viewer", { email: "viewer-check@example.com" });
    const { status, body } = await getJson("/api/admin/v1/check", bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      valid: true,
      creator: { id: v.id, username: v.username, display_name: v.username, admin_level: "viewer" },
      auth: { type: "api_key" },
      api_key: { name: "Initial admin key" },
    });
    expect(body.api_key.id).toBeTypeOf("number");
    expect(body.api_key.created_at).toBeTypeOf("string");
  });
});

describe("GET /api/admin/v1/banned_users", () => {
  it("lists red users by id with their first email or 'no email', paged by limit and offset", async () => {
    const v = await admin("viewer");
    const a = await createUser({ email: `banned-a-${Date.now()}@example.com` });
    const b = await createUser();
    const green = await createUser();
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id IN (?, ?)").bind(a.id, b.id).run();
    await env.DB.prepare("UPDATE users SET trust_level = 2 WHERE id = ?").bind(green.id).run();
    const { status, body } = await getJson("/api/admin/v1/banned_users", bearer(v.adminApiKey));
    expect(status).toBe(200);
    const mine = body.banned_users.filter((r: any) => [a.id, b.id, green.id].includes(r.id));
    expect(mine).toEqual([
      { id: a.id, username: a.username, email: expect.stringMatching(/^banned-a-/) },
      { id: b.id, username: b.username, email: "no email" },
    ]);
    const all = body.banned_users.map((r: any) => r.id);
    expect(all).toEqual([...all].sort((x: number, y: number) => x - y));
    const page = await getJson(`/api/admin/v1/banned_users?limit=1&offset=${all.indexOf(b.id)}`, bearer(v.adminApiKey));
    expect(page.body.banned_users.map((r: any) => r.id)).toEqual([b.id]);
    // limit is capped at 1000; junk reads as 0 (Ruby to_i).
    expect((await getJson("/api/admin/v1/banned_users?limit=5000", bearer(v.adminApiKey))).status).toBe(200);
    expect((await getJson("/api/admin/v1/banned_users?limit=abc", bearer(v.adminApiKey))).body).toEqual({ banned_users: [] });
  });
});

describe("GET /api/admin/v1/user/info", () => {
  it("answers the profile, trust state, emails, key count and activity stats", async () => {
    const v = await admin("viewer");
    const u = await createUser({ email: `Info-${Date.now()}@Example.com`, slackUid: uniqueName("UINFO"), timezone: "Europe/Berlin" });
    await env.DB.prepare("UPDATE users SET trust_level = 3 WHERE id = ?").bind(u.id).run();
    // Day 1: 0, 60, 100 (a, TypeScript); day 2: +0, +30 (b, Python). Total 60 + 40 + 30 = 130 (the day gap is capped: +120).
    await send(u, [
      cliHeartbeat(T, { project: "a" }),
      cliHeartbeat(T + 60, { project: "a", entity: "/x.ts" }),
      cliHeartbeat(T + 100, { project: "a", entity: "/y.ts" }),
      cliHeartbeat(T + 86400, { project: "b", language: "Python", entity: "/z.py" }),
      cliHeartbeat(T + 86430, { project: "b", language: "Python", entity: "/w.py" }),
    ]);
    const { status, body } = await getJson(`/api/admin/v1/user/info?user_id=${u.id}`, bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body.user).toMatchObject({
      id: u.id,
      username: u.username,
      display_name: u.username,
      timezone: "Europe/Berlin",
      admin_level: "default",
      trust_level: "yellow",
      suspected: true,
      banned: false,
      last_heartbeat_at: T + 86430,
      email_addresses: [expect.stringMatching(/^info-\d+@example\.com$/)],
      api_keys_count: 1,
      stats: { total_heartbeats: 5, total_coding_time: 60 + 40 + 120 + 30, languages_used: 2, projects_worked_on: 2, days_active: 2 },
    });
    // `id` works too.
    expect((await getJson(`/api/admin/v1/user/info?id=${u.id}`, bearer(v.adminApiKey))).body.user.id).toBe(u.id);
  });

  it("answers 422 'who?' without an id and 404 'user not found' for an unknown one", async () => {
    const v = await admin("viewer");
    expect(await getJson("/api/admin/v1/user/info", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "who?" } });
    expect(await getJson("/api/admin/v1/user/info?user_id=%20", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "who?" } });
    expect(await getJson("/api/admin/v1/user/info?user_id=0", bearer(v.adminApiKey))).toEqual({ status: 404, body: { error: "user not found" } });
    expect(await getJson("/api/admin/v1/user/info?user_id=99999999", bearer(v.adminApiKey))).toEqual({ status: 404, body: { error: "user not found" } });
    expect(await getJson("/api/admin/v1/user/info?user_id=abc", bearer(v.adminApiKey))).toEqual({ status: 404, body: { error: "user not found" } });
  });
});

describe("GET /api/admin/v1/user/info_batch", () => {
  it("answers the known users of a comma list, in id order", async () => {
    const v = await admin("viewer");
    const a = await createUser({ slackUid: uniqueName("UA"), email: `batch-${Date.now()}@example.com` });
    const b = await createUser();
    await env.DB.prepare("UPDATE users SET trust_level = 1, country_code = 'DE' WHERE id = ?").bind(b.id).run();
    const { status, body } = await getJson(`/api/admin/v1/user/info_batch?ids=${b.id},%20${a.id},${a.id},0,abc`, bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body.users.map((u: any) => u.id)).toEqual([a.id, b.id]);
    expect(body.users[0]).toMatchObject({ id: a.id, username: a.username, display_name: a.username, trust_level: "blue", slack_avatar_url: null });
    expect(body.users[0].avatar_url).toMatch(/^https:\/\/i2\.wp\.com\/ui-avatars\.com\/api\/BA\//);
    expect(body.users[1]).toMatchObject({ id: b.id, trust_level: "red", country_code: "DE" });
    // The spec's array form: ids=1&ids=2.
    expect((await getJson(`/api/admin/v1/user/info_batch?ids=${a.id}&ids=${b.id}`, bearer(v.adminApiKey))).body.users).toHaveLength(2);
  });

  it("answers 422 for blank or empty id lists", async () => {
    const v = await admin("viewer");
    expect(await getJson("/api/admin/v1/user/info_batch?ids=", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "ids parameter required" } });
    expect(await getJson("/api/admin/v1/user/info_batch", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "ids parameter required" } });
    expect(await getJson("/api/admin/v1/user/info_batch?ids=,,,", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "no valid ids provided" } });
  });
});

describe("GET /api/admin/v1/user/heartbeats", () => {
  it("pages the user's heartbeats in time order with total_count and has_more", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    await send(u, [0, 10, 20, 30, 40].map((d) => cliHeartbeat(T + d, { entity: `/f${d}.ts` })), { "CF-Connecting-IP": "10.1.2.3" });
    const page = await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&limit=2&offset=1`, bearer(v.adminApiKey));
    expect(page.status).toBe(200);
    expect(page.body.user_id).toBe(u.id);
    expect(page.body.total_count).toBe(5);
    expect(page.body.has_more).toBe(true);
    expect(page.body.heartbeats.map((h: any) => h.time)).toEqual([T + 10, T + 20]);
    expect(page.body.heartbeats[0]).toMatchObject({
      user_id: u.id,
      entity: "/f10.ts",
      project: "app",
      language: "TypeScript",
      machine: "dev laptop",
      ip_address: "10.1.2.3",
      is_write: true,
      source_type: "direct_entry",
      ja4: null,
    });
    const last = await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&limit=2&offset=4`, bearer(v.adminApiKey));
    expect(last.body.has_more).toBe(false);
    expect(last.body.heartbeats).toHaveLength(1);
    // limit is clamped to 1…5000.
    expect((await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&limit=0`, bearer(v.adminApiKey))).body.heartbeats).toHaveLength(1);
    expect((await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&limit=99999`, bearer(v.adminApiKey))).body.heartbeats).toHaveLength(5);
    // Out-of-range paging is an empty page, never an error.
    for (const qs of ["offset=99999999999999999999", "offset=-3&limit=abc", "limit=1e9"]) {
      expect((await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&${qs}`, bearer(v.adminApiKey))).status, qs).toBe(200);
      expect((await getJson(`/api/admin/v1/user/stats?user_id=${u.id}&${qs}`, bearer(v.adminApiKey))).status, qs).toBe(200);
      expect((await getJson(`/api/admin/v1/banned_users?${qs}`, bearer(v.adminApiKey))).status, qs).toBe(200);
    }
  });

  it("filters by start_date/end_date (epoch s, epoch ms or a date) and exact fields", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    await send(u, [
      cliHeartbeat(T - 86400, { project: "old" }),
      cliHeartbeat(T, { project: "p", language: "Go", entity: "/a.go" }),
      cliHeartbeat(T + 60, { project: "q", entity: "/b.ts" }),
      cliHeartbeat(T + 86400, { project: "p", entity: "/c.ts" }),
    ]);
    const times = async (qs: string) => {
      const r = await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&${qs}`, bearer(v.adminApiKey));
      expect(r.status, qs).toBe(200);
      return r.body.heartbeats.map((h: any) => h.time);
    };
    expect(await times(`start_date=${T}&end_date=${T + 60}`)).toEqual([T, T + 60]);
    expect(await times(`start_date=${T * 1000}`)).toEqual([T, T + 60, T + 86400]);
    expect(await times("start_date=2025-03-10&end_date=2025-03-10")).toEqual([T, T + 60]);
    expect(await times("project=p")).toEqual([T, T + 86400]);
    expect(await times("project=p&language=Go")).toEqual([T]);
    expect(await times("entity=/b.ts")).toEqual([T + 60]);
    expect(await times("editor=vscode&machine=dev%20laptop&project=q")).toEqual([T + 60]);
    expect(await times("editor=emacs")).toEqual([]);
  });

  it("answers 422 for an unreadable date and 404 for an unknown user", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    expect(await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&start_date=not-a-date`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid start_date" } });
    expect(await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&end_date=2025-13-01`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid end_date" } });
    expect(await getJson(`/api/admin/v1/user/heartbeats?user_id=${u.id}&start_date=999999999999999999`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid start_date" } });
    expect(await getJson("/api/admin/v1/user/heartbeats?user_id=0", bearer(v.adminApiKey))).toEqual({ status: 404, body: { error: "user not found" } });
    expect(await getJson("/api/admin/v1/user/heartbeats", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "who?" } });
  });
});

describe("GET /api/admin/v1/user/heartbeat_values", () => {
  it("lists a field's distinct non-empty values in order, within the range", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    await send(
      u,
      [
        cliHeartbeat(T, { project: "zeta", branch: "main" }),
        cliHeartbeat(T + 10, { project: "alpha", branch: "dev" }),
        cliHeartbeat(T + 20, { project: "alpha", branch: "main" }),
        cliHeartbeat(T + 86400 * 3, { project: "late" }),
      ],
      { "CF-Connecting-IP": "192.0.2.7" },
    );
    const values = async (qs: string) => (await getJson(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}&${qs}`, bearer(v.adminApiKey))).body;
    expect(await values("field=projects")).toEqual({ user_id: u.id, field: "projects", values: ["alpha", "late", "zeta"], count: 3 });
    expect((await values(`field=projects&end_date=${T + 3600}`)).values).toEqual(["alpha", "zeta"]);
    expect((await values("field=branches")).values).toEqual(["dev", "main"]);
    expect((await values("field=ips")).values).toEqual(["192.0.2.7"]);
    expect((await values("field=machines")).values).toEqual(["dev laptop"]);
    expect((await values("field=projects&limit=1")).values).toEqual(["alpha"]);
  });

  it("answers 422 'invalid field' and 'invalid start_date', and 404 for unknown users", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    expect(await getJson(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}&field=not_a_field`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid field" } });
    expect(await getJson(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid field" } });
    expect(await getJson(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}&field=constructor`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid field" } });
    expect(await getJson(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}&field=projects&start_date=nope`, bearer(v.adminApiKey))).toEqual({
      status: 422,
      body: { error: "invalid start_date" },
    });
    expect((await getJson("/api/admin/v1/user/heartbeat_values?user_id=0&field=projects", bearer(v.adminApiKey))).status).toBe(404);
  });
});

describe("GET /api/admin/v1/user/get_users_by_ip and get_users_by_machine", () => {
  it("finds every user seen with an IP or a machine", async () => {
    const v = await admin("viewer");
    const a = await createUser();
    const b = await createUser();
    const c = await createUser();
    const ip = `203.0.113.${Date.now() % 250}`;
    const machine = uniqueName("box");
    await send(a, [cliHeartbeat(T)], { "CF-Connecting-IP": ip, "X-Machine-Name": machine });
    await send(b, [cliHeartbeat(T), cliHeartbeat(T + 30)], { "CF-Connecting-IP": ip, "X-Machine-Name": "other" });
    await send(c, [cliHeartbeat(T)], { "CF-Connecting-IP": "198.51.100.1", "X-Machine-Name": machine });

    const byIp = await getJson(`/api/admin/v1/user/get_users_by_ip?ip=${ip}`, bearer(v.adminApiKey));
    expect(byIp.status).toBe(200);
    expect(byIp.body.users).toEqual([
      { user_id: a.id, ip_address: ip, machine, user_agent: expect.stringContaining("wakatime/") },
      { user_id: b.id, ip_address: ip, machine: "other", user_agent: expect.stringContaining("wakatime/") },
    ]);
    const byMachine = await getJson(`/api/admin/v1/user/get_users_by_machine?machine=${machine}`, bearer(v.adminApiKey));
    expect(byMachine.body).toEqual({ users: [{ user_id: a.id, machine }, { user_id: c.id, machine }] });
    expect((await getJson("/api/admin/v1/user/get_users_by_ip?ip=192.0.2.254", bearer(v.adminApiKey))).body).toEqual({ users: [] });
  });

  it("answers Hackatime's 422 messages for blank input", async () => {
    const v = await admin("viewer");
    expect(await getJson("/api/admin/v1/user/get_users_by_ip?ip=", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "bro dont got the ip" } });
    expect(await getJson("/api/admin/v1/user/get_users_by_ip", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "bro dont got the ip" } });
    expect(await getJson("/api/admin/v1/user/get_users_by_machine?machine=%20", bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "bro dont got the machine" } });
  });
});

describe("GET /api/admin/v1/user/stats", () => {
  it("lists one UTC day's heartbeats with their count and capped-gap total", async () => {
    const v = await admin("viewer");
    const u = await createUser({ timezone: "America/New_York" });
    await send(u, [
      cliHeartbeat(T - 3600 * 11), // 2025-03-09T23:00Z: the day before
      cliHeartbeat(T, { dependencies: ["react"] }),
      cliHeartbeat(T + 90),
      cliHeartbeat(T + 500),
      cliHeartbeat(T + 530.5),
    ]);
    const { status, body } = await getJson(`/api/admin/v1/user/stats?user_id=${u.id}&date=2025-03-10`, bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      user_id: u.id,
      username: u.username,
      start_date: "2025-03-10",
      end_date: "2025-03-10",
      timezone: "America/New_York",
      total_heartbeats: 4,
      total_duration: 90 + 120 + 31, // 30.5 rounds up
      has_more: false,
    });
    expect(body.heartbeats.map((h: any) => h.time)).toEqual(["2025-03-10T10:00:00Z", "2025-03-10T10:01:30Z", "2025-03-10T10:08:20Z", "2025-03-10T10:08:50Z"]);
    expect(body.heartbeats[0]).toMatchObject({ project: "app", dependencies: '["react"]', is_write: true, lineno: 10, source_type: "direct_entry" });

    const range = await getJson(`/api/admin/v1/user/stats?user_id=${u.id}&start_date=2025-03-09&end_date=2025-03-10&limit=2`, bearer(v.adminApiKey));
    expect(range.body).toMatchObject({ start_date: "2025-03-09", end_date: "2025-03-10", total_heartbeats: 5, total_duration: 120 + 90 + 120 + 31, has_more: true });
    expect(range.body.heartbeats).toHaveLength(2);
  });

  it("answers 422 for unreadable dates and 404 for unknown users", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    expect(await getJson(`/api/admin/v1/user/stats?user_id=${u.id}&date=not-a-date`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "Invalid date." } });
    expect(await getJson(`/api/admin/v1/user/stats?user_id=${u.id}&start_date=bad`, bearer(v.adminApiKey))).toEqual({ status: 422, body: { error: "invalid start_date" } });
    expect((await getJson(`/api/admin/v1/user/stats?user_id=${u.id}`, bearer(v.adminApiKey))).body.total_heartbeats).toBe(0);
    expect((await getJson("/api/admin/v1/user/stats?user_id=0", bearer(v.adminApiKey))).status).toBe(404);
  });
});

describe("GET /api/admin/v1/user/projects", () => {
  it("answers per project its count, separately chained duration, languages and repo mapping, most heartbeats first", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    await send(u, [
      cliHeartbeat(T, { project: "a" }),
      cliHeartbeat(T + 30, { project: "b", language: "Go" }),
      cliHeartbeat(T + 60, { project: "a", language: "Rust" }),
      cliHeartbeat(T + 90, { project: "a" }),
      cliHeartbeat(T + 86400 * 40, { project: "b" }),
    ]);
    await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url, archived_at) VALUES (?, 'a', 'https://github.com/x/a', '2026-01-01T00:00:00Z')")
      .bind(u.id)
      .run();
    const mapping = await env.DB.prepare("SELECT id FROM project_repo_mappings WHERE user_id = ?").bind(u.id).first<{ id: number }>();
    const { status, body } = await getJson(`/api/admin/v1/user/projects?user_id=${u.id}`, bearer(v.adminApiKey));
    expect(status).toBe(200);
    expect(body).toEqual({
      user_id: u.id,
      username: u.username,
      total_projects: 2,
      projects: [
        { name: "a", total_heartbeats: 3, total_duration: 90, first_heartbeat: T, last_heartbeat: T + 90, languages: ["Rust", "TypeScript"], repo: "https://github.com/x/a", repo_mapping_id: mapping!.id, archived: true },
        { name: "b", total_heartbeats: 2, total_duration: 120, first_heartbeat: T + 30, last_heartbeat: T + 86400 * 40, languages: ["Go", "TypeScript"], repo: null, repo_mapping_id: null, archived: false },
      ],
    });
    const ranged = await getJson(`/api/admin/v1/user/projects?user_id=${u.id}&start_date=2025-03-10&end_date=2025-03-10`, bearer(v.adminApiKey));
    expect(ranged.body.projects.map((p: any) => [p.name, p.total_heartbeats, p.total_duration])).toEqual([
      ["a", 3, 90],
      ["b", 1, 0],
    ]);
    expect((await getJson(`/api/admin/v1/user/projects?user_id=${u.id}&end_date=zzz`, bearer(v.adminApiKey))).status).toBe(422);
    expect((await getJson("/api/admin/v1/user/projects?user_id=0", bearer(v.adminApiKey))).status).toBe(404);
  });
});

describe("POST /api/admin/v1/user/get_user_by_email", () => {
  it("finds the user id by email, case-insensitively", async () => {
    const v = await admin("viewer");
    const email = `lookup-${Date.now()}@example.com`;
    const u = await createUser({ email });
    expect(await call("POST", "/api/admin/v1/user/get_user_by_email", bearer(v.adminApiKey), { email: email.toUpperCase() })).toEqual({ status: 200, body: { user_id: u.id } });
    expect(await call("POST", "/api/admin/v1/user/get_user_by_email", bearer(v.adminApiKey), { email }, { form: true })).toEqual({ status: 200, body: { user_id: u.id } });
  });

  it("answers 422 without an email and 404 for an unknown one", async () => {
    const v = await admin("viewer");
    expect(await call("POST", "/api/admin/v1/user/get_user_by_email", bearer(v.adminApiKey), {})).toEqual({ status: 422, body: { error: "bro dont have a email" } });
    expect(await call("POST", "/api/admin/v1/user/get_user_by_email", bearer(v.adminApiKey), { email: " " })).toEqual({ status: 422, body: { error: "bro dont have a email" } });
    expect(await call("POST", "/api/admin/v1/user/get_user_by_email", bearer(v.adminApiKey), { email: "nobody@nowhere.test" })).toEqual({ status: 404, body: { error: "email not found" } });
    const empty = await request("/api/admin/v1/user/get_user_by_email", { method: "POST", headers: bearer(v.adminApiKey) });
    expect(empty.status).toBe(422);
  });
});

describe("POST /api/admin/v1/user/search_fuzzy", () => {
  it("ranks exact matches above prefixes above substrings and skips users without email", async () => {
    const v = await admin("viewer");
    const tag = uniqueName("fz").replace(/[^a-z0-9]/gi, "").toLowerCase();
    const exact = await createUser({ username: tag, email: `${tag}-e@example.com` });
    const prefix = await createUser({ username: `${tag}_more`, email: `p-${tag}@example.com` });
    const inner = await createUser({ username: `x_${tag}_y`, email: `i-${Date.now()}@example.com` });
    const byEmail = await createUser({ username: uniqueName("mail"), email: `${tag}@mail.test` });
    await createUser({ username: `z_${tag}` }); // no email: left out
    const { status, body } = await call("POST", "/api/admin/v1/user/search_fuzzy", bearer(v.adminApiKey), { query: tag.toUpperCase() });
    expect(status).toBe(200);
    expect(body.users.map((u: any) => u.id)).toEqual([exact.id, prefix.id, byEmail.id, inner.id]);
    // exact username 100 + email prefix 50; prefix username 50 + email substring 10; email exact-local prefix 50; substring 10.
    expect(body.users.map((u: any) => u.rank_score)).toEqual([150, 60, 50, 10]);
    expect(body.users[0]).toMatchObject({ username: tag, email: `${tag}-e@example.com`, slack_username: null, github_avatar_url: null });
    expect(body.users[3].email).toMatch(/^i-/);
    const byId = await call("POST", "/api/admin/v1/user/search_fuzzy", bearer(v.adminApiKey), { query: String(exact.id) });
    expect(byId.body.users[0]).toMatchObject({ id: exact.id });
    expect(byId.body.users[0].rank_score).toBeGreaterThanOrEqual(1000);
  });

  it("treats LIKE wildcards literally and answers 422 without a query", async () => {
    const v = await admin("viewer");
    expect((await call("POST", "/api/admin/v1/user/search_fuzzy", bearer(v.adminApiKey), { query: "%" })).body).toEqual({ users: [] });
    expect(await call("POST", "/api/admin/v1/user/search_fuzzy", bearer(v.adminApiKey), { query: "" })).toEqual({ status: 422, body: { error: "bro dont have a query" } });
    expect(await call("POST", "/api/admin/v1/user/search_fuzzy", bearer(v.adminApiKey), {})).toEqual({ status: 422, body: { error: "bro dont have a query" } });
  });
});

describe("POST /api/admin/v1/user/convict", () => {
  it("lets an admin change a default user's trust level, writing one audit row per actual change", async () => {
    const a = await admin("admin", { email: `judge-${Date.now()}@example.com` });
    const u = await createUser();
    const res = await call("POST", "/api/admin/v1/user/convict", bearer(a.adminApiKey), { user_id: u.id, trust_level: "green", reason: "verified", notes: "met in person" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      message: "gotcha, updated to green",
      user: { id: u.id, username: u.username, trust_level: "green" },
      audit_log: { changed_by: a.username, reason: "verified", notes: "met in person" },
    });
    expect(Date.parse(res.body.user.updated_at)).not.toBeNaN();
    expect(Date.parse(res.body.audit_log.timestamp)).not.toBeNaN();
    expect(await trustOf(u.id)).toBe(2);
    const rows = await auditRows(u.id);
    expect(rows).toMatchObject([{ user_id: u.id, changed_by_id: a.id, previous_trust_level: "blue", new_trust_level: "green", reason: "verified", notes: "met in person" }]);

    // The same level again: success, but no new audit row.
    const again = await call("POST", "/api/admin/v1/user/convict", bearer(a.adminApiKey), { id: u.id, trust_level: "green", reason: "still fine" });
    expect(again.status).toBe(200);
    expect(again.body.audit_log.notes).toBeNull();
    expect(await auditRows(u.id)).toHaveLength(1);

    // A change back: a second row with the level it replaced.
    expect((await call("POST", "/api/admin/v1/user/convict", bearer(a.adminApiKey), { user_id: String(u.id), trust_level: "yellow", reason: "odd" }, { form: true })).status).toBe(200);
    const after = await auditRows(u.id);
    expect(after.map((r: any) => [r.previous_trust_level, r.new_trust_level])).toEqual([
      ["blue", "green"],
      ["green", "yellow"],
    ]);

    // trust_logs: newest first, with the changer.
    const logs = await getJson(`/api/admin/v1/user/trust_logs?user_id=${u.id}`, bearer(a.adminApiKey));
    expect(logs.status).toBe(200);
    expect(logs.body.trust_logs.map((l: any) => l.new_trust_level)).toEqual(["yellow", "green"]);
    expect(logs.body.trust_logs[0]).toMatchObject({
      previous_trust_level: "green",
      reason: "odd",
      notes: null,
      changed_by: { id: a.id, username: a.username, display_name: a.username, admin_level: "admin" },
    });
  });

  it("refuses a viewer with 403 before looking at the request", async () => {
    const v = await admin("viewer");
    const u = await createUser();
    expect(await call("POST", "/api/admin/v1/user/convict", bearer(v.adminApiKey), { user_id: u.id, trust_level: "red", reason: "spam" })).toEqual({ status: 403, body: { error: "no perms lmaooo" } });
    expect(await call("POST", "/api/admin/v1/user/convict", bearer(v.adminApiKey), {})).toEqual({ status: 403, body: { error: "no perms lmaooo" } });
    expect(await trustOf(u.id)).toBe(0);
    expect(await auditRows(u.id)).toHaveLength(0);
  });

  it("lets only superadmins and above set red", async () => {
    const a = await admin("admin");
    const s = await admin("superadmin");
    const u = await createUser();
    expect(await call("POST", "/api/admin/v1/user/convict", bearer(a.adminApiKey), { user_id: u.id, trust_level: "red", reason: "spam" })).toEqual({ status: 403, body: { error: "no perms lmaooo" } });
    expect(await auditRows(u.id)).toHaveLength(0);
    const ok = await call("POST", "/api/admin/v1/user/convict", bearer(s.adminApiKey), { user_id: u.id, trust_level: "red", reason: "spam" });
    expect(ok.status).toBe(200);
    expect(ok.body.user.trust_level).toBe("red");
    expect(await trustOf(u.id)).toBe(1);
    expect(await auditRows(u.id)).toMatchObject([{ changed_by_id: s.id, previous_trust_level: "blue", new_trust_level: "red" }]);
    // A red user is listed as banned and marked so in user/info.
    expect((await getJson(`/api/admin/v1/user/info?user_id=${u.id}`, bearer(s.adminApiKey))).body.user).toMatchObject({ banned: true, trust_level: "red" });
    expect((await getJson("/api/admin/v1/banned_users?limit=1000", bearer(s.adminApiKey))).body.banned_users.map((r: any) => r.id)).toContain(u.id);
  });

  it("requires the actor to strictly outrank the target and never to change themselves", async () => {
    const a = await admin("admin");
    const a2 = await admin("admin");
    const s = await admin("superadmin");
    const ultra = await admin("ultraadmin");
    const cases: Array<[TestUser, TestUser, string, number]> = [
      [a, a, "green", 403], // self
      [s, s, "blue", 403], // self, superadmin
      [a, a2, "green", 403], // equal rank
      [a, s, "green", 403], // outranked
      [s, ultra, "red", 403],
      [s, a, "green", 200],
      [ultra, s, "red", 200],
    ];
    for (const [actor, target, level, status] of cases) {
      const res = await call("POST", "/api/admin/v1/user/convict", bearer(actor.adminApiKey), { user_id: target.id, trust_level: level, reason: "test" });
      expect(res.status, `${actor.username} → ${target.username} ${level}`).toBe(status);
      if (status === 403) expect(res.body).toEqual({ error: "no perms lmaooo" });
    }
    expect(await auditRows(a.id)).toHaveLength(1);
    expect(await auditRows(a2.id)).toHaveLength(0);
    expect(await auditRows(s.id)).toHaveLength(1);
    expect(await auditRows(ultra.id)).toHaveLength(0);
  });

  it("answers 404, and 422 for a missing id, a blank reason or an unknown level", async () => {
    const a = await admin("admin");
    const u = await createUser();
    const convict = (payload: unknown) => call("POST", "/api/admin/v1/user/convict", bearer(a.adminApiKey), payload);
    expect(await convict({ user_id: 0, trust_level: "green", reason: "x" })).toEqual({ status: 404, body: { error: "user not found" } });
    expect(await convict({ user_id: 99999999, trust_level: "green", reason: "x" })).toEqual({ status: 404, body: { error: "user not found" } });
    expect(await convict({ trust_level: "green", reason: "x" })).toEqual({ status: 422, body: { error: "who?" } });
    expect(await convict({ user_id: u.id, trust_level: "green" })).toEqual({ status: 422, body: { error: "you cant punish a mortal and not justify your actions" } });
    expect(await convict({ user_id: u.id, trust_level: "green", reason: "   " })).toEqual({ status: 422, body: { error: "you cant punish a mortal and not justify your actions" } });
    expect(await convict({ user_id: u.id, trust_level: "not_a_level", reason: "x" })).toEqual({ status: 422, body: { error: "read the docs you idiot" } });
    expect(await convict({ user_id: u.id, reason: "x" })).toEqual({ status: 422, body: { error: "read the docs you idiot" } });
    expect(await convict({ user_id: u.id, trust_level: "RED", reason: "x" })).toEqual({ status: 422, body: { error: "read the docs you idiot" } });
    expect(await auditRows(u.id)).toHaveLength(0);
    // Malformed JSON is a client error, never a 500.
    const res = await request("/api/admin/v1/user/convict", { method: "POST", headers: { ...bearer(a.adminApiKey), "Content-Type": "application/json" }, body: "{" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe("GET /api/admin/v1/user/trust_logs", () => {
  it("answers the latest 25 only, and 404/422 for bad ids", async () => {
    const v = await admin("viewer");
    const s = await admin("superadmin");
    const u = await createUser();
    const levels = ["green", "yellow"];
    for (let i = 0; i < 27; i++) expect((await call("POST", "/api/admin/v1/user/convict", bearer(s.adminApiKey), { user_id: u.id, trust_level: levels[i % 2], reason: `r${i}` })).status).toBe(200);
    const { body } = await getJson(`/api/admin/v1/user/trust_logs?user_id=${u.id}`, bearer(v.adminApiKey));
    expect(body.trust_logs).toHaveLength(25);
    expect(body.trust_logs[0].reason).toBe("r26");
    expect((await getJson("/api/admin/v1/user/trust_logs?user_id=0", bearer(v.adminApiKey))).status).toBe(404);
    expect((await getJson("/api/admin/v1/user/trust_logs", bearer(v.adminApiKey))).status).toBe(422);
  });
});

describe("trust rule and date parsing", () => {
  it("canChangeTrustOf follows Hackatime's can_change_trust_of?", () => {
    const actor = (id: number, adminLevel: string) => ({ id, adminLevel });
    expect(canChangeTrustOf(actor(1, "admin"), actor(2, "default"), "green")).toBe(true);
    expect(canChangeTrustOf(actor(1, "admin"), actor(2, "viewer"), "yellow")).toBe(true);
    expect(canChangeTrustOf(actor(1, "admin"), actor(2, "default"), "red")).toBe(false);
    expect(canChangeTrustOf(actor(1, "viewer"), actor(2, "default"), "green")).toBe(false);
    expect(canChangeTrustOf(actor(1, "superadmin"), actor(1, "superadmin"), "green")).toBe(false);
    expect(canChangeTrustOf(actor(1, "ultraadmin"), actor(2, "superadmin"), "red")).toBe(true);
    expect(canChangeTrustOf(actor(1, "ultraadmin"), actor(2, "ultraadmin"), "blue")).toBe(false);
    expect(canChangeTrustOf(actor(1, "ultraadmin"), actor(2, "default"), "purple")).toBe(false);
  });

  it("reads dates as Hackatime's parse_ts and Date.parse do", () => {
    const now = Date.UTC(2025, 5, 15, 12) / 1000;
    expect(parseTimestamp("1741600800", "start_date", "start")).toBe(1741600800);
    expect(parseTimestamp("1741600800123", "start_date", "start")).toBe(1741600800);
    expect(parseTimestamp("2025-03-10", "start_date", "start")).toBe(T - 36000);
    expect(parseTimestamp("2025-03-10", "end_date", "end")).toBe(T - 36000 + 86399);
    expect(parseTimestamp("2025-03-10T22:00:00Z", "end_date", "end")).toBe(T - 36000 + 86399);
    expect(() => parseTimestamp("yesterday", "start_date", "start")).toThrow("invalid start_date");
    expect(calendarDate("2025/3/9", now)).toBe("2025-03-09");
    expect(calendarDate("20250309", now)).toBe("2025-03-09");
    expect(calendarDate("2025-03-09T23:30:00-05:00", now)).toBe("2025-03-09");
    expect(calendarDate("2025-02-30", now)).toBeNull();
    expect(calendarDate("not-a-date", now)).toBeNull();
    expect(calendarDate("", now)).toBeNull();
  });
});

async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

describe("query plans of the admin heartbeat reads", () => {
  it("reads one user's heartbeats through the user indexes, never scanning the table", async () => {
    const ranged = heartbeatWhere(1, { start: 0, end: 10 });
    const unbounded = heartbeatWhere(1, { start: null, end: null }, { editor: "vscode" });
    const byProject = heartbeatWhere(1, { start: null, end: null }, { project: "p" });
    const plans = {
      info: await plan(INFO_STATS_SQL, 1, 0, 1),
      count: await plan(heartbeatCountSql(ranged.where), ...ranged.params),
      page: await plan(heartbeatPageSql(ranged.where), ...ranged.params, 10, 0),
      pageFiltered: await plan(heartbeatPageSql(unbounded.where), ...unbounded.params, 10, 0),
      pageByProject: await plan(heartbeatPageSql(byProject.where), ...byProject.params, 10, 0),
      values: await plan(heartbeatValuesSql("language", ranged.where), ...ranged.params, 10),
      projects: await plan(PROJECT_STATS_SQL(false), 1, 0, 1),
    };
    for (const [name, p] of Object.entries(plans)) {
      expect(p, name).toMatch(/SEARCH heartbeats USING (COVERING )?INDEX heartbeats_user_(project_)?time/);
      expect(p, name).not.toMatch(/SCAN heartbeats/);
    }
    // Pages come in index order: no sort of the user's rows.
    expect(plans.page).not.toMatch(/TEMP B-TREE/);
    expect(plans.pageFiltered).not.toMatch(/TEMP B-TREE/);
    expect(plans.pageByProject).toMatch(/heartbeats_user_project_time/);
  });
});

describe("query plans of the other admin reads", () => {
  it("uses the index each lookup is written for", async () => {
    const plans = {
      byIp: await plan(USERS_BY_IP_SQL, "1.2.3.4", 10),
      byMachine: await plan(USERS_BY_MACHINE_SQL, "m", 10),
      banned: await plan(USERS_WITH_TRUST_LEVEL_SQL, 1, 10, 0),
      trustLogs: await plan(LATEST_TRUST_CHANGES_SQL, 1, 25),
      adminKey: await plan(ADMIN_KEY_BY_HASH_SQL, "x"),
    };
    expect(plans.byIp).toMatch(/SEARCH heartbeats USING INDEX heartbeats_ip_user \(ip_address=\?\)/);
    expect(plans.byMachine).toMatch(/SEARCH heartbeats USING INDEX heartbeats_machine_user \(machine=\?\)/);
    expect(plans.banned).toMatch(/SEARCH u USING INDEX users_trust_level \(trust_level=\?\)/);
    expect(plans.trustLogs).toMatch(/SEARCH trust_level_audit_logs USING INDEX trust_level_audit_logs_user \(user_id=\?\)/);
    expect(plans.adminKey).toMatch(/SEARCH k USING INDEX admin_api_keys_token_hash_unique/);
    for (const [name, p] of Object.entries(plans)) expect(p, name).not.toMatch(/\bSCAN\b/);
    // Each is read in index order: no sort of the matching rows.
    for (const name of ["byMachine", "banned", "trustLogs"] as const) expect(plans[name], name).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });
});
