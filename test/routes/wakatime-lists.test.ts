// The rest of the WakaTime read API: a day's durations (block sums equal Tally's per-value day
// totals), projects, user agents, machine names, leaders from the weekly board, and meta.
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/cron";
import { DAY_PROJECT_SLICE_SQL, DAY_SLICE_SQL, PROJECT_LIST_SQL, USER_AGENT_LIST_SQL, MACHINE_LIST_SQL } from "../../src/db/heartbeats";
import { handleQueueBatch } from "../../src/queues";
import { localDayBounds } from "../../src/lib/time";
import { COMPAT_PREFIXES, DurationsSchema, LeadersSchema, MachineNamesSchema, MetaSchema, UserAgentsSchema, WakaTimeProjectsSchema } from "../../src/schemas/wakatime";
import { bearer as withKey, CLI_USER_AGENT, cliHeartbeat, createUser, getJson, queryPlan as plan, sendHeartbeats as send } from "../helpers";

const at = (iso: string) => Date.parse(iso) / 1000;

/** A deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe("GET users/{id}/durations", () => {
  it("merges each value's chain into blocks whose sums are Tally's day totals per value, on random data", async () => {
    const tz = "America/Los_Angeles";
    const u = await createUser({ timezone: tz });
    const { start, end } = localDayBounds("2026-09-14", tz);
    const rand = rng(13);
    const beats = [];
    for (let t = start - 300; t < end + 300 && beats.length < 400; t += rand() < 0.12 ? 150 + rand() * 2000 : rand() * 110) {
      beats.push(
        cliHeartbeat(Math.round(t * 1000) / 1000, {
          project: ["alpha", "beta"][Math.floor(rand() * 2)],
          language: ["Go", "Rust", "TypeScript"][Math.floor(rand() * 3)],
          branch: ["main", "dev"][Math.floor(rand() * 2)],
          dependencies: rand() < 0.5 ? ["react", "zod"] : ["zod"],
        }),
      );
    }
    await send(u.apiKey, beats);
    const own = async (features: string, extra = "") =>
      (await getJson(`/api/v1/users/${u.id}/stats?start_date=${new Date(start * 1000).toISOString()}&end_date=${new Date(end * 1000).toISOString()}&features=${features}${extra}`)).body.data;
    const sums = (data: any[], key: string) => {
      const m = new Map<string, number>();
      for (const d of data) m.set(d[key], (m.get(d[key]) ?? 0) + d.duration);
      return Object.fromEntries([...m].map(([k, v]) => [k, Math.round(v)]).filter(([, v]) => (v as number) > 0));
    };
    const named = (entries: any[]) => Object.fromEntries(entries.map((e: any) => [e.name, e.total_seconds]));

    for (const prefix of COMPAT_PREFIXES) {
      const { res, body } = await getJson(`${prefix}/users/current/durations?date=2026-09-14`, withKey(u.apiKey));
      expect(res.status).toBe(200);
      const parsed = DurationsSchema.parse(body);
      expect(parsed).toMatchObject({ start: new Date(start * 1000).toISOString().replace(".000", ""), timezone: tz, branches: ["dev", "main"] });
      expect(sums(body.data, "project")).toEqual(named((await own("projects")).projects));
      expect(body.data.map((d: any) => d.time)).toEqual([...body.data.map((d: any) => d.time)].sort((a, b) => a - b));
      expect(body.data.every((d: any) => d.time >= start && d.time < end && d.color === null)).toBe(true);
      const languages = (await getJson(`${prefix}/users/current/durations?date=2026-09-14&slice_by=language`, withKey(u.apiKey))).body;
      expect(sums(languages.data, "language")).toEqual(named((await own("languages")).languages));
      // project= keeps that project's heartbeats: its own chain, the languages within it.
      const alpha = (await getJson(`${prefix}/users/current/durations?date=2026-09-14&project=alpha&slice_by=language`, withKey(u.apiKey))).body;
      expect(sums(alpha.data, "language")).toEqual(named((await own("languages", "&filter_by_project=alpha")).languages));
      const deps = (await getJson(`${prefix}/users/current/durations?date=2026-09-14&slice_by=dependencies`, withKey(u.apiKey))).body;
      expect(Object.keys(sums(deps.data, "dependencies")).sort()).toEqual(["react", "zod"]);
      const branch = (await getJson(`${prefix}/users/current/durations?date=2026-09-14&branches=dev`, withKey(u.apiKey))).body;
      expect(branch.branches).toEqual(["dev", "main"]);
      expect(branch.data.length).toBeGreaterThan(0);
    }
  });

  it("pads a block ended by a gap over 120 s with the capped 120 s, and starts the next at its heartbeat", async () => {
    const u = await createUser({ timezone: "UTC" });
    const t = at("2026-09-01T10:00:00Z");
    await send(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 60), cliHeartbeat(t + 600), cliHeartbeat(t + 630), cliHeartbeat(t + 640, { project: "other" })]);
    const { body } = await getJson("/api/hackatime/v1/users/current/durations?date=2026-09-01", withKey(u.apiKey));
    expect(body.data).toEqual([
      { project: "app", time: t, duration: 180, color: null },
      { project: "app", time: t + 600, duration: 30, color: null },
      { project: "other", time: t + 640, duration: 0, color: null },
    ]);
    const os = await getJson("/api/hackatime/v1/users/current/durations?date=2026-09-01&slice_by=os&timezone=Asia/Tokyo", withKey(u.apiKey));
    expect(os.body).toMatchObject({
      timezone: "Asia/Tokyo",
      start: "2026-08-31T15:00:00Z",
      data: [
        { os: "linux", time: t, duration: 180 },
        { os: "linux", time: t + 600, duration: 40 },
      ],
    });
  });

  it("answers 400 for a bad date, slice or zone, and reads the day by the time indexes", async () => {
    const u = await createUser();
    for (const [query, error] of [
      ["", "date must be a valid date in YYYY-MM-DD format"],
      ["date=2026-02-30", "date must be a valid date in YYYY-MM-DD format"],
      ["date=2026-02-01&slice_by=colour", "slice_by must be one of: project, entity, language, dependencies, os, editor, category, machine"],
      ["date=2026-02-01&timezone=Mars/Base", "Invalid timezone"],
    ]) {
      const { res, body } = await getJson(`/api/hackatime/v1/users/current/durations?${query}`, withKey(u.apiKey));
      expect(res.status, query).toBe(400);
      expect(body).toEqual({ error });
    }
    expect((await getJson("/api/hackatime/v1/users/current/durations?date=9999-12-31", withKey(u.apiKey))).body.data).toEqual([]);
    const day = await plan(DAY_SLICE_SQL, 1, 0, 86400);
    expect(day).toMatch(/USING INDEX heartbeats_user_time/);
    expect(day).not.toMatch(/TEMP B-TREE/);
    // Either time index bounds the read by the day (the planner picks one without statistics).
    const project = await plan(DAY_PROJECT_SLICE_SQL, 1, 0, 86400, "p");
    expect(project).toMatch(/SEARCH heartbeats USING INDEX heartbeats_user_(project_)?time/);
    expect(project).not.toMatch(/TEMP B-TREE/);
  });
});

describe("GET users/{id}/projects, user_agents, machine_names", () => {
  it("lists named projects with first and last heartbeats, filtered by ?q=", async () => {
    const u = await createUser();
    const t = at("2026-10-01T08:00:00Z");
    await send(u.apiKey, [
      cliHeartbeat(t, { project: "Tally" }),
      cliHeartbeat(t + 100, { project: "website" }),
      cliHeartbeat(t + 200, { project: "Tally" }),
      cliHeartbeat(t + 300, { project: "" }),
    ]);
    await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url) VALUES (?, 'Tally', 'https://github.com/x/tally')").bind(u.id).run();
    for (const prefix of COMPAT_PREFIXES) {
      const data = WakaTimeProjectsSchema.parse((await getJson(`${prefix}/users/${u.username}/projects`)).body).data;
      expect(data.map((p) => [p.name, p.first_heartbeat_at, p.last_heartbeat_at])).toEqual([
        ["Tally", "2026-10-01T08:00:00Z", "2026-10-01T08:03:20Z"],
        ["website", "2026-10-01T08:01:40Z", "2026-10-01T08:01:40Z"],
      ]);
      expect(data[0]).toMatchObject({ repository: { url: "https://github.com/x/tally" }, urlencoded_name: "Tally", human_readable_last_heartbeat_at: expect.stringMatching(/ ago$/) });
      expect(data[0].id).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/);
      expect((await getJson(`${prefix}/users/current/projects?q=ALL`, withKey(u.apiKey))).body.data.map((p: any) => p.name)).toEqual(["Tally"]);
    }
    const p = await plan(PROJECT_LIST_SQL, 1);
    expect(p).toMatch(/heartbeats_user_project_time/);
    expect(p).not.toMatch(/SCAN heartbeats\b/);
  });

  it("lists the user's own user agents and machines, most recent first", async () => {
    const u = await createUser();
    const other = await createUser();
    const t = at("2026-10-02T08:00:00Z");
    const zed = "wakatime/v1.102.1 (darwin-23.6.0-arm64) go1.23.4 zed/0.160.0 zed-wakatime/0.1.9";
    await send(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 60)]);
    await send(u.apiKey, [cliHeartbeat(t + 120, { user_agent: zed })], { "User-Agent": zed, "X-Machine-Name": "mac+mini" });
    for (const prefix of COMPAT_PREFIXES) {
      const agents = UserAgentsSchema.parse((await getJson(`${prefix}/users/current/user_agents`, withKey(u.apiKey))).body).data;
      expect(agents.map((a) => [a.value, a.editor, a.os, a.version, a.last_seen_at])).toEqual([
        [zed, "Zed", "macOS", "0.1.9", "2026-10-02T08:02:00Z"],
        [CLI_USER_AGENT, "VSCode", "Linux", "24.9.1", "2026-10-02T08:01:00Z"],
      ]);
      expect(agents[1]).toMatchObject({ created_at: "2026-10-02T08:00:00Z", is_browser_extension: false, is_desktop_app: false });
      const machines = MachineNamesSchema.parse((await getJson(`${prefix}/users/${u.id}/machine_names`, withKey(u.apiKey))).body).data;
      expect(machines.map((m) => [m.name, m.last_seen_at])).toEqual([
        ["mac mini", "2026-10-02T08:02:00Z"],
        ["dev laptop", "2026-10-02T08:01:00Z"],
      ]);
      // Another user's are private, and a key is required.
      expect((await getJson(`${prefix}/users/${u.username}/user_agents`, withKey(other.apiKey))).res.status).toBe(403);
      expect((await getJson(`${prefix}/users/${u.username}/machine_names`)).res.status).toBe(401);
    }
    // One pass over the user's rows (a user_id prefix of either time index), never over the table.
    for (const sql of [USER_AGENT_LIST_SQL, MACHINE_LIST_SQL]) expect(await plan(sql, 1)).toMatch(/^SEARCH heartbeats USING INDEX heartbeats_user_(project_)?time \(user_id=\?\)/);
  });
});

/** Fires the weekly board's cron at `scheduledTime` and consumes the pages it queued. */
async function buildWeeklyBoard(scheduledTime: number) {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (msgs: Iterable<{ body: unknown }>) => void [...msgs].forEach((m) => sent.push(m.body)),
  };
  await handleScheduled(createScheduledController({ cron: "*/7 * * * *", scheduledTime: scheduledTime * 1000 }), { ...env, IMPORTS: queue as unknown as Queue });
  const batch = createMessageBatch("tally-imports", sent.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await handleQueueBatch(batch, env);
  expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
}

describe("GET leaders and meta", () => {
  it("answers the weekly board in WakaTime's shape, ranks by language on request, and finds the caller", async () => {
    for (const prefix of COMPAT_PREFIXES) expect((await getJson(`${prefix}/leaders`)).res.status).toBe(503);
    const S = at("2026-07-15T12:00:00Z");
    const ada = await createUser();
    const bob = await createUser();
    const cy = await createUser();
    const run = (from: number, n: number, overrides: Record<string, unknown>) => Array.from({ length: n }, (_, i) => cliHeartbeat(from + i * 60, overrides));
    await send(ada.apiKey, [...run(S - 86400, 11, { language: "Go" }), ...run(S - 3600, 3, { language: "Rust" })]); // 600 s Go, 120 s Rust
    await send(bob.apiKey, run(S - 7200, 6, { language: "Rust" })); // 300 s Rust
    await send(cy.apiKey, run(S - 7200, 2, { language: "Go" })); // 60 s: not ranked (more than 60 s needed)
    await buildWeeklyBoard(S);
    const board = (await getJson("/api/v1/leaderboard/weekly")).body;
    for (const prefix of COMPAT_PREFIXES) {
      const body = LeadersSchema.parse((await getJson(`${prefix}/leaders`, withKey(bob.apiKey))).body);
      expect(body.data.map((d) => [d.rank, d.user.id, d.running_total.total_seconds])).toEqual(board.entries.map((e: any) => [e.rank, String(e.user.id), e.total_seconds]));
      expect(body.data[0]).toMatchObject({ user: { id: String(ada.id), username: ada.username }, running_total: { total_seconds: 840, languages: [{ name: "Go", total_seconds: 600 }, { name: "Rust", total_seconds: 120 }] } });
      expect(body).toMatchObject({ page: 1, total_pages: 1, language: null, current_user: { rank: 2, page: 1, user: { id: String(bob.id) } } });
      expect(body.range).toMatchObject({ name: "last_7_days", start_date: "2026-07-09", end_date: "2026-07-15" });
      const rust = LeadersSchema.parse((await getJson(`${prefix}/leaders?language=rust`)).body);
      expect(rust.data.map((d) => [d.rank, d.user.id, d.running_total.total_seconds])).toEqual([
        [1, String(bob.id), 300],
        [2, String(ada.id), 120],
      ]);
      expect(rust.current_user).toBeNull();
      expect((await getJson(`${prefix}/leaders?page=2`)).body).toMatchObject({ page: 2, data: [] });
    }
  });

  it("publishes no IP addresses in meta", async () => {
    for (const prefix of COMPAT_PREFIXES) {
      const { res, body } = await getJson(`${prefix}/meta`);
      expect(res.status).toBe(200);
      expect(MetaSchema.parse(body).data.ips).toEqual({ api: [], website: [], worker: [] });
    }
  });
});
