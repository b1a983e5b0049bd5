// The WakaTime-shaped read API under both compat prefixes: who {id} names, stats of every range,
// all_time_since_today and summaries' named ranges, in the user's own time zone. Every total is
// checked against Tally's own numbers for the same instants (/api/v1/users/{u}/stats, the status
// bar, the reference query).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { referenceDurations } from "../../src/domain/durations/reference";
import { FIRST_HEARTBEAT_SQL, FIRST_PROJECT_HEARTBEAT_SQL } from "../../src/db/heartbeats";
import { calendarOf, dayNumber, formatDayNumber, localDayNumber, startOfLocalDayNumber } from "../../src/lib/time";
import { AllTimeSinceTodaySchema, COMPAT_PREFIXES, DailySummariesSchema, Last7DaysSchema, WakaTimeStatsSchema, WakaTimeUserSchema } from "../../src/schemas/wakatime";
import { bearer as withKey, cliHeartbeat, createUser, getJson, queryPlan as plan, refused, request, sendHeartbeats as send, statusBar } from "../helpers";

const at = (iso: string) => Date.parse(iso) / 1000;
const now = () => Date.now() / 1000;

/** Tally's own answer for [start, end): /api/v1/users/{u}/stats with every breakdown. */
async function ownStats(who: string, start: number, end: number) {
  const q = `start_date=${new Date(start * 1000).toISOString()}&end_date=${new Date(end * 1000).toISOString()}&features=projects,languages,editors,operating_systems,machines,categories`;
  return (await getJson(`/api/v1/users/${who}/stats?${q}`)).body.data;
}
const byName = (entries: Array<{ name: string; total_seconds: number }>) => Object.fromEntries(entries.map((e) => [e.name, e.total_seconds]));

describe("{id}: current, another user, and who may see them", () => {
  it("answers the same on both prefixes", async () => {
    const u = await createUser();
    const answers = [];
    for (const prefix of COMPAT_PREFIXES) {
      const { res, body } = await getJson(`${prefix}/users/current`, withKey(u.apiKey));
      expect(res.status, prefix).toBe(200);
      answers.push(WakaTimeUserSchema.parse(body));
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it("names another user by id, username or Slack id; privacy as the public stats", async () => {
    const me = await createUser();
    const other = await createUser({ slackUid: `UOTHER${Date.now()}`, timezone: "Pacific/Auckland" });
    const hidden = await createUser({ allowPublicStatsLookup: false });
    for (const prefix of COMPAT_PREFIXES) {
      for (const who of [String(other.id), other.username]) {
        // With my key, and with no key at all.
        for (const headers of [withKey(me.apiKey), {}]) {
          const { res, body } = await getJson(`${prefix}/users/${who}`, headers);
          expect(res.status, `${prefix} ${who}`).toBe(200);
          expect(body.data).toMatchObject({ id: String(other.id), username: other.username, timezone: "Pacific/Auckland" });
        }
      }
      const stats = await getJson(`${prefix}/users/${other.username}/stats/last_30_days`);
      expect(stats.res.status).toBe(200);
      expect(stats.body.data.user_id).toBe(String(other.id));
      // A user who hides their stats: 403 to others, their own data to themselves.
      expect((await getJson(`${prefix}/users/${hidden.username}/stats/last_30_days`, withKey(me.apiKey))).res.status).toBe(403);
      expect((await getJson(`${prefix}/users/${hidden.username}/summaries?range=Today`)).body).toEqual({ error: "user has disabled public stats" });
      expect((await getJson(`${prefix}/users/${hidden.username}/stats/last_30_days`, withKey(hidden.apiKey))).res.status).toBe(200);
      // Heartbeats are the owner's only, whoever asks.
      const beats = await getJson(`${prefix}/users/${other.username}/heartbeats?date=2026-08-10`, withKey(me.apiKey));
      expect(beats.res.status).toBe(403);
    }
  });

  it("refuses current without a key and unknown names without a key; a bad key is always 401", async () => {
    const me = await createUser();
    for (const prefix of COMPAT_PREFIXES) {
      const missing = await getJson(`${prefix}/users/current/stats/last_30_days`);
      expect(missing.res.status).toBe(401);
      expect(missing.body).toEqual(refused.user("missing"));
      expect((await getJson(`${prefix}/users/nobody-${Date.now()}/all_time_since_today`)).res.status).toBe(404);
      // An unknown name with a key is the key's user (Hackatime ignores the segment; clients keep WakaTime's id there).
      const mine = await getJson(`${prefix}/users/0c6d7e7e-1111-4222-8333-444455556666/all_time_since_today`, withKey(me.apiKey));
      expect(mine.res.status).toBe(200);
      const bad = await getJson(`${prefix}/users/${me.username}/stats/last_30_days`, withKey(crypto.randomUUID()));
      expect(bad.res.status).toBe(401);
      expect(bad.body).toEqual(refused.user("unknown_key"));
      expect((await getJson(`${prefix}/users/current/stats/last_30_days?api_key=${me.apiKey}`)).res.status).toBe(200);
    }
  });
});

describe("GET users/{id}/stats/{range}", () => {
  it("totals and breaks a range down exactly as Tally's own stats do for the same instants", async () => {
    const tz = "America/Los_Angeles";
    const u = await createUser({ timezone: tz });
    const today = localDayNumber(now(), tz);
    const dayStart = (n: number) => startOfLocalDayNumber(n, tz);
    const beats = [];
    // Day −20: 3 min of alpha in Go; day −3: alpha TypeScript and beta Rust interleaved, one debugging.
    for (let i = 0; i <= 6; i++) beats.push(cliHeartbeat(dayStart(today - 20) + 3600 + i * 30, { project: "alpha", language: "Go", entity: "/a/main.go" }));
    for (let i = 0; i <= 10; i++) {
      const t = dayStart(today - 3) + 7200 + i * 40;
      beats.push(cliHeartbeat(t, i % 2 ? { project: "beta", language: "Rust", entity: "/b/lib.rs" } : { project: "alpha", category: i === 4 ? "debugging" : "coding" }));
    }
    // Day −40: outside last_30_days.
    beats.push(cliHeartbeat(dayStart(today - 40) + 100), cliHeartbeat(dayStart(today - 40) + 160));
    await send(u.apiKey, beats);

    for (const prefix of COMPAT_PREFIXES) {
      const { res, body } = await getJson(`${prefix}/users/current/stats/last_30_days`, withKey(u.apiKey));
      expect(res.status).toBe(200);
      const data = WakaTimeStatsSchema.parse(body).data;
      const start = dayStart(today - 30);
      const end = dayStart(today + 1);
      expect(data.start).toBe(new Date(start * 1000).toISOString().replace(".000", ""));
      expect(data.end).toBe(new Date((end - 1) * 1000).toISOString().replace(".000", ""));
      const own = await ownStats(u.username, start, end);
      expect(data.total_seconds).toBe(own.total_seconds);
      expect(data.total_seconds).toBe((await referenceDurations(env.DB, u.id, { start, end })).get(null));
      expect(byName(data.projects)).toEqual(byName(own.projects));
      expect(byName(data.languages)).toEqual(byName(own.languages));
      expect(byName(data.categories)).toEqual(byName(own.categories));
      expect(data.editors.map((e) => e.name)).toEqual(["VSCode"]);
      expect(data.machines[0]).toMatchObject({ name: "dev laptop", machine_name_id: "dev laptop" });
      expect(data.projects[0]).toMatchObject({ digital: expect.stringMatching(/^\d+:\d\d$/), text: expect.stringMatching(/(min|sec)s?$/) });
      expect(data.projects.reduce((s, p) => s + p.percent, 0)).toBeCloseTo(100, 1);
      // Two active days of 31; the best is day −3, with the day total the status bar would show.
      expect(data).toMatchObject({ range: "last_30_days", human_readable_range: "Last 30 Days", timezone: tz, is_up_to_date: true, status: "ok" });
      expect(data).toMatchObject({ days_including_holidays: 31, days_minus_holidays: 2, holidays: 29, is_including_today: true });
      const best = (await referenceDurations(env.DB, u.id, { start: dayStart(today - 3), end: dayStart(today - 2) })).get(null);
      expect(data.best_day).toMatchObject({ date: formatDayNumber(today - 3), total_seconds: best });
      expect(data.daily_average).toBe(Math.round((data.total_seconds / 2) * 10) / 10);
    }
  });

  it("answers every named range, a year and a month; all_time starts on the first heartbeat's day", async () => {
    const tz = "UTC";
    const u = await createUser({ timezone: tz });
    await send(u.apiKey, [cliHeartbeat(at("2025-02-10T10:00:00Z")), cliHeartbeat(at("2025-02-10T10:01:00Z")), cliHeartbeat(at("2026-11-02T10:00:00Z")), cliHeartbeat(at("2026-11-02T10:00:30Z"))]);
    const today = localDayNumber(now(), tz);
    const get = async (range: string) => (await getJson(`/api/hackatime/v1/users/current/stats/${range}`, withKey(u.apiKey))).body.data;
    const all = await get("all_time");
    expect(all).toMatchObject({ range: "all_time", human_readable_range: "All Time", start: "2025-02-10T00:00:00Z", total_seconds: 60 + 120 + 30 });
    expect(all.days_including_holidays).toBe(today - dayNumber(2025, 2, 10) + 1);
    expect(await get("2025")).toMatchObject({ human_readable_range: "2025", start: "2025-01-01T00:00:00Z", end: "2025-12-31T23:59:59Z", total_seconds: 60, is_including_today: false });
    expect(await get("2026-11")).toMatchObject({ human_readable_range: "November 2026", start: "2026-11-01T00:00:00Z", end: "2026-11-30T23:59:59Z", total_seconds: 30 });
    expect((await get("1999-12")).total_seconds).toBe(0);
    for (const range of ["last_6_months", "last_year"]) WakaTimeStatsSchema.parse({ data: await get(range) });
    expect((await get("last_year")).total_seconds).toBe(30);
    for (const bad of ["last_8_days", "2026-13", "26", "all"]) {
      const { res, body } = await getJson(`/api/hackatime/v1/users/current/stats/${bad}`, withKey(u.apiKey));
      expect(res.status, bad).toBe(404);
      expect(body.error).toMatch(/^Unknown range/);
    }
  });

  it("answers last_7_days as the spec'd route does, plus WakaTime's fields; stats without a range is last_7_days", async () => {
    const u = await createUser({ timezone: "Asia/Kolkata" });
    const t = now() - 3 * 86400;
    await send(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 60), cliHeartbeat(t + 90)]);
    const spec = (await getJson("/api/hackatime/v1/users/current/stats/last_7_days", withKey(u.apiKey))).body;
    const ranged = (await getJson(`/api/compat/wakatime/v1/users/${u.username}/stats/last_7_days`, withKey(u.apiKey))).body;
    const plain = (await getJson(`/api/hackatime/v1/users/${u.id}/stats`)).body;
    expect(ranged).toEqual(spec);
    expect(plain).toEqual(spec);
    const data = Last7DaysSchema.parse(spec).data;
    expect(data).toMatchObject({ total_seconds: 90, is_up_to_date: true, timezone: "Asia/Kolkata", days_minus_holidays: 1, holidays: 0, best_day: { total_seconds: 90 } });
  });

  it("cuts months in the user's zone: Pacific/Auckland and America/Los_Angeles get their own days", async () => {
    // 2026-03-31T10:30Z is Mar 31 23:30 in Auckland (+13) and Mar 31 03:30 in Los Angeles (−7);
    // an hour later it is Apr 1 00:30 in Auckland and still Mar 31 in Los Angeles.
    const t1 = at("2026-03-31T10:30:00Z");
    const t2 = at("2026-03-31T11:30:00Z");
    const beats = [0, 30, 60].flatMap((s) => [cliHeartbeat(t1 + s), cliHeartbeat(t2 + s)]);
    const nz = await createUser({ timezone: "Pacific/Auckland" });
    const la = await createUser({ timezone: "America/Los_Angeles" });
    await send(nz.apiKey, beats);
    await send(la.apiKey, beats);
    const total = async (key: string, range: string) => (await getJson(`/api/hackatime/v1/users/current/stats/${range}`, withKey(key))).body.data;
    // Auckland: one minute each month (the first heartbeat of a range chains to nothing in it).
    expect((await total(nz.apiKey, "2026-03")).total_seconds).toBe(60);
    expect(await total(nz.apiKey, "2026-04")).toMatchObject({ total_seconds: 60, start: "2026-03-31T11:00:00Z", best_day: { date: "2026-04-01", total_seconds: 60 } });
    // Los Angeles: both minutes and the capped hour between them in March, nothing in April.
    expect(await total(la.apiKey, "2026-03")).toMatchObject({ total_seconds: 240, end: "2026-04-01T06:59:59Z", best_day: { date: "2026-03-31", total_seconds: 240 } });
    expect((await total(la.apiKey, "2026-04")).total_seconds).toBe(0);
    // Summaries of the same two days, and the status bar's rule for a day.
    const days = async (key: string) =>
      (await getJson("/api/hackatime/v1/users/current/summaries?start=2026-03-31&end=2026-04-01", withKey(key))).body.data.map((d: any) => [d.range.date, d.grand_total.total_seconds]);
    expect(await days(nz.apiKey)).toEqual([["2026-03-31", 60], ["2026-04-01", 60]]);
    expect(await days(la.apiKey)).toEqual([["2026-03-31", 240], ["2026-04-01", 0]]);
  });

  it("reads the first heartbeat from the time indexes", async () => {
    expect(await plan(FIRST_HEARTBEAT_SQL, 1)).toMatch(/USING INDEX heartbeats_user_time/);
    const p = await plan(FIRST_PROJECT_HEARTBEAT_SQL, 1, "p");
    expect(p).toMatch(/USING INDEX heartbeats_user_project_time/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });
});

describe("GET users/{id}/all_time_since_today", () => {
  it("totals from the first heartbeat's local day to the end of today, per project too", async () => {
    const tz = "Pacific/Auckland";
    const u = await createUser({ timezone: tz });
    const first = at("2026-01-15T03:00:00Z");
    await send(u.apiKey, [
      cliHeartbeat(first, { project: "a" }),
      cliHeartbeat(first + 60, { project: "a" }),
      cliHeartbeat(first + 7200, { project: "b" }),
      cliHeartbeat(first + 7230, { project: "b" }),
    ]);
    for (const prefix of COMPAT_PREFIXES) {
      const data = AllTimeSinceTodaySchema.parse((await getJson(`${prefix}/users/current/all_time_since_today`, withKey(u.apiKey))).body).data;
      const today = localDayNumber(now(), tz);
      const start = startOfLocalDayNumber(localDayNumber(first, tz), tz);
      const end = startOfLocalDayNumber(today + 1, tz);
      expect(data.total_seconds).toBe((await ownStats(u.username, start, end)).total_seconds);
      expect(data).toMatchObject({ total_seconds: 60 + 120 + 30, text: "3 mins", digital: "0:03", decimal: "0.05", daily_average: 210, timeout: 2 });
      expect(data.range).toMatchObject({ start_date: "2026-01-15", start_text: "Thu Jan 15th 2026", end_date: formatDayNumber(today), end_text: "Today", timezone: tz, start: "2026-01-14T11:00:00Z" });
      const b = (await getJson(`${prefix}/users/current/all_time_since_today?project=b`, withKey(u.apiKey))).body.data;
      expect(b).toMatchObject({ total_seconds: 30 });
    }
    const empty = await createUser();
    expect((await getJson("/api/hackatime/v1/users/current/all_time_since_today", withKey(empty.apiKey))).body.data).toMatchObject({ total_seconds: 0, text: "0 secs", daily_average: 0 });
  });
});

describe("GET users/{id}/summaries: WakaTime's named ranges and filters", () => {
  const summaries = async (key: string, query: string, prefix: string = COMPAT_PREFIXES[1]) => {
    const { res, body } = await getJson(`${prefix}/users/current/summaries?${query}`, withKey(key));
    expect(res.status, `${query}: ${JSON.stringify(body).slice(0, 200)}`).toBe(200);
    return DailySummariesSchema.parse(body);
  };

  it("starts weeks on Monday and months on the 1st, in each user's zone", async () => {
    for (const tz of ["Pacific/Auckland", "America/Los_Angeles"]) {
      const u = await createUser({ timezone: tz });
      const today = localDayNumber(now(), tz);
      const monday = today - ((calendarOf(today).weekday + 6) % 7);
      const { year, month } = calendarOf(today);
      // 00:30 on this week's Monday (local), and 23:30 on the Sunday before.
      const mon = startOfLocalDayNumber(monday, tz) + 1800;
      const sun = startOfLocalDayNumber(monday, tz) - 1800;
      await send(u.apiKey, [cliHeartbeat(sun), cliHeartbeat(sun + 45), cliHeartbeat(mon), cliHeartbeat(mon + 20)]);
      const week = await summaries(u.apiKey, "range=This Week");
      expect(week.start, tz).toBe(formatDayNumber(monday));
      expect(week.end).toBe(formatDayNumber(today));
      expect(week.data[0].range.date).toBe(formatDayNumber(monday));
      expect(week.data[0].grand_total.total_seconds).toBe(20);
      const last = await summaries(u.apiKey, "range=last_week");
      expect([last.start, last.end]).toEqual([formatDayNumber(monday - 7), formatDayNumber(monday - 1)]);
      expect(last.data.at(-1)!.grand_total.total_seconds).toBe(45);
      expect(last.cumulative_total.seconds).toBe(45);
      const lastMonth = await summaries(u.apiKey, "range=Last Month");
      expect([lastMonth.start, lastMonth.end]).toEqual([formatDayNumber(dayNumber(year, month - 1, 1)), formatDayNumber(dayNumber(year, month, 1) - 1)]);
      const thisMonth = await summaries(u.apiKey, "range=This Month");
      expect(thisMonth.start).toBe(formatDayNumber(dayNumber(year, month, 1)));
      // Every day's total is the status bar's for that day; today's is the status bar itself.
      const todayRange = await summaries(u.apiKey, "range=Today");
      expect(todayRange.data[0].grand_total.total_seconds).toBe((await statusBar(u.apiKey)).body.data.grand_total.total_seconds);
      expect((await summaries(u.apiKey, "range=Yesterday")).start).toBe(formatDayNumber(today - 1));
      const span = async (range: string) => {
        const s = await summaries(u.apiKey, `range=${range}`);
        return [s.start, s.end, s.data.length];
      };
      expect(await span("Last 7 Days")).toEqual([formatDayNumber(today - 6), formatDayNumber(today), 7]);
      expect(await span("Last 7 Days from Yesterday")).toEqual([formatDayNumber(today - 7), formatDayNumber(today - 1), 7]);
      expect(await span("Last 14 Days")).toEqual([formatDayNumber(today - 13), formatDayNumber(today), 14]);
      expect(await span("Last 30 Days")).toEqual([formatDayNumber(today - 29), formatDayNumber(today), 30]);
    }
  });

  it("cuts named ranges in ?timezone= when given, and refuses unknown ranges", async () => {
    const u = await createUser({ timezone: "Pacific/Auckland" });
    const s = await summaries(u.apiKey, "range=Today&timezone=America/Los_Angeles");
    expect(s.start).toBe(formatDayNumber(localDayNumber(now(), "America/Los_Angeles")));
    expect(s.data[0].range.timezone).toBe("America/Los_Angeles");
    const { res, body } = await getJson("/api/hackatime/v1/users/current/summaries?range=Last 9 Days", withKey(u.apiKey));
    expect(res.status).toBe(400);
    expect(body.error).toMatch(/^range must be one of: Today, Yesterday/);
  });

  it("filters by project and by branches (comma-separated; empty means all, as wakatime-client sends it)", async () => {
    const u = await createUser({ timezone: "UTC" });
    const t = at("2026-06-01T09:00:00Z");
    await send(u.apiKey, [
      cliHeartbeat(t, { project: "app", branch: "main" }),
      cliHeartbeat(t + 30, { project: "app", branch: "main" }),
      cliHeartbeat(t + 60, { project: "app", branch: "feature" }),
      cliHeartbeat(t + 100, { project: "app", branch: "feature" }),
      cliHeartbeat(t + 110, { project: "site", branch: "main" }),
      cliHeartbeat(t + 130, { project: "site", branch: "main" }),
    ]);
    const total = async (q: string) => (await summaries(u.apiKey, `start=2026-06-01&end=2026-06-01&${q}`, COMPAT_PREFIXES[0])).data[0].grand_total.total_seconds;
    expect(await total("branches=")).toBe(130);
    expect(await total("project=app&branches=")).toBe(100);
    expect(await total("project=app&branches=main")).toBe(30);
    expect(await total("project=app&branches=main,feature")).toBe(100);
    expect(await total("branches=main")).toBe(130); // main alone: 30 + 80 + 20
    expect(await total("branches= feature ")).toBe(40);
  });
});

describe("OpenAPI document", () => {
  it("documents every WakaTime endpoint on both prefixes under its own tag, with the WakaTime schemas", async () => {
    const doc = (await (await request("/api-docs/openapi.json")).json()) as any;
    expect(doc.tags).toContainEqual(expect.objectContaining({ name: "WakaTime API" }));
    const operations = [
      "get /users/{id}/stats/{range}",
      "get /users/{id}/stats",
      "get /users/{id}/all_time_since_today",
      "get /users/{id}/durations",
      "get /users/{id}/projects",
      "get /users/{id}/user_agents",
      "get /users/{id}/machine_names",
      "get /users/{id}/goals",
      "post /users/{id}/goals",
      "get /users/{id}/goals/{goal}",
      "patch /users/{id}/goals/{goal}",
      "delete /users/{id}/goals/{goal}",
      "get /leaders",
      "get /meta",
    ];
    for (const prefix of COMPAT_PREFIXES) {
      for (const op of operations) {
        const [method, path] = op.split(" ");
        expect(doc.paths[`${prefix}${path}`]?.[method]?.tags, `${op} under ${prefix}`).toEqual(["WakaTime API"]);
      }
    }
    // Hackatime's spec'd operations keep their tag under its prefix; their Wakapi twins get ours.
    for (const path of ["/users/{id}", "/users/{id}/summaries", "/users/current/stats/last_7_days", "/users/{id}/statusbar/today"]) {
      expect(doc.paths[`/api/hackatime/v1${path}`].get.tags).toEqual(["WakaTime Compatibility"]);
      expect(doc.paths[`/api/compat/wakatime/v1${path}`].get.tags).toEqual(["WakaTime API"]);
    }
    for (const name of ["WakaTimeUser", "WakaTimeStats", "Last7DaysStats", "AllTimeSinceToday", "DailySummaries", "WakaTimeDurations", "WakaTimeProjects", "WakaTimeUserAgents", "WakaTimeMachineNames", "WakaTimeLeaders", "WakaTimeGoal", "WakaTimeGoals", "WakaTimeGoalInput", "WakaTimeMeta"]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    // An optional key: the key's schemes, or none.
    expect(doc.paths["/api/hackatime/v1/users/{id}/stats/{range}"].get.security).toContainEqual({});
  });
});
