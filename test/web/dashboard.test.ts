// The dashboard's numbers are the API's numbers: total, top language and project for a range
// and a filter; per-day numbers equal the hours endpoint's; the daily reference query equals the
// projection; data is escaped.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dailyActivity } from "../../src/domain/stats/daily";
import { addDays, localDate, startOfLocalDay } from "../../src/lib/time";
import { cliHeartbeat, createUser, postBulk, request } from "../helpers";
import { signedIn } from "./helpers";

const XSS = "<img src=x onerror=alert(1)>";
const DAY = 86_400;

/** Heartbeats 60 s apart: `n` of them from `start`. */
const run = (start: number, n: number, fields: Record<string, unknown>) => Array.from({ length: n }, (_, i) => cliHeartbeat(start + i * 60, fields));

async function seed(apiKey: string, tz: string) {
  const now = Math.floor(Date.now() / 1000);
  const today = localDate(now, tz);
  const base = startOfLocalDay(addDays(today, -3), tz) + 9 * 3600;
  const beats = [
    ...run(base, 30, { project: "alpha", language: "TypeScript" }),
    ...run(base + 3 * 3600, 20, { project: XSS, language: "Rust", category: "debugging" }),
    ...run(base + DAY, 40, { project: "beta", language: "Go" }),
    ...run(base + 2 * DAY, 10, { project: "alpha", language: "Go" }),
  ];
  for (let i = 0; i < beats.length; i += 100) expect((await postBulk(apiKey, beats.slice(i, i + 100))).status).toBe(201);
  return { today, base };
}

const unescape = (s: string) => s.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">");

async function dashboardAndApi(b: Awaited<ReturnType<typeof signedIn>>, apiKey: string, query: string) {
  const res = await b.get(`/dashboard${query}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const apiPath = unescape(/GET (\/api\/v1\/users\/[^<]+)<\/code>/.exec(html)![1]);
  const api = (await (await request(apiPath, { headers: { Authorization: `Bearer ${apiKey}` } })).json()) as any;
  const total = Number(/data-testid="total" data-seconds="(\d+)"/.exec(html)![1]);
  const topLanguage = unescape(/data-testid="top-language">([^<]*)</.exec(html)![1]);
  const topProject = unescape(/data-testid="top-project">([^<]*)</.exec(html)![1]);
  return { html, apiPath, api: api.data, total, topLanguage, topProject };
}

describe("/dashboard", () => {
  it("shows the API's total, top language and top project for the range, and changes with the range and a filter", async () => {
    const u = await createUser({ timezone: "America/New_York" });
    await seed(u.apiKey, "America/New_York");
    const b = await signedIn(u.apiKey);

    const week = await dashboardAndApi(b, u.apiKey, "?range=last_7_days");
    expect(week.apiPath).toContain("start_date=");
    expect(week.total).toBe(week.api.total_seconds);
    expect(week.total).toBeGreaterThan(0);
    expect(week.topLanguage).toBe(week.api.languages[0].name);
    expect(week.topProject).toBe(week.api.projects[0].name);
    expect(week.topLanguage).toBe("Go");

    const today = await dashboardAndApi(b, u.apiKey, "?range=today");
    expect(today.total).toBe(today.api.total_seconds);
    expect(today.total).toBe(0);

    const filtered = await dashboardAndApi(b, u.apiKey, "?range=last_7_days&language=TypeScript");
    expect(filtered.apiPath).toContain("filter_by_language=TypeScript");
    expect(filtered.total).toBe(filtered.api.total_seconds);
    expect(filtered.total).toBe(29 * 60);
    expect(filtered.topProject).toBe("alpha");

    const all = await dashboardAndApi(b, u.apiKey, "?range=all_time&category=debugging");
    expect(all.apiPath).not.toContain("start_date");
    expect(all.total).toBe(all.api.total_seconds);
    expect(all.total).toBe(19 * 60);
    expect(all.topProject).toBe(XSS);
  });

  it("shows today and this week as GET /api/v1/authenticated/hours answers them, whatever the range and filters", async () => {
    const u = await createUser({ timezone: "Pacific/Auckland" });
    const { today } = await seed(u.apiKey, "Pacific/Auckland");
    const now = Math.floor(Date.now() / 1000);
    expect((await postBulk(u.apiKey, run(now - 1200, 8, { project: "alpha", language: "Go" }))).status).toBe(201);
    const b = await signedIn(u.apiKey);
    const hours = async (from: string) =>
      ((await (await request(`/api/v1/authenticated/hours?start_date=${from}&end_date=${today}`, { headers: { Authorization: `Bearer ${u.apiKey}` } })).json()) as any).total_seconds;
    const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
    const [todaySeconds, weekSeconds] = [await hours(today), await hours(monday)];
    expect(todaySeconds).toBe(7 * 60);
    for (const q of ["?range=all_time", "?range=last_12_months", "?range=yesterday", "?range=today&language=Rust"]) {
      const html = await (await b.get(`/dashboard${q}`)).text();
      expect(Number(/data-testid="today" data-seconds="(\d+)"/.exec(html)![1]), q).toBe(todaySeconds);
      expect(Number(/data-testid="week" data-seconds="(\d+)"/.exec(html)![1]), q).toBe(weekSeconds);
    }
  });

  it("escapes data: a project named like an HTML tag renders as text", async () => {
    const u = await createUser();
    await seed(u.apiKey, "UTC");
    const b = await signedIn(u.apiKey);
    const html = await (await b.get("/dashboard?range=last_7_days")).text();
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain(XSS);
    expect(html).not.toMatch(/<img /);
  });

  it("each day's number equals GET /api/v1/authenticated/hours for that date", async () => {
    const u = await createUser({ timezone: "Asia/Tokyo" });
    const { today } = await seed(u.apiKey, "Asia/Tokyo");
    const days = await dailyActivity(env, { id: u.id, timezone: "Asia/Tokyo", shard: u.shard }, addDays(today, -6), today);
    expect(days.length).toBe(3);
    for (const d of days) {
      const hours = (await (await request(`/api/v1/authenticated/hours?start_date=${d.date}&end_date=${d.date}`, { headers: { Authorization: `Bearer ${u.apiKey}` } })).json()) as any;
      expect(d.total_seconds).toBe(hours.total_seconds);
    }
  });

  it("the per-day reference query equals the projection", async () => {
    const u = await createUser({ timezone: "Europe/Berlin" });
    const { today } = await seed(u.apiKey, "Europe/Berlin");
    const subject = { id: u.id, timezone: "Europe/Berlin", shard: u.shard };
    const fast = await dailyActivity(env, subject, addDays(today, -10), today);
    // Every seeded heartbeat has a category, so excluding a made-up one keeps them all, through
    // the reference path.
    const reference = await dailyActivity(env, subject, addDays(today, -10), today, { excludeCategories: ["none-such"] });
    expect(reference).toEqual(fast);
    const project = await dailyActivity(env, subject, addDays(today, -10), today, { projects: ["alpha"] });
    const projectReference = await dailyActivity(env, subject, addDays(today, -10), today, { projects: ["alpha"], excludeCategories: ["none-such"] });
    expect(projectReference).toEqual(project);
  });

  it("sends signed-out visitors to the sign-in page and back", async () => {
    const res = await request("/dashboard?range=today", { headers: { Accept: "text/html" }, redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/signin?next=%2Fdashboard%3Frange%3Dtoday");
  });
});
