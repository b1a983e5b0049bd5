import { describe, expect, it } from "vitest";
import { cliHeartbeat, createUser, postBulk, request, bearer } from "../helpers";

const T = 1_735_725_600; // 2025-01-01T10:00:00Z

/** 10:00, 10:01, 10:05 in "alpha" (180 s); 11:00, 11:00:30 in "beta" TS (30 s); Rust in alpha 10:05:30 (chained alone: 0 s). */
async function seeded(opts: Parameters<typeof createUser>[0] = {}) {
  const u = await createUser(opts);
  await postBulk(u.apiKey, [
    cliHeartbeat(T, { project: "alpha", language: "Ruby" }),
    cliHeartbeat(T + 60, { project: "alpha", language: "Ruby" }),
    cliHeartbeat(T + 300, { project: "alpha", language: "Ruby" }),
    cliHeartbeat(T + 330, { project: "alpha", language: "Rust" }),
    cliHeartbeat(T + 3600, { project: "beta", language: "TypeScript" }),
    cliHeartbeat(T + 3630, { project: "beta", language: "TypeScript", category: "debugging" }),
  ]);
  return u;
}

const stats = (who: string, query = "", headers: Record<string, string> = {}) => request(`/api/v1/users/${who}/stats${query}`, { headers });

describe("GET /api/v1/users/{username}/stats", () => {
  it("answers Hackatime's summary with capped-gap totals per language and project", async () => {
    const u = await seeded();
    const res = await stats(u.username, "?features=languages,projects&start_date=2025-01-01&end_date=2025-01-02");
    expect(res.status).toBe(200);
    const { data, trust_factor } = (await res.json()) as any;
    // All: 60 + 120 + 30 + 120 (capped) + 30 = 360 s.
    expect(data.total_seconds).toBe(360);
    expect(data.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([["alpha", 210], ["beta", 30]]);
    expect(data.languages.map((l: any) => [l.name, l.total_seconds])).toEqual([["Ruby", 180], ["TypeScript", 30]]);
    expect(data.languages[0]).toMatchObject({ text: "3m", digital: "00:03:00", hours: 0, minutes: 3, percent: 50, color: expect.stringMatching(/^#/) });
    expect(data).toMatchObject({ user_id: String(u.id), status: "ok", start: "2025-01-01T00:00:00Z", end: "2025-01-02T00:00:00Z", daily_average: 360, streak: 0 });
    expect(trust_factor).toEqual({ trust_level: "blue", trust_value: 0 });
  });

  it("finds users by id, slack uid and username, and 404s unknown ones", async () => {
    const u = await seeded({ slackUid: `U${Date.now()}` });
    for (const who of [String(u.id), u.username]) expect((await stats(who, "?start_date=2025-01-01")).status).toBe(200);
    expect((await stats("nobody-at-all")).status).toBe(404);
    expect(await (await stats("nobody-at-all")).json()).toEqual({ error: "User not found" });
  });

  it("filters by project: languages within the project, chained per language", async () => {
    const u = await seeded();
    const { data } = (await (await stats(u.username, "?features=languages,projects&filter_by_project=alpha&start_date=2025-01-01")).json()) as any;
    expect(data.total_seconds).toBe(210);
    expect(data.projects.map((p: any) => p.name)).toEqual(["alpha"]);
    expect(data.languages.map((l: any) => [l.name, l.total_seconds])).toEqual([["Ruby", 180]]);
    expect(data.unique_total_seconds).toBe(90); // coding gaps ≤ 120 s: 60 + 30; the 240 s gap is dropped
  });

  it("filters by language, editor (both in any case), operating system, machine and category (Tally)", async () => {
    const u = await seeded();
    const q = "?features=languages,projects,categories&start_date=2025-01-01&end_date=2025-01-02";
    const data = async (extra: string) => ((await (await stats(u.username, q + extra)).json()) as any).data;
    const ts = await data("&filter_by_language=TypeScript");
    expect(ts.total_seconds).toBe(30);
    expect(ts.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([["beta", 30]]);
    expect(await data("&filter_by_language=typescript")).toEqual(ts); // as goals compare languages
    expect((await data("&filter_by_category=debugging")).total_seconds).toBe(0); // one heartbeat chains to nothing
    expect((await data("&filter_by_category=coding")).total_seconds).toBe(330);
    expect((await data("&filter_by_language=Ruby,TypeScript&filter_by_project=alpha")).total_seconds).toBe(180);
    expect((await data("&filter_by_editor=nothing")).total_seconds).toBe(0);
    expect((await data("&filter_by_machine=nothing")).total_seconds).toBe(0);
    expect((await data("&filter_by_operating_system=nothing")).total_seconds).toBe(0);
  });

  it("answers `days` (Tally): each local day's own total and its projects", async () => {
    const u = await seeded({ timezone: "Asia/Tokyo" });
    const { data } = (await (await stats(u.username, "?features=days&start_date=2025-01-01&end_date=2025-01-02")).json()) as any;
    // 10:00Z is 19:00 in Tokyo: one local day, 2025-01-01.
    expect(data.days).toEqual([{ date: "2025-01-01", total_seconds: 360, projects: [{ name: "alpha", total_seconds: 210 }, { name: "beta", total_seconds: 30 }] }]);
    const filtered = (await (await stats(u.username, "?features=days&start_date=2025-01-01&end_date=2025-01-02&filter_by_language=Ruby")).json()) as any;
    expect(filtered.data.days).toEqual([{ date: "2025-01-01", total_seconds: 180, projects: [{ name: "alpha", total_seconds: 180 }] }]);
  });

  it("answers total_seconds only, with category filters and boundary awareness", async () => {
    const u = await seeded();
    const total = async (query: string) => ((await (await stats(u.username, query)).json()) as any).total_seconds;
    expect(await total("?total_seconds=true&start_date=2025-01-01")).toBe(360);
    expect(await total("?total_seconds=true&start_date=2025-01-01&filter_by_category=debugging")).toBe(0);
    expect(await total("?total_seconds=true&start_date=2025-01-01&filter_by_project=beta")).toBe(30);
    // From 10:01: the 10:01 heartbeat is credited its 60 s gap to 10:00 only when boundary aware.
    // In range: 10:01 (0), 10:05 (120, capped), 10:05:30 (30), 11:00 (120), 11:00:30 (30).
    expect(await total("?total_seconds=true&start_date=2025-01-01T10:01:00Z")).toBe(300);
    expect(await total("?total_seconds=true&start_date=2025-01-01T10:01:00Z&boundary_aware=true")).toBe(360);
  });

  it("hides a private user from others but not from themselves", async () => {
    const u = await seeded({ allowPublicStatsLookup: false });
    const res = await stats(u.username);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "user has disabled public stats" });
    expect((await stats(u.username, "", bearer(u.apiKey))).status).toBe(200);
    expect((await stats("my", "", bearer(u.apiKey))).status).toBe(200);
    const other = await createUser();
    expect((await stats(u.username, "", bearer(other.apiKey))).status).toBe(403);
  });

  it("answers 422 for bad dates and never 500 for odd query strings", async () => {
    const u = await seeded();
    expect(await (await stats(u.username, "?start_date=invalid-date")).json()).toEqual({ error: "Invalid start_date" });
    expect((await stats(u.username, "?end_date=2025-13-45")).status).toBe(422);
    for (const query of ["?limit=abc", "?features=", "?features=bogus", "?filter_by_project=", "?limit=-5&features=projects", "?total_seconds=maybe"]) {
      expect((await stats(u.username, query)).status, query).toBe(200);
    }
  });
});

describe("GET /api/v1/stats", () => {
  it("answers the total as text/plain for an admin key, 401 otherwise", async () => {
    const admin = await createUser({ adminLevel: "admin" });
    const u = await seeded({ email: `s${Date.now()}@example.com` });
    const auth = bearer(admin.adminApiKey);
    const res = await request(`/api/v1/stats?username=${u.username}&start_date=2025-01-01&end_date=2025-01-01`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(await res.text()).toBe("360");
    expect((await request(`/api/v1/stats?username=${u.username}`, { headers: { Authorization: "Bearer wrong-token" } })).status).toBe(401);
    expect((await request(`/api/v1/stats?api_key=test-stats-key&username=${u.username}&start_date=2025-01-01`)).status).toBe(200);
    expect((await request("/api/v1/stats?username=non_existent_user", { headers: auth })).status).toBe(404);
    expect((await request("/api/v1/stats?start_date=invalid-date", { headers: auth })).status).toBe(422);
    const all = Number(await (await request("/api/v1/stats?start_date=2025-01-01&end_date=2025-01-01", { headers: auth })).text());
    expect(all).toBeGreaterThanOrEqual(360);
  });
});
