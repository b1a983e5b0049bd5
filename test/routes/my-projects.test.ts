import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { projectsWindow } from "../../src/domain/projects-settings";
import { addDays, localDate, startOfLocalDay } from "../../src/lib/time";
import { cliHeartbeat, createUser, type TestUser, refused, bearer, call, getJson, send } from "../helpers";

async function mapping(userId: number, project: string) {
  return env.DB.prepare("SELECT * FROM project_repo_mappings WHERE user_id = ? AND project_name = ?").bind(userId, project).first<any>();
}

// 2025-03-10T10:00:00Z. alpha 0, 60, 120, 600 → 240 s; beta 30, 90 → 60 s; old 700, 760 → 60 s.
// Everything chained together: 30+30+30+30+120+100+60 = 400 s.
const T = Date.UTC(2025, 2, 10, 10) / 1000;
const beats = [
  cliHeartbeat(T, { project: "alpha" }),
  cliHeartbeat(T + 30, { project: "beta" }),
  cliHeartbeat(T + 60, { project: "alpha" }),
  cliHeartbeat(T + 90, { project: "beta" }),
  cliHeartbeat(T + 120, { project: "alpha" }),
  cliHeartbeat(T + 600, { project: "alpha" }),
  cliHeartbeat(T + 700, { project: "old" }),
  cliHeartbeat(T + 760, { project: "old" }),
];

const row = (name: string, seconds: number, percent: number, extra: Record<string, unknown> = {}) => ({
  name,
  project_key: name,
  total_seconds: seconds,
  duration_seconds: seconds,
  duration_label: seconds >= 60 ? `${Math.floor(seconds / 60)}m` : `${seconds}s`,
  duration_percent: percent,
  repo_url: null,
  archived: false,
  archived_at: null,
  ...extra,
});

describe("GET /my/projects", () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await createUser({ timezone: "UTC" });
    await send(u, beats);
  });

  it("answers 401 without a user key", async () => {
    expect(await getJson("/my/projects")).toMatchObject({ status: 401, body: refused.user("missing") });
  });

  it("lists every project over all time by default, most time first, with totals from durations", async () => {
    const { status, body } = await getJson("/my/projects", bearer(u.apiKey));
    expect(status).toBe(200);
    expect(body).toEqual({
      interval: null,
      interval_label: "All Time",
      from: null,
      to: null,
      start: "1970-01-01T00:00:00Z",
      end: "2099-12-31T23:59:59Z",
      timezone: "UTC",
      total_time_seconds: 400,
      total_time_label: "6m 40s",
      has_activity: true,
      total_projects: 3,
      archived_count: 0,
      projects: [row("alpha", 240, 100), row("beta", 60, 25), row("old", 60, 25)],
      archived_projects: [],
    });
  });

  it("narrows to custom from/to dates (from/to alone mean custom) and answers an empty range", async () => {
    const day = await getJson("/my/projects?interval=custom&from=2025-03-10&to=2025-03-10", bearer(u.apiKey));
    expect(day.body).toMatchObject({ interval: "custom", from: "2025-03-10", to: "2025-03-10", start: "2025-03-10T00:00:00Z", end: "2025-03-10T23:59:59Z", total_time_seconds: 400 });
    expect(day.body.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([["alpha", 240], ["beta", 60], ["old", 60]]);

    const implicit = await getJson("/my/projects?from=2025-03-10", bearer(u.apiKey));
    expect(implicit.body).toMatchObject({ interval: "custom", total_time_seconds: 400, end: "2099-12-31T23:59:59Z" });

    const later = await getJson("/my/projects?interval=custom&from=2025-03-11", bearer(u.apiKey));
    expect(later.body).toMatchObject({ total_time_seconds: 0, total_time_label: "0m", has_activity: false, total_projects: 0, projects: [], archived_projects: [] });
  });

  it("answers 422 for a custom date that is not YYYY-MM-DD", async () => {
    expect(await getJson("/my/projects?interval=custom&from=2025-13-01", bearer(u.apiKey))).toMatchObject({ status: 422, body: { error: "Invalid from: expected YYYY-MM-DD" } });
    expect((await getJson("/my/projects?to=yesterday", bearer(u.apiKey))).status).toBe(422);
  });

  it("treats an unknown interval as all time, and accepts ?api_key=", async () => {
    const { status, body } = await getJson(`/my/projects?interval=forever&api_key=${u.apiKey}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ interval: null, total_time_seconds: 400 });
  });

  it("computes named intervals in the user's time zone (yesterday, last_7_days)", async () => {
    const tz = "Asia/Tokyo";
    const v = await createUser({ timezone: tz });
    const now = Math.floor(Date.now() / 1000);
    const today = localDate(now, tz);
    const noon = (date: string) => startOfLocalDay(date, tz) + 12 * 3600;
    await send(v, [
      cliHeartbeat(noon(addDays(today, -1)), { project: "y" }),
      cliHeartbeat(noon(addDays(today, -1)) + 90, { project: "y" }),
      cliHeartbeat(noon(addDays(today, -7)), { project: "week" }),
      cliHeartbeat(noon(addDays(today, -7)) + 50, { project: "week" }),
      cliHeartbeat(noon(addDays(today, -8)), { project: "older" }),
      cliHeartbeat(noon(addDays(today, -8)) + 40, { project: "older" }),
    ]);
    const names = async (interval: string) => {
      const { body } = await getJson(`/my/projects?interval=${interval}`, bearer(v.apiKey));
      return { total: body.total_time_seconds, projects: body.projects.map((p: any) => [p.name, p.total_seconds]), label: body.interval_label, start: body.start };
    };
    const yesterday = await names("yesterday");
    expect(yesterday).toEqual({ total: 90, projects: [["y", 90]], label: "Yesterday", start: new Date(startOfLocalDay(addDays(today, -1), tz) * 1000).toISOString().replace(".000", "") });
    // The total chains every heartbeat together: y's first one is capped at 120 s after week's last.
    expect(await names("last_7_days")).toMatchObject({ total: 50 + 120 + 90, projects: [["y", 90], ["week", 50]], label: "Last 7 Days" });
    expect((await names("today")).projects).toEqual([]);
    expect((await names("daily")).label).toBe("Today");
    expect(await names("all")).toMatchObject({ total: 40 + 120 + 50 + 120 + 90, projects: [["y", 90], ["week", 50], ["older", 40]] });
  });

  it("windows: this_week starts on Monday, this_month and last_12_months follow the calendar", () => {
    // Wednesday 2026-03-04 15:00 UTC.
    const now = Date.UTC(2026, 2, 4, 15) / 1000;
    const iso = (t: number) => new Date(t * 1000).toISOString();
    const w = (interval: string) => {
      const r = projectsWindow({ interval }, "UTC", now);
      return [iso(r.start), iso(r.end)];
    };
    expect(w("this_week")).toEqual(["2026-03-02T00:00:00.000Z", "2026-03-09T00:00:00.000Z"]);
    expect(w("this_month")).toEqual(["2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"]);
    expect(w("this_year")).toEqual(["2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    expect(w("last_12_months")).toEqual(["2025-03-04T00:00:00.000Z", "2026-03-05T00:00:00.000Z"]);
    expect(w("last_30_days")).toEqual(["2026-02-02T00:00:00.000Z", "2026-03-05T00:00:00.000Z"]);
    // Event windows are New York dates.
    expect(w("scrapyard")).toEqual(["2025-03-14T04:00:00.000Z", "2025-03-18T04:00:00.000Z"]);
    // A zone ahead of UTC: "today" there is already the 5th.
    const kiritimati = projectsWindow({ interval: "today" }, "Pacific/Kiritimati", now);
    expect([iso(kiritimati.start), iso(kiritimati.end)]).toEqual(["2026-03-04T10:00:00.000Z", "2026-03-05T10:00:00.000Z"]);
  });
});

describe("PATCH /my/project_repo_mappings/{project_name}", () => {
  it("creates the mapping and redirects to its JSON, which GET then shows", async () => {
    const u = await createUser();
    const res = await call("PATCH", "/my/project_repo_mappings/alpha", bearer(u.apiKey), { repo_url: "https://github.com/me/alpha" });
    expect(res.status).toBe(302);
    expect(res.res.headers.get("location")).toBe("/my/project_repo_mappings/alpha");
    expect(res.body).toEqual({
      project_repo_mapping: { project_name: "alpha", repo_url: "https://github.com/me/alpha", archived: false, archived_at: null, created_at: expect.any(String), updated_at: expect.any(String) },
    });
    expect(await mapping(u.id, "alpha")).toMatchObject({ repo_url: "https://github.com/me/alpha", archived_at: null });
    const shown = await getJson(res.res.headers.get("location")!, bearer(u.apiKey));
    expect(shown).toMatchObject({ status: 200, body: res.body });
  });

  it("updates an existing URL (Hackatime's nested and form shapes too) and clears it with an empty value", async () => {
    const u = await createUser();
    await call("PATCH", "/my/project_repo_mappings/app", bearer(u.apiKey), { repo_url: "https://github.com/me/one" });
    await call("PATCH", "/my/project_repo_mappings/app", bearer(u.apiKey), { project_repo_mapping: { repo_url: "https://gitlab.com/me/two" } });
    expect((await mapping(u.id, "app")).repo_url).toBe("https://gitlab.com/me/two");
    await call("PATCH", "/my/project_repo_mappings/app", bearer(u.apiKey), { "project_repo_mapping[repo_url]": "http://git.example.org/me/three" }, { form: true });
    expect((await mapping(u.id, "app")).repo_url).toBe("http://git.example.org/me/three");
    const cleared = await call("PATCH", "/my/project_repo_mappings/app", bearer(u.apiKey), { repo_url: "" });
    expect(cleared.status).toBe(302);
    expect(cleared.body.project_repo_mapping.repo_url).toBeNull();
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM project_repo_mappings WHERE user_id = ?").bind(u.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it("answers 422 for a missing or non-http(s) URL and stores nothing", async () => {
    const u = await createUser();
    for (const body of [{}, { repo_url: "ftp://example.com/x" }, { repo_url: "not a url" }, { repo_url: "javascript:alert(1)" }, { repo_url: "https://" }, { repo_url: "https://user:pw@github.com/x/y" }, { repo_url: 42 }]) {
      const res = await call("PATCH", "/my/project_repo_mappings/bad", bearer(u.apiKey), body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect(await mapping(u.id, "bad")).toBeNull();
    expect((await call("PATCH", "/my/project_repo_mappings/bad", bearer(u.apiKey))).status).toBe(422);
    expect((await call("PATCH", "/my/project_repo_mappings/%20", bearer(u.apiKey), { repo_url: "https://github.com/a/b" })).body).toEqual({ error: "Project name can't be blank" });
  });

  it("handles encoded project names and keeps ?api_key= in the redirect", async () => {
    const u = await createUser();
    const res = await call("PATCH", `/my/project_repo_mappings/my%20project%2Fv2?api_key=${u.apiKey}`, {}, { repo_url: "https://github.com/me/p" });
    expect(res.status).toBe(302);
    expect(res.body.project_repo_mapping.project_name).toBe("my project/v2");
    const location = res.res.headers.get("location")!;
    expect(location).toBe(`/my/project_repo_mappings/my%20project%2Fv2?api_key=${u.apiKey}`);
    expect((await getJson(location)).body).toEqual(res.body);
  });

  it("answers 401 without a key, and 404 for a project without a mapping", async () => {
    expect((await call("PATCH", "/my/project_repo_mappings/x", {}, { repo_url: "https://github.com/a/b" })).status).toBe(401);
    const u = await createUser();
    expect(await getJson("/my/project_repo_mappings/none", bearer(u.apiKey))).toMatchObject({ status: 404, body: { error: "No mapping for this project" } });
  });
});

describe("PATCH /my/project_repo_mappings/{project_name}/archive and /unarchive", () => {
  const minutesAgo = (m: number) => Math.floor(Date.now() / 60_000) * 60 - m * 60;

  it("archiving drops the project from the public project details and single-project stats; unarchiving restores it", async () => {
    const u = await createUser();
    const t0 = minutesAgo(60 * 24 * 3);
    await send(u, [
      cliHeartbeat(t0, { project: "keep" }),
      cliHeartbeat(t0 + 100, { project: "keep" }),
      cliHeartbeat(t0 + 200, { project: "hide" }),
      cliHeartbeat(t0 + 230, { project: "hide" }),
    ]);
    const details = async () => (await getJson(`/api/v1/users/${u.username}/projects/details`)).body.projects.map((p: any) => [p.name, p.total_seconds, p.archived]);
    expect(await details()).toEqual([["keep", 100, false], ["hide", 30, false]]);

    const res = await call("PATCH", "/my/project_repo_mappings/hide/archive", bearer(u.apiKey));
    expect(res.status).toBe(302);
    expect(res.res.headers.get("location")).toBe("/my/project_repo_mappings/hide");
    expect(res.body.project_repo_mapping).toMatchObject({ project_name: "hide", repo_url: null, archived: true, archived_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    expect((await mapping(u.id, "hide")).archived_at).toBe(res.body.project_repo_mapping.archived_at);

    expect(await details()).toEqual([["keep", 100, false]]);
    expect(await getJson(`/api/v1/users/${u.username}/project/hide`)).toMatchObject({ status: 404, body: { error: "found nuthin" } });
    // The name list still includes archived projects (Hackatime).
    expect((await getJson(`/api/v1/users/${u.username}/projects`)).body.projects).toEqual(["hide", "keep"]);

    const mine = (await getJson("/my/projects", bearer(u.apiKey))).body;
    expect(mine.projects.map((p: any) => p.name)).toEqual(["keep"]);
    expect(mine.archived_projects).toEqual([row("hide", 30, 100, { archived: true, archived_at: res.body.project_repo_mapping.archived_at })]);
    expect(mine).toMatchObject({ total_projects: 1, archived_count: 1, total_time_seconds: 230 });

    const back = await call("PATCH", "/my/project_repo_mappings/hide/unarchive", bearer(u.apiKey));
    expect(back.status).toBe(302);
    expect(back.body.project_repo_mapping).toMatchObject({ archived: false, archived_at: null });
    expect(await details()).toEqual([["keep", 100, false], ["hide", 30, false]]);
  });

  it("keeps the repository URL across archive/unarchive and answers 401 without a key", async () => {
    const u = await createUser();
    await call("PATCH", "/my/project_repo_mappings/p", bearer(u.apiKey), { repo_url: "https://github.com/me/p" });
    expect((await call("PATCH", "/my/project_repo_mappings/p/archive", bearer(u.apiKey))).body.project_repo_mapping).toMatchObject({ repo_url: "https://github.com/me/p", archived: true });
    expect((await call("PATCH", "/my/project_repo_mappings/p/unarchive", bearer(u.apiKey))).body.project_repo_mapping).toMatchObject({ repo_url: "https://github.com/me/p", archived: false });
    expect((await call("PATCH", "/my/project_repo_mappings/p/archive", {})).status).toBe(401);
    expect((await call("PATCH", `/my/project_repo_mappings/p/archive?api_key=${u.apiKey}`, {})).status).toBe(302);
  });
});
