// The wakatime-client npm package, unmodified (a devDependency), pointed at both compat prefixes
// of a real `npm start` server: every method the WakaTime API answers here (users, stats,
// summaries, durations, projects, user agents, heartbeats, goals, leaders, meta) returns data
// whose totals equal Tally's own numbers for the same instants, read from /api/v1/users/{u}/stats,
// the status bar and the leaderboard. It runs in Node rather than workerd: the package sends its
// requests with axios 0.19's Node http adapter, so it needs a real server to talk to.
import { RANGE, WakaTimeClient } from "wakatime-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { localDate, localDayNumber, formatDayNumber, startOfLocalDayNumber } from "../../src/lib/time";
import { COMPAT_PREFIXES } from "../../src/schemas/wakatime";

const base = inject("serverUrl");
const bypass = inject("rateLimitBypass");
const { auckland: me, losAngeles: other, hidden } = inject("users");
const NZ = "Pacific/Auckland";
const LA = "America/Los_Angeles";
const UA = "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1";
const now = Date.now() / 1000;

/** The tests' own requests (setup and Tally's numbers), beside the client under test. */
async function tally(path: string, key: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { "Rate-Limit-Bypass": bypass, "Content-Type": "application/json", ...(init.headers as Record<string, string>) };
  if (key) headers.Authorization = `Bearer ${key}`;
  const res = await fetch(`${base}${path}`, { ...init, headers });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as any;
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString();
/** Tally's own stats for [start, end): /api/v1/users/{u}/stats. */
const own = (userId: number, start: number, end: number, extra = "") =>
  tally(`/api/v1/users/${userId}/stats?start_date=${iso(start)}&end_date=${iso(end)}${extra}`, null).then((b) => b.data ?? b);
/** [start, end) of a WakaTime answer's inclusive start … end (ISO strings with any offset). */
const span = (start: string, end: string) => [Date.parse(start) / 1000, Date.parse(end) / 1000 + 1] as const;

function beat(time: number, project: string, language: string, branch = "main") {
  return { entity: `/home/dev/${project}/src/file.${language.toLowerCase()}`, type: "file", category: "coding", time, project, branch, language, user_agent: UA };
}
/** Heartbeats every 30 s for `seconds`, from `from`. */
const run = (from: number, seconds: number, project: string, language: string, branch?: string) =>
  Array.from({ length: seconds / 30 + 1 }, (_, i) => beat(from + i * 30, project, language, branch));

async function send(key: string, beats: unknown[]) {
  for (let i = 0; i < beats.length; i += 100) {
    await tally("/api/hackatime/v1/users/current/heartbeats.bulk", null, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(key).toString("base64")}`, "User-Agent": UA, "X-Machine-Name": "ci+box" },
      body: JSON.stringify(beats.slice(i, i + 100)),
    });
  }
}

const nzToday = localDayNumber(now, NZ);
/** 00:01 today in Auckland: yesterday in Los Angeles (ahead of the clock by at most an hour, which ingest allows). */
const nzMidnightRun = startOfLocalDayNumber(nzToday, NZ) + 60;
/** `hour`:00 on the Auckland day `days` before today (09:00–15:00 there is 12:00–19:00 the day before in Los Angeles: no run crosses a midnight). */
const nzAt = (days: number, hour: number) => startOfLocalDayNumber(nzToday - days, NZ) + hour * 3600;
const activity = [
  ...run(nzMidnightRun, 300, "tally", "TypeScript"),
  ...run(nzAt(1, 9), 1200, "tally", "TypeScript", "feature"),
  ...run(nzAt(1, 10), 600, "site", "Go"),
  ...run(nzAt(3, 11), 900, "tally", "Go"),
  ...run(nzAt(12, 12), 1500, "site", "Go"),
  ...run(nzAt(100, 13), 600, "tally", "Rust"),
  ...run(nzAt(300, 14), 300, "tally", "Rust"),
];

let goalId = "";
beforeAll(async () => {
  await send(me.api_key, activity);
  await send(other.api_key, activity);
  goalId = (await tally("/api/hackatime/v1/users/current/goals", me.api_key, { method: "POST", body: JSON.stringify({ delta: "day", seconds: 1800 }) })).data.id;
  // The weekly board, built now rather than at the next 7-minute cron tick.
  await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/7 * * * *")}`);
  for (let i = 0; i < 120; i++) {
    const res = await fetch(`${base}/api/v1/leaderboard/weekly`, { headers: { "Rate-Limit-Bypass": bypass } });
    if (res.ok && ((await res.json()) as any).entries.some((e: any) => e.user.id === me.id)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error("the weekly board did not list the user");
});

describe.each(COMPAT_PREFIXES)("wakatime-client against %s", (prefix) => {
  const client = new WakaTimeClient(me.api_key, `${base}${prefix}`);
  const others = new WakaTimeClient(other.api_key, `${base}${prefix}`);

  it("getMe and getUser: the key's user, a public user, and 403 for one who hides their stats", async () => {
    expect((await client.getMe()).data).toMatchObject({ id: String(me.id), username: me.username, timezone: NZ });
    expect((await client.getUser(other.username)).data).toMatchObject({ id: String(other.id), timezone: LA });
    await expect(client.getUser(hidden.username)).rejects.toMatchObject({ response: { status: 403 } });
  });

  it("getMyStats and getUserStats: every range's total and breakdowns equal Tally's stats for its instants", async () => {
    for (const range of [RANGE.LAST_7_DAYS, RANGE.LAST_30_DAYS, RANGE.LAST_6_MONTHS, RANGE.LAST_YEAR]) {
      for (const [c, user] of [
        [client.getMyStats({ range }), me],
        [client.getUserStats({ userId: other.username, range }), other],
      ] as const) {
        const { data } = await c;
        expect(data.is_up_to_date, range).toBe(true);
        const [start, end] = span(data.start, data.end);
        const theirs = await own(user.id, start, end, "&features=projects,languages");
        expect(data.total_seconds, `${range} ${user.username}`).toBe(theirs.total_seconds);
        expect(data.total_seconds).toBeGreaterThan(0);
        const named = (list: any[]) => Object.fromEntries(list.map((e) => [e.name, e.total_seconds]));
        expect(named(data.projects)).toEqual(named(theirs.projects));
        expect(named(data.languages)).toEqual(named(theirs.languages));
      }
    }
  });

  it("getMySummary and getUserSummary: each local day's total and the cumulative total, filters too", async () => {
    const dateRange = { startDate: formatDayNumber(nzToday - 13), endDate: formatDayNumber(nzToday) };
    for (const [summary, user] of [
      [await client.getMySummary({ dateRange }), me],
      [await client.getUserSummary({ userId: String(other.id), dateRange }), other],
    ] as const) {
      expect(summary.data).toHaveLength(14);
      let sum = 0;
      for (const day of summary.data) {
        const [start, end] = span(day.range.start, day.range.end);
        expect(day.grand_total.total_seconds, `${user.username} ${day.range.date}`).toBe((await own(user.id, start, end)).total_seconds);
        sum += day.grand_total.total_seconds;
      }
      expect(summary.cumulative_total.seconds).toBe(sum);
      expect(sum).toBeGreaterThan(0);
    }
    const tallyOnly = await client.getMySummary({ dateRange, projectName: "tally" });
    for (const day of tallyOnly.data) {
      const [start, end] = span(day.range.start, day.range.end);
      expect(day.grand_total.total_seconds).toBe((await own(me.id, start, end, "&total_seconds=true&filter_by_project=tally")).total_seconds);
    }
    const feature = await client.getMySummary({ dateRange, projectName: "tally", branchNames: ["feature"] });
    expect(feature.cumulative_total.seconds).toBe(1200);
  });

  it("cuts days in each user's zone: Auckland's 00:01 run is Los Angeles' previous day", async () => {
    const nzDate = localDate(nzMidnightRun, NZ);
    const laDate = localDate(nzMidnightRun, LA);
    expect(laDate).not.toBe(nzDate);
    const mine = await client.getMySummary({ dateRange: { startDate: nzDate, endDate: nzDate } });
    const theirs = await client.getUserSummary({ userId: other.username, dateRange: { startDate: laDate, endDate: laDate } });
    expect(mine.data[0].range).toMatchObject({ date: nzDate, timezone: NZ });
    expect(theirs.data[0].range).toMatchObject({ date: laDate, timezone: LA });
    expect(mine.data[0].projects.find((p: any) => p.name === "tally")?.total_seconds).toBeGreaterThanOrEqual(300);
    expect(theirs.data[0].projects.find((p: any) => p.name === "tally")?.total_seconds).toBeGreaterThanOrEqual(300);
  });

  it("getMyDurations and getDurations: a day's blocks add up to Tally's per-project totals", async () => {
    const date = formatDayNumber(nzToday - 1);
    for (const [durations, user] of [
      [await client.getMyDurations({ date }), me],
      [await others.getDurations({ userId: "current", date }), other],
    ] as const) {
      const [start, end] = span(durations.start, durations.end);
      const theirs = await own(user.id, start, end, "&features=projects");
      const sums = new Map<string, number>();
      for (const d of durations.data) sums.set(d.project, (sums.get(d.project) ?? 0) + d.duration);
      expect(Object.fromEntries([...sums].map(([k, v]) => [k, Math.round(v)]))).toEqual(Object.fromEntries(theirs.projects.map((p: any) => [p.name, p.total_seconds])));
    }
    expect((await client.getMyDurations({ date, projectName: "tally", branchNames: ["feature"] })).data.reduce((s: number, d: any) => s + d.duration, 0)).toBe(1200);
  });

  it("getMyProjects, getProjects, getMyUserAgents, getUserAgents, getMyHeartbeats and getHeartbeats", async () => {
    const names = (r: any) => r.data.map((p: any) => p.name).sort();
    expect(names(await client.getMyProjects())).toEqual(["site", "tally"]);
    expect(names(await client.getProjects(other.username))).toEqual(["site", "tally"]);
    expect((await client.getMyUserAgents()).data.map((a: any) => [a.value, a.editor])).toEqual([[UA, "VSCode"]]);
    expect((await client.getUserAgents(String(me.id))).data).toHaveLength(1);
    const date = formatDayNumber(nzToday - 3);
    const expected = activity.filter((b) => localDate(b.time, NZ) === date).length;
    expect((await client.getMyHeartbeats(date)).data).toHaveLength(expected);
    expect((await client.getHeartbeats({ userId: me.username, date })).data).toHaveLength(expected);
  });

  it("getMyGoals and getGoals: today's progress is the status bar's", async () => {
    const statusBar = await tally("/api/hackatime/v1/users/current/statusbar/today", me.api_key);
    for (const goals of [await client.getMyGoals(), await client.getGoals(me.username)]) {
      expect(goals.data.map((g: any) => g.id)).toEqual([goalId]);
      expect(goals.data[0].chart_data.at(-1).actual_seconds).toBe(statusBar.data.goal.tracked_seconds);
      expect(statusBar.data.grand_total.text).toMatch(/ \/ 30m goal$/);
    }
  });

  it("getLeaders: the weekly board's ranking and totals, and a language's", async () => {
    const board = await tally("/api/v1/leaderboard/weekly", null);
    const leaders = await client.getLeaders();
    expect(leaders.data.map((l: any) => [l.rank, l.user.id, l.running_total.total_seconds])).toEqual(board.entries.map((e: any) => [e.rank, String(e.user.id), e.total_seconds]));
    expect(leaders.current_user).toMatchObject({ user: { id: String(me.id) } });
    const go = await client.getLeaders({ language: "Go", pageNumber: 1 });
    expect(go.language).toBe("Go");
    for (const l of go.data) expect(l.running_total.languages.find((x: any) => x.name === "Go")?.total_seconds).toBe(l.running_total.total_seconds);
  });

  it("getMetadata: no IP addresses", async () => {
    const res = await client.getMetadata();
    expect(res.status).toBe(200);
    expect(res.data.data.ips).toEqual({ api: [], website: [], worker: [] });
  });
});
