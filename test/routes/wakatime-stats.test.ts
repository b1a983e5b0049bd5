import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { referenceDurations } from "../../src/domain/durations/reference";
import { capitalize, displayEditorName, displayOsName } from "../../src/domain/stats/display-names";
import { statsBreakdown } from "../../src/domain/stats/last-7-days";
import { displayName } from "../../src/domain/users/profile";
import { sha256Hex } from "../../src/lib/crypto";
import { decimalHours } from "../../src/lib/format";
import { addDays, localDate, localDayBounds } from "../../src/lib/time";
import { cliHeaders, cliHeartbeat, createUser, request, statusBar, refused, bearer, getJson, send, rng } from "../helpers";

const BASE = "/api/hackatime/v1/users";
const at = (iso: string) => Date.parse(iso) / 1000;
const today = (tz: string) => localDate(Date.now() / 1000, tz);

describe("GET /api/hackatime/v1/users/{id}", () => {
  it("answers the browser extension's login check (?api_key) with the WakaTime user shape", async () => {
    const u = await createUser({ timezone: "Europe/London" });
    const { res, body } = await getJson(`${BASE}/current?api_key=${u.apiKey}`);
    expect(res.status).toBe(200);
    expect(Object.keys(body.data).sort()).toEqual(["created_at", "display_name", "full_name", "id", "modified_at", "photo", "plan", "timezone", "username"]);
    expect(body.data).toMatchObject({ id: String(u.id), username: u.username, display_name: u.username, full_name: u.username, timezone: "Europe/London", plan: "free" });
    expect(body.data.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(body.data.modified_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    // No avatar and no email: a deterministic identicon.
    expect(body.data.photo).toMatch(/^data:image\/svg\+xml;base64,/);
    expect((await getJson(`${BASE}/current?api_key=${u.apiKey}`)).body.data.photo).toBe(body.data.photo);
  });

  it("ignores the {id} segment: any id answers the key's user, with Basic or Bearer", async () => {
    const u = await createUser();
    for (const id of ["current", "42", "someone-else"]) {
      const { res, body } = await getJson(`${BASE}/${id}`, cliHeaders(u.apiKey));
      expect(res.status).toBe(200);
      expect(body.data.id).toBe(String(u.id));
    }
    expect((await getJson(`${BASE}/current`, bearer(u.apiKey))).body.data.username).toBe(u.username);
  });

  it("shows display_name_override and the Slack avatar first (Hackatime's Ada example)", async () => {
    const u = await createUser({ timezone: "Europe/London", githubUsername: "ada-gh" });
    await env.DB.prepare("UPDATE users SET display_name_override = ?, slack_avatar_url = ?, github_avatar_url = ? WHERE id = ?")
      .bind("Ada Lovelace", "https://example.com/ada.png", "https://example.com/gh.png", u.id)
      .run();
    const { body } = await getJson(`${BASE}/current`, bearer(u.apiKey));
    expect(body.data).toMatchObject({ display_name: "Ada Lovelace", full_name: "Ada Lovelace", photo: "https://example.com/ada.png" });
  });

  it("falls back slack username → GitHub username → username, and GitHub avatar → ui-avatars from the email", async () => {
    const u = await createUser({ githubUsername: "octo", email: "grace@example.com" });
    let { body } = await getJson(`${BASE}/current`, bearer(u.apiKey));
    expect(body.data.display_name).toBe("octo");
    const hash = (await sha256Hex("GR")).slice(0, 6);
    expect(body.data.photo).toBe(`https://i2.wp.com/ui-avatars.com/api/GR/48/${hash}/fff?ssl=1`);
    await env.DB.prepare("UPDATE users SET slack_username = 'grace-slack', github_avatar_url = 'https://example.com/gh.png' WHERE id = ?").bind(u.id).run();
    ({ body } = await getJson(`${BASE}/current`, bearer(u.apiKey)));
    expect(body.data).toMatchObject({ display_name: "grace-slack", photo: "https://example.com/gh.png" });
  });

  it("names an email sign-up by its local part, cut to 10 characters with the ellipsis", () => {
    const base = { display_name_override: null, slack_username: null, github_username: null };
    expect(displayName({ ...base, username: "", email: "alexander.hamilton@example.com" })).toBe("alexand... (email sign-up)");
    expect(displayName({ ...base, username: "", email: "ada@example.com" })).toBe("ada (email sign-up)");
    expect(displayName({ ...base, username: "", email: null })).toBe("error displaying name");
    expect(displayName({ ...base, display_name_override: "  ", username: "ada", email: null })).toBe("ada");
  });

  it("refuses a missing or unknown key with 401", async () => {
    for (const [headers, why] of [[{}, "missing"], [bearer(crypto.randomUUID()), "unknown_key"]] as const) {
      const { res, body } = await getJson(`${BASE}/current`, headers);
      expect(res.status).toBe(401);
      expect(body).toEqual(refused.user(why));
    }
    expect((await getJson(`${BASE}/current?api_key=${crypto.randomUUID()}`)).res.status).toBe(401);
  });
});

describe("GET /api/hackatime/v1/users/{id}/summaries", () => {
  const summaries = (key: string, query: string) => getJson(`${BASE}/current/summaries?${query}`, bearer(key));

  it("returns WakaTime daily activity: 10:00, 10:01, 10:05 → 180 s, all of it alpha's (Hackatime's test)", async () => {
    const u = await createUser({ timezone: "UTC" });
    const t = at("2026-08-10T10:00:00Z");
    await send(u.apiKey, [
      cliHeartbeat(t, { project: "alpha", entity: "app/first.rb" }),
      cliHeartbeat(t + 60, { project: "alpha", entity: "app/second.rb", ai_input_tokens: 100, ai_output_tokens: 20, ai_line_changes: 5, ai_model: "gpt/5.6" }),
      cliHeartbeat(t + 300, { project: "beta", entity: "app/third.rb" }),
    ]);
    const { res, body } = await summaries(u.apiKey, "start=2026-08-10&end=2026-08-11");
    expect(res.status).toBe(200);
    expect(body.data.map((d: any) => d.range.date)).toEqual(["2026-08-10", "2026-08-11"]);
    const [day, empty] = body.data;
    expect(day.grand_total).toEqual({
      total_seconds: 180,
      hours: 0,
      minutes: 3,
      seconds: 0,
      digital: "00:03:00",
      decimal: "0.05",
      text: "3m",
      ai_input_tokens: 100,
      ai_output_tokens: 20,
      ai_model_breakdown: [{ name: "gpt/5.6", lines: 5 }],
    });
    // LEAD: 10:00 → 60 s and 10:01 → min(240, 120) s go to alpha; beta's heartbeat is the day's last (0 s, dropped).
    expect(day.projects).toEqual([{ total_seconds: 180, hours: 0, minutes: 3, seconds: 0, digital: "00:03:00", decimal: "0.05", text: "3m", name: "alpha", percent: 100 }]);
    for (const list of ["branches", "categories", "dependencies", "editors", "entities", "languages", "machines", "operating_systems"]) expect(day[list]).toEqual([]);
    expect(day.range).toEqual({ date: "2026-08-10", start: "2026-08-10T00:00:00Z", end: "2026-08-10T23:59:59Z", text: "August 10, 2026", timezone: "UTC" });
    expect(empty.grand_total).toEqual({ total_seconds: 0, hours: 0, minutes: 0, seconds: 0, digital: "00:00:00", decimal: "0.00", text: "0s" });
    expect(empty.projects).toEqual([]);
    expect(body.cumulative_total).toEqual({ hours: 0, minutes: 3, seconds: 180, digital: "00:03:00", decimal: "0.05", text: "3m" });
    expect(body.daily_average).toEqual({
      holidays: 1,
      days_including_holidays: 2,
      days_minus_holidays: 1,
      seconds: 90,
      seconds_including_other_language: 90,
      text: "1m 30s",
      text_including_other_language: "1m 30s",
    });
    expect(body.start).toBe("2026-08-10");
    expect(body.end).toBe("2026-08-11");
  });

  it("credits each gap to the earlier heartbeat's project (LEAD), not the later one's", async () => {
    const u = await createUser();
    const t = at("2026-07-01T09:00:00Z");
    // alpha 09:00:00 → beta 09:00:30 → alpha 09:01:30 → beta 09:10:00
    await send(u.apiKey, [
      cliHeartbeat(t, { project: "alpha" }),
      cliHeartbeat(t + 30, { project: "beta" }),
      cliHeartbeat(t + 90, { project: "alpha" }),
      cliHeartbeat(t + 600, { project: "beta" }),
    ]);
    const { body } = await summaries(u.apiKey, "start=2026-07-01&end=2026-07-01");
    const [day] = body.data;
    // alpha: 30 + min(510, 120) = 150; beta: 60 (its last heartbeat adds nothing). Total 210.
    expect(day.grand_total.total_seconds).toBe(210);
    expect(day.projects.map((p: any) => [p.name, p.total_seconds, p.percent])).toEqual([
      ["alpha", 150, 71.43],
      ["beta", 60, 28.57],
    ]);
    expect(day.grand_total).not.toHaveProperty("ai_input_tokens");
    expect(day.grand_total).not.toHaveProperty("ai_model_breakdown");

    // A project filter chains that project's heartbeats alone: alpha 09:00 → 09:01:30 = 90 s.
    const only = (await summaries(u.apiKey, "start=2026-07-01&end=2026-07-01&project=alpha")).body.data[0];
    expect(only.grand_total.total_seconds).toBe(90);
    expect(only.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([["alpha", 90]]);
    expect((await summaries(u.apiKey, "start=2026-07-01&end=2026-07-01&project=nope")).body.data[0].grand_total.total_seconds).toBe(0);
  });

  it("loses a gap across local midnight, and cuts days in the requested timezone", async () => {
    const u = await createUser({ timezone: "America/New_York" });
    // 23:59:00 EDT on Aug 10, then 00:00:30 and 00:01:30 EDT on Aug 11.
    const t = at("2026-08-11T03:59:00Z");
    await send(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 90), cliHeartbeat(t + 150)]);
    const { body } = await summaries(u.apiKey, "start=2026-08-10&end=2026-08-11");
    expect(body.data.map((d: any) => d.grand_total.total_seconds)).toEqual([0, 60]);
    expect(body.data[0].range).toMatchObject({ start: "2026-08-10T04:00:00Z", end: "2026-08-11T03:59:59Z", timezone: "America/New_York" });
    // In UTC all three fall on Aug 11: 90 + 60.
    const utc = (await summaries(u.apiKey, "start=2026-08-10&end=2026-08-11&timezone=UTC")).body;
    expect(utc.data.map((d: any) => d.grand_total.total_seconds)).toEqual([0, 150]);
    expect(utc.data[1].range).toMatchObject({ start: "2026-08-11T00:00:00Z", timezone: "UTC" });
    expect(utc.cumulative_total.seconds).toBe(150);
  });

  it("gives every day the total the status bar shows for it (day-chained capped gaps), on random data", async () => {
    for (const [tz, seed] of [["Asia/Kathmandu", 7], ["America/Los_Angeles", 8]] as const) {
      const rand = rng(seed);
      const u = await createUser({ timezone: tz });
      const last = today(tz);
      const first = addDays(last, -3);
      const { start } = localDayBounds(first, tz);
      const end = Math.min(localDayBounds(last, tz).end, Date.now() / 1000 - 5);
      const beats = [];
      for (let t = start - 600; t < end && beats.length < 450; t += rand() < 0.1 ? 100 + rand() * 3000 : rand() * 150) {
        beats.push(cliHeartbeat(Math.round(t * 1000) / 1000, { project: ["alpha", "beta", ""][Math.floor(rand() * 3)] }));
      }
      await send(u.apiKey, beats);
      const { body } = await summaries(u.apiKey, `start=${first}&end=${last}`);
      expect(body.data).toHaveLength(4);
      for (const day of body.data) {
        const expected = (await referenceDurations(env.DB, u.id, localDayBounds(day.range.date, tz))).get(null) ?? 0;
        expect(day.grand_total.total_seconds, `${tz} ${day.range.date}`).toBe(expected);
        // Project totals: LEAD within the day, credited to the earlier heartbeat.
        const rows = (await env.DB.prepare("SELECT time, project FROM heartbeats WHERE user_id = ? AND time >= ? AND time < ? ORDER BY time, id")
          .bind(u.id, localDayBounds(day.range.date, tz).start, localDayBounds(day.range.date, tz).end)
          .all<{ time: number; project: string | null }>()).results;
        const micros = new Map<string, number>();
        rows.forEach((r, i) => {
          if (i + 1 === rows.length) return;
          const gap = Math.min(Math.round(rows[i + 1].time * 1e6) - Math.round(r.time * 1e6), 120e6);
          const name = r.project?.trim() ? r.project : "Other";
          micros.set(name, (micros.get(name) ?? 0) + gap);
        });
        const expectedProjects = Object.fromEntries([...micros].map(([n, m]) => [n, Math.round(m / 1e6)]).filter(([, s]) => (s as number) > 0));
        expect(Object.fromEntries(day.projects.map((p: any) => [p.name, p.total_seconds]))).toEqual(expectedProjects);
      }
      const todayEntry = body.data[3];
      expect(todayEntry.range.text).toBe("Today");
      expect(body.data[2].range.text).toBe("Yesterday");
      expect(todayEntry.grand_total.total_seconds).toBe((await statusBar(u.apiKey)).body.data.grand_total.total_seconds);
    }
  });

  it("answers the browser extension: ?api_key, start=end=today, data[0].grand_total", async () => {
    const u = await createUser({ timezone: "UTC" });
    const { start } = localDayBounds(today("UTC"), "UTC");
    const now = Date.now() / 1000;
    const t0 = Math.max(start, now - 600);
    await send(u.apiKey, [cliHeartbeat(t0), cliHeartbeat(t0 + 30), cliHeartbeat(t0 + 60)]);
    const day = today("UTC");
    const { res, body } = await getJson(`${BASE}/current/summaries?api_key=${u.apiKey}&start=${day}&end=${day}`);
    expect(res.status).toBe(200);
    expect(body.data).toHaveLength(1);
    expect(body.data[0].grand_total).toMatchObject({ total_seconds: 60, text: "1m", digital: "00:01:00" });
    expect(body.data[0].range.text).toBe("Today");
  });

  it("takes the last value of a repeated parameter and ignores unknown ones", async () => {
    const u = await createUser();
    const { res, body } = await summaries(u.apiKey, "start=nope&start=2026-01-01&end=2026-01-02&foo=bar");
    expect(res.status).toBe(200);
    expect(body.data).toHaveLength(2);
  });

  it("allows 366 days and answers any four-digit year without error", async () => {
    const u = await createUser({ timezone: "Pacific/Kiritimati" });
    let { res, body } = await summaries(u.apiKey, "start=2025-08-11&end=2026-08-11");
    expect(res.status).toBe(200);
    expect(body.data).toHaveLength(366);
    expect(body.daily_average.days_including_holidays).toBe(366);
    for (const q of ["start=9999-12-30&end=9999-12-31", "start=0000-01-01&end=0000-01-02", "start=1800-03-01&end=1800-03-01"]) {
      ({ res, body } = await summaries(u.apiKey, q));
      expect(res.status, q).toBe(200);
      expect(body.data.every((d: any) => d.grand_total.total_seconds === 0)).toBe(true);
    }
    expect(body.data[0].range.text).toBe("March 1, 1800");
  });

  it.each([
    ["no dates", "", "start and end must be valid dates in YYYY-MM-DD format"],
    ["a non-date", "start=not-a-date&end=2026-08-11", "start and end must be valid dates in YYYY-MM-DD format"],
    ["a day that does not exist", "start=2026-02-30&end=2026-03-01", "start and end must be valid dates in YYYY-MM-DD format"],
    ["a date with a time", "start=2026-08-10T00:00:00&end=2026-08-11", "start and end must be valid dates in YYYY-MM-DD format"],
    ["'today'", "start=today&end=today", "start and end must be valid dates in YYYY-MM-DD format"],
    ["end before start", "start=2026-08-12&end=2026-08-11", "end must not be before start"],
    ["367 days", "start=2025-08-10&end=2026-08-11", "date range cannot exceed 366 days"],
    ["an unknown timezone", "start=2026-08-11&end=2026-08-11&timezone=Not/A_Timezone", "Invalid timezone"],
    ["a mis-cased timezone", "start=2026-08-11&end=2026-08-11&timezone=america/new_york", "Invalid timezone"],
  ])("answers 400 for %s", async (_name, query, error) => {
    const u = await createUser();
    const { res, body } = await summaries(u.apiKey, query);
    expect(res.status).toBe(400);
    expect(body).toEqual({ error });
  });

  it("refuses a bad key with 401", async () => {
    const { res, body } = await getJson(`${BASE}/current/summaries?start=2026-08-10&end=2026-08-10`, bearer(crypto.randomUUID()));
    expect(res.status).toBe(401);
    expect(body).toEqual(refused.user("unknown_key"));
  });
});

describe("GET /api/hackatime/v1/users/current/stats/last_7_days", () => {
  const last7 = (key: string) => getJson(`${BASE}/current/stats/last_7_days`, bearer(key));

  it("answers zeros and a single coding category for a user with no heartbeats", async () => {
    const tz = "America/New_York";
    const u = await createUser({ timezone: tz, slackUid: `U${Date.now().toString(36).toUpperCase()}` });
    const { res, body } = await last7(u.apiKey);
    expect(res.status).toBe(200);
    const day = today(tz);
    const offset = (iso: string) => iso.slice(19);
    expect(body.data).toMatchObject({
      status: "ok",
      total_seconds: 0,
      daily_average: 0,
      days_including_holidays: 0,
      range: "last_7_days",
      human_readable_range: "Last 7 Days",
      human_readable_total: "0 hrs 0 mins",
      human_readable_daily_average: "0 hrs 0 mins",
      is_coding_activity_visible: true,
      is_other_usage_visible: true,
      editors: [],
      languages: [],
      machines: [],
      projects: [],
      operating_systems: [],
      categories: [{ name: "coding", total_seconds: 0, percent: 100, digital: "0:00:00", text: "0 hrs 0 mins", hours: 0, minutes: 0, seconds: 0 }],
    });
    expect(body.data.start).toBe(`${addDays(day, -7)}T00:00:00${offset(body.data.start)}`);
    expect(body.data.end).toBe(`${day}T23:59:59${offset(body.data.end)}`);
    expect(offset(body.data.start)).toMatch(/^-0[45]:00$/);
    // username and user_id are the Slack id.
    const slack = (await env.DB.prepare("SELECT slack_uid FROM users WHERE id = ?").bind(u.id).first<{ slack_uid: string }>())!.slack_uid;
    expect(body.data.username).toBe(slack);
    expect(body.data.user_id).toBe(slack);
  });

  it("totals eight local days with per-group chains, display names and a daily average over active days", async () => {
    const tz = "UTC";
    const u = await createUser({ timezone: tz });
    const day = today(tz);
    const d = (offset: number) => localDayBounds(addDays(day, offset), tz).start;
    await send(u.apiKey, [
      // Day −8: outside the window.
      cliHeartbeat(d(-8) + 3600, { project: "alpha" }),
      cliHeartbeat(d(-8) + 3660, { project: "alpha" }),
      // Day −7 (the window's first day): 60 + 60 = 120 s of alpha.
      cliHeartbeat(d(-7) + 3600, { project: "alpha" }),
      cliHeartbeat(d(-7) + 3660, { project: "alpha" }),
      cliHeartbeat(d(-7) + 3720, { project: "alpha" }),
      // Day −3: 30 + min(270, 120) = 150 s of beta, language Rust.
      cliHeartbeat(d(-3) + 7200, { project: "beta", language: "Rust", entity: "/src/main.rs" }),
      cliHeartbeat(d(-3) + 7230, { project: "beta", language: "Rust", entity: "/src/main.rs" }),
      cliHeartbeat(d(-3) + 7500, { project: "beta", language: "Rust", entity: "/src/main.rs" }),
    ]);
    const { body } = await last7(u.apiKey);
    // Ungrouped chain over the window: 120 + 120 (day −7 → day −3, capped) + 150 = 390.
    expect(body.data.total_seconds).toBe(390);
    expect(body.data.days_including_holidays).toBe(2);
    expect(body.data.daily_average).toBe(195);
    expect(body.data.human_readable_total).toBe("0 hrs 6 mins");
    expect(body.data.human_readable_daily_average).toBe("0 hrs 3 mins");
    // Per-project chains: alpha 120, beta 150 (the cross-day gap belongs to neither).
    expect(body.data.projects).toEqual([
      { name: "beta", total_seconds: 150, percent: 55.56, digital: "0:02:30", text: "0 hrs 2 mins", hours: 0, minutes: 2, seconds: 30 },
      { name: "alpha", total_seconds: 120, percent: 44.44, digital: "0:02:00", text: "0 hrs 2 mins", hours: 0, minutes: 2, seconds: 0 },
    ]);
    expect(body.data.languages.map((l: any) => [l.name, l.total_seconds])).toEqual([["Rust", 150], ["TypeScript", 120]]);
    expect(body.data.editors.map((e: any) => [e.name, e.total_seconds, e.percent])).toEqual([["VSCode", 390, 100]]);
    expect(body.data.operating_systems.map((e: any) => [e.name, e.total_seconds])).toEqual([["Linux", 390]]);
    expect(body.data.machines.map((e: any) => e.name)).toEqual(["dev laptop"]);
    expect(body.data.categories).toEqual([{ name: "coding", total_seconds: 390, percent: 100, digital: "0:06:30", text: "0 hrs 6 mins", hours: 0, minutes: 6, seconds: 30 }]);
    expect(body.data.start).toBe(`${addDays(day, -7)}T00:00:00Z`);
    expect(body.data.end).toBe(`${day}T23:59:59Z`);
    // Without a Slack id: the username and the numeric id.
    expect(body.data.username).toBe(u.username);
    expect(body.data.user_id).toBe(String(u.id));
  });

  it("counts a day with a lone heartbeat as active (round(total / days, 1))", async () => {
    const u = await createUser();
    const day = today("UTC");
    const d = (offset: number) => localDayBounds(addDays(day, offset), "UTC").start;
    await send(u.apiKey, [cliHeartbeat(d(-6) + 100), cliHeartbeat(d(-6) + 200), cliHeartbeat(d(-5) + 100), cliHeartbeat(d(-4) + 100)]);
    const { body } = await last7(u.apiKey);
    // 100 + 120 + 120 = 340 over 3 active days = 113.3.
    expect(body.data.total_seconds).toBe(340);
    expect(body.data.days_including_holidays).toBe(3);
    expect(body.data.daily_average).toBe(113.3);
    expect(body.data.human_readable_daily_average).toBe("0 hrs 1 mins");
  });

  it("names editors and OSes as Hackatime does, merging blank values into unknown", () => {
    expect(displayEditorName("vscode")).toBe("VSCode");
    expect(displayEditorName("IntelliJ")).toBe("IntelliJ IDEA");
    expect(displayEditorName("neovim")).toBe("Neovim");
    expect(displayEditorName("")).toBe("Unknown");
    expect(displayOsName("darwin")).toBe("macOS");
    expect(displayOsName("WSL")).toBe("WSL");
    expect(displayOsName("windows")).toBe("Windows");
    expect(capitalize("VIM")).toBe("Vim");
    const groups = new Map<string | null, number>([["vscode", 300], [null, 50], ["", 50], ["zed", 0]]);
    expect(statsBreakdown("editor", groups).map((e) => [e.name, e.total_seconds, e.percent])).toEqual([["VSCode", 300, 75], ["Unknown", 100, 25]]);
    expect(statsBreakdown("project", new Map([[null, 10]]))[0].name).toBe("unknown");
    expect(statsBreakdown("project", new Map([["a", 0]]))).toEqual([]);
  });

  it("refuses a bad key with 401", async () => {
    const { res, body } = await last7(crypto.randomUUID());
    expect(res.status).toBe(401);
    expect(body).toEqual(refused.user("unknown_key"));
  });
});

describe("GET /api/hackatime/v1/users/current/heartbeats?date=", () => {
  it("lists one local day's heartbeats in time order, WakaTime-shaped", async () => {
    const tz = "America/New_York";
    const u = await createUser({ timezone: tz });
    const { start, end } = localDayBounds("2026-08-10", tz);
    await send(u.apiKey, [cliHeartbeat(end + 5), cliHeartbeat(start + 500, { project: "b" }), cliHeartbeat(start - 1), cliHeartbeat(start), cliHeartbeat(end - 0.5)]);
    const { res, body } = await getJson(`${BASE}/current/heartbeats?date=2026-08-10`, bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body.data.map((h: any) => h.time)).toEqual([start, start + 500, end - 0.5]);
    expect(body).toMatchObject({ start: "2026-08-10T04:00:00Z", end: "2026-08-11T03:59:59Z", timezone: tz });
    expect(body.data[1]).toMatchObject({ user_id: u.id, project: "b", entity: "/home/dev/code/app/src/main.ts", type: "file", category: "coding", editor: "vscode", is_write: true, dependencies: [] });
    expect(typeof body.data[0].id).toBe("number");
    // Another day, and the ?api_key flow.
    const other = await getJson(`${BASE}/current/heartbeats?date=2026-08-11&api_key=${u.apiKey}`);
    expect(other.body.data.map((h: any) => h.time)).toEqual([end + 5]);
    expect((await getJson(`${BASE}/current/heartbeats?date=2026-08-12`, bearer(u.apiKey))).body.data).toEqual([]);
    for (const date of ["0000-01-01", "9999-12-31"]) {
      const { res: edge, body: none } = await getJson(`${BASE}/current/heartbeats?date=${date}`, bearer(u.apiKey));
      expect(edge.status, date).toBe(200);
      expect(none.data).toEqual([]);
    }
  });

  it.each([[""], ["?date="], ["?date=yesterday"], ["?date=2026-13-01"], ["?date=2026-08-10T00:00:00Z"]])("answers 400 for %s", async (query) => {
    const u = await createUser();
    const { res, body } = await getJson(`${BASE}/current/heartbeats${query}`, bearer(u.apiKey));
    expect(res.status).toBe(400);
    expect(body).toEqual({ error: "date must be a valid date in YYYY-MM-DD format" });
  });

  it("refuses a bad key with 401", async () => {
    expect((await getJson(`${BASE}/current/heartbeats?date=2026-08-10`, bearer(crypto.randomUUID()))).res.status).toBe(401);
  });
});

describe("formatting details", () => {
  it("prints decimal hours as Ruby's %.2f does, ties to even only on exact binary ties", () => {
    expect(decimalHours(180)).toBe("0.05");
    expect(decimalHours(90)).toBe("0.03");
    expect(decimalHours(450)).toBe("0.12"); // exactly 0.125
    expect(decimalHours(1350)).toBe("0.38"); // exactly 0.375
    expect(decimalHours(3600)).toBe("1.00");
    expect(decimalHours(18)).toBe("0.01"); // 0.005 is stored just above
  });
});

// last_7_days is in the spec: test/openapi.test.ts and test/contract.test.ts check it. These
// WakaTime routes are ours alone.
describe("OpenAPI document", () => {
  it("documents the WakaTime-compatible routes beyond the spec under their own tag, with the user key", async () => {
    const doc = (await (await request("/api-docs/openapi.json")).json()) as any;
    const names = (op: any) => new Set((op.security ?? []).flatMap((r: object) => Object.keys(r)));
    for (const path of ["/api/hackatime/v1/users/{id}", "/api/hackatime/v1/users/{id}/summaries", "/api/hackatime/v1/users/{id}/heartbeats"]) {
      expect(doc.paths[path]?.get?.tags, path).toEqual(["WakaTime Compatibility"]);
      expect(names(doc.paths[path].get)).toContain("ApiKeyAuth");
    }
    const params = doc.paths["/api/hackatime/v1/users/{id}/summaries"].get.parameters.map((p: any) => [p.name, p.in, p.schema?.type]);
    expect(params).toEqual(expect.arrayContaining([["start", "query", "string"], ["end", "query", "string"], ["project", "query", "string"], ["timezone", "query", "string"]]));
  });
});
