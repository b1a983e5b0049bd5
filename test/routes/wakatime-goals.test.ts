// Goals: created, changed and deleted through the API, read in WakaTime's shape with chart_data
// per day or week (Tally's totals for those periods), and today's progress in the status bar.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { anonymizeUser } from "../../src/domain/deletion";
import { calendarOf, formatDayNumber, localDayNumber, startOfLocalDayNumber } from "../../src/lib/time";
import { COMPAT_PREFIXES, GoalResponseSchema, GoalsSchema } from "../../src/schemas/wakatime";
import { StatusBarSchema } from "../../src/schemas/statusbar";
import { cliHeartbeat, createUser, request, sendHeartbeats as send, statusBar } from "../helpers";

const withKey = (key: string) => ({ Authorization: `Bearer ${key}`, "Content-Type": "application/json" });
const now = () => Date.now() / 1000;
const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await request(path, { method, headers: withKey(key), body: body === undefined ? undefined : JSON.stringify(body) });
  return { res, body: res.status === 204 ? null : ((await res.json()) as any) };
}
/** Heartbeats every 30 s from `from`, `seconds` long in all. */
const run = (from: number, seconds: number, overrides: Record<string, unknown> = {}) =>
  Array.from({ length: seconds / 30 + 1 }, (_, i) => cliHeartbeat(from + i * 30, overrides));

describe("goals through the API", () => {
  it("creates a daily goal and reads it in WakaTime's shape, with a chart of the last seven local days", async () => {
    const tz = "Pacific/Auckland";
    const u = await createUser({ timezone: tz });
    const today = localDayNumber(now(), tz);
    const dayStart = (n: number) => startOfLocalDayNumber(n, tz);
    // Two days ago: 30 min; yesterday: 10 min; today: 5 min from 00:01 (ahead of the clock just
    // after midnight, within the hour ingest allows).
    await send(u.apiKey, [...run(dayStart(today - 2) + 3600, 1800), ...run(dayStart(today - 1) + 3600, 600), ...run(dayStart(today) + 60, 300)]);

    const created = await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "day", seconds: 1200 });
    expect(created.res.status).toBe(201);
    const goal = GoalResponseSchema.parse(created.body).data;
    expect(goal.id).toMatch(UUID_V4);
    expect(goal).toMatchObject({ title: "Code 20 mins per day", delta: "day", seconds: 1200, languages: [], is_enabled: true, is_current_user_owner: true, owner: { id: String(u.id), username: u.username } });
    expect(goal.chart_data.map((c) => c.range.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map((k) => formatDayNumber(today - k)));
    const last = (k: number) => goal.chart_data[6 - k];
    expect([last(2).actual_seconds, last(1).actual_seconds]).toEqual([1800, 600]);
    expect(last(2)).toMatchObject({ range_status: "success", actual_seconds_text: "30 mins", goal_seconds_text: "20 mins", range_status_reason: "coded 30 mins which is 10 mins more than your daily goal" });
    expect(last(1)).toMatchObject({ range_status: "fail", range_status_reason_short: "10m (10m less than goal)" });
    expect(last(3)).toMatchObject({ range_status: "fail", actual_seconds: 0 });
    // Today: in progress, with the status bar's own total.
    expect(last(0)).toMatchObject({ range_status: "pending", actual_seconds: (await statusBar(u.apiKey)).body.data.grand_total.total_seconds });
    expect(last(0).range).toMatchObject({ start: new Date(dayStart(today) * 1000).toISOString().replace(".000", ""), timezone: tz });
    expect(goal).toMatchObject({ status: "pending", average_status: "fail", cumulative_status: "fail" });

    for (const prefix of COMPAT_PREFIXES) {
      const list = GoalsSchema.parse((await call("GET", `${prefix}/users/current/goals`, u.apiKey)).body);
      expect(list).toMatchObject({ total: 1, total_pages: 1 });
      expect(list.data[0]).toEqual(goal);
      // What wakatime-cli --today-goal <id> reads: the last chart entry's text.
      const one = GoalResponseSchema.parse((await call("GET", `${prefix}/users/${u.username}/goals/${goal.id}`, u.apiKey)).body).data;
      expect(one.chart_data.at(-1)!.actual_seconds_text).toBe(last(0).actual_seconds_text);
    }
  });

  it("counts a weekly goal's filters over Monday-to-Sunday weeks in the user's zone", async () => {
    const tz = "America/Los_Angeles";
    const u = await createUser({ timezone: tz });
    const today = localDayNumber(now(), tz);
    const monday = today - ((calendarOf(today).weekday + 6) % 7);
    const lastWeek = startOfLocalDayNumber(monday - 7, tz);
    // Last week: 20 min of Go in "api", 10 min of Go in "web", 15 min of Rust in "api" (an hour apart each).
    await send(u.apiKey, [
      ...run(lastWeek + 3600, 1200, { project: "api", language: "Go" }),
      ...run(lastWeek + 3 * 3600, 600, { project: "web", language: "Go" }),
      ...run(lastWeek + 86400 + 3600, 900, { project: "api", language: "Rust" }),
    ]);
    const make = async (body: Record<string, unknown>) => GoalResponseSchema.parse((await call("POST", "/api/compat/wakatime/v1/users/current/goals", u.apiKey, { delta: "week", ...body })).body).data;
    const go = await make({ seconds: 1500, languages: ["go"] });
    const api = await make({ seconds: 1800, projects: ["api"], editors: ["VSCode"] });
    const goApi = await make({ seconds: 600, projects: ["api"], languages: ["Go"], is_inverse: true, custom_title: "Less Go in the API" });
    const weekOf = (g: typeof go, k: number) => g.chart_data[6 - k];
    expect(go.chart_data.map((c) => c.range.start)).toEqual([6, 5, 4, 3, 2, 1, 0].map((k) => new Date(startOfLocalDayNumber(monday - 7 * k, tz) * 1000).toISOString().replace(".000", "")));
    expect(go.chart_data[6].range).not.toHaveProperty("date");
    // Go: 1200 + capped gap 120 + 600 (chained across projects) = 1920 ≥ 1500.
    expect(weekOf(go, 1)).toMatchObject({ actual_seconds: 1920, range_status: "success" });
    // api: 1200 + 120 (to Rust the next day, capped) + 900 = 2220.
    expect(weekOf(api, 1)).toMatchObject({ actual_seconds: 2220, range_status: "success" });
    // Go in api: 1200 > 600, and the goal is to code less: a failure.
    expect(weekOf(goApi, 1)).toMatchObject({ actual_seconds: 1200, range_status: "fail" });
    expect(goApi.title).toBe("Less Go in the API");
    expect(go.title).toBe("Code 25 mins per week in go");
    expect(api.title).toBe("Code 30 mins per week using VSCode on api");
    // The same instants in Tally's own stats (a one-project filter).
    const q = `start_date=${new Date(lastWeek * 1000).toISOString()}&end_date=${new Date(startOfLocalDayNumber(monday, tz) * 1000).toISOString()}&filter_by_project=api&total_seconds=true`;
    expect(((await (await request(`/api/v1/users/${u.id}/stats?${q}`)).json()) as any).total_seconds).toBe(2220);
  });

  it("changes, ignores days, and deletes; another user's goals are out of reach", async () => {
    const u = await createUser({ timezone: "UTC" });
    const other = await createUser();
    const { body } = await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "day", seconds: 3600, ignore_days: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] });
    const id = body.data.id;
    // Every weekday ignored: past days are "ignored", and so is the cumulative status.
    expect(body.data.chart_data.slice(0, 6).every((c: any) => c.range_status === "ignored")).toBe(true);
    expect(body.data.cumulative_status).toBe("ignored");
    const patched = await call("PATCH", `/api/hackatime/v1/users/current/goals/${id}`, u.apiKey, { seconds: 7200, ignore_days: [], ignore_zero_days: true, custom_title: "Two hours" });
    expect(patched.res.status).toBe(200);
    expect(patched.body.data).toMatchObject({ seconds: 7200, ignore_days: [], title: "Two hours", custom_title: "Two hours" });
    expect(patched.body.data.chart_data.slice(0, 6).every((c: any) => c.range_status === "ignored" && c.range_status_reason === "ignored because there was no coding activity")).toBe(true);
    expect((await call("PATCH", `/api/hackatime/v1/users/current/goals/${id}`, u.apiKey, { seconds: 10 })).res.status).toBe(422);
    expect((await call("PATCH", `/api/hackatime/v1/users/current/goals/${id}`, u.apiKey, { colour: "red" })).res.status).toBe(422);
    expect((await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "month", seconds: 3600 })).res.status).toBe(422);
    // Not theirs: a 404 by id, a 403 by naming the user.
    expect((await call("GET", `/api/hackatime/v1/users/current/goals/${id}`, other.apiKey)).res.status).toBe(404);
    expect((await call("DELETE", `/api/hackatime/v1/users/current/goals/${id}`, other.apiKey)).res.status).toBe(404);
    expect((await call("GET", `/api/hackatime/v1/users/${u.username}/goals`, other.apiKey)).res.status).toBe(403);
    expect((await request("/api/hackatime/v1/users/current/goals")).status).toBe(401);
    const deleted = await call("DELETE", `/api/compat/wakatime/v1/users/current/goals/${id}`, u.apiKey);
    expect(deleted.res.status).toBe(204);
    expect((await call("GET", `/api/hackatime/v1/users/current/goals/${id}`, u.apiKey)).body).toEqual({ error: "Goal not found" });
    expect((await call("GET", "/api/hackatime/v1/users/current/goals", u.apiKey)).body).toEqual({ data: [], total: 0, total_pages: 1 });
  });

  it("goes with the account when it is anonymised", async () => {
    const u = await createUser();
    await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "week", seconds: 3600 });
    await anonymizeUser(env, u.id);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM goals WHERE user_id = ?").bind(u.id).first<{ n: number }>())!.n).toBe(0);
  });
});

describe("the status bar's daily goal", () => {
  it("shows today's progress towards the oldest enabled daily goal, with its filter, and none without one", async () => {
    const u = await createUser({ timezone: "UTC" });
    const from = Math.max(startOfLocalDayNumber(localDayNumber(now(), "UTC"), "UTC"), now() - 1000);
    await send(u.apiKey, [...run(from, 300, { project: "a" }), ...run(from + 330, 300, { project: "b" })]);
    let sb = (await statusBar(u.apiKey)).body;
    expect(sb.data).not.toHaveProperty("goal");
    const total = sb.data.grand_total.total_seconds;
    expect(total).toBe(630);

    // A weekly goal and a disabled daily goal do not show.
    await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "week", seconds: 600 });
    await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "day", seconds: 600, is_enabled: false });
    expect((await statusBar(u.apiKey)).body.data).not.toHaveProperty("goal");

    const { body } = await call("POST", "/api/hackatime/v1/users/current/goals", u.apiKey, { delta: "day", seconds: 1200 });
    sb = StatusBarSchema.parse((await statusBar(u.apiKey)).body);
    expect(sb.data.goal).toEqual({ target_seconds: 1200, tracked_seconds: 630, completion_percent: 53, complete: false });
    expect(sb.data.grand_total.text).toBe("10m / 20m goal");
    // The goal's own chart says the same for today.
    expect((await call("GET", `/api/hackatime/v1/users/current/goals/${body.data.id}`, u.apiKey)).body.data.chart_data.at(-1).actual_seconds).toBe(630);

    // With a project filter the goal counts that project's chain only; reached goals cap at 100 %.
    await call("PATCH", `/api/hackatime/v1/users/current/goals/${body.data.id}`, u.apiKey, { projects: ["b"], seconds: 240 });
    for (const prefix of COMPAT_PREFIXES) {
      const res = await request(`${prefix}/users/current/statusbar/today`, { headers: withKey(u.apiKey) });
      expect(((await res.json()) as any).data.goal).toEqual({ target_seconds: 240, tracked_seconds: 300, completion_percent: 100, complete: true });
    }
  });
});
