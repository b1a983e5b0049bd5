// /settings: time zone, privacy, key rotation (ends every session and the old key), sessions
// (listed, revocable), imports (upload → status → done), exports (download), goals, deletion.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { bearer, cliHeartbeat, createUser, getJson, postBulk, request, statusBar } from "../helpers";
import { Browser, ORIGIN, signedIn } from "./helpers";

const csrfOf = (html: string) => /name="_csrf" value="([0-9a-f]+)"/.exec(html)![1];

describe("/settings", () => {
  it("shows the editor setup for this server, the time zone's consequences and goals: none", async () => {
    const u = await createUser({ timezone: "Europe/Paris" });
    const b = await signedIn(u.apiKey);
    const res = await b.get("/settings");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("api_url = http://tally.test/api/hackatime/v1");
    expect(html).toContain(`<option value="Europe/Paris" selected="">Europe/Paris</option>`);
    expect(html).toContain("Your days start at midnight in the new zone");
    expect(html).toContain("No goals yet.");
    expect(html).toContain(`<script src="/assets/tally/copy.js" defer="">`);
  });

  it("changes the time zone (refusing unknown zones) and privacy", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    const token = await b.csrf();
    expect((await b.post("/settings/timezone", { _csrf: token, timezone: "Not/AZone" })).status).toBe(303);
    expect(await (await b.get("/settings")).text()).toContain("Unknown time zone: Not/AZone");
    expect((await b.post("/settings/timezone", { _csrf: token, timezone: "Asia/Kolkata" })).status).toBe(303);
    const row = await env.DB.prepare("SELECT timezone, allow_public_stats_lookup FROM users WHERE id = ?").bind(u.id).first<any>();
    expect(row).toEqual({ timezone: "Asia/Kolkata", allow_public_stats_lookup: 1 });
    expect((await b.post("/settings/privacy", { _csrf: token })).status).toBe(303);
    expect((await request(`/api/v1/users/${u.username}/stats`)).status).toBe(403);
    expect((await b.post("/settings/privacy", { _csrf: token, public: "1" })).status).toBe(303);
    expect((await request(`/api/v1/users/${u.username}/stats`)).status).toBe(200);
  });

  it("rotating the key shows the new key once, ends every other session and the old key, and keeps this browser signed in", async () => {
    const u = await createUser();
    const here = await signedIn(u.apiKey);
    const elsewhere = await signedIn(u.apiKey);
    expect((await elsewhere.get("/dashboard")).status).toBe(200);
    const res = await here.post("/settings/key/rotate", { _csrf: await here.csrf() });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    const key = /<code id="new-key" class="mono">([0-9a-f-]{36})<\/code>/.exec(html)![1];
    expect(key).not.toBe(u.apiKey);
    // The old key is refused, the new one works; the other browser is signed out; this one is not.
    expect((await request("/api/v1/authenticated/me", { headers: { Authorization: `Bearer ${u.apiKey}` } })).status).toBe(401);
    expect((await request("/api/v1/authenticated/me", { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await elsewhere.get("/dashboard")).status).toBe(303);
    expect((await here.get("/dashboard")).status).toBe(200);
    // The page's forms carry the new session's token.
    expect((await here.post("/settings/privacy", { _csrf: csrfOf(html), public: "1" })).status).toBe(303);
    // Rotation through the API ends web sessions too.
    await request("/my/settings/rotate_api_key", { method: "POST", headers: { Authorization: `Bearer ${key}` } });
    expect((await here.get("/dashboard")).status).toBe(303);
  });

  it("lists sessions and revokes another one", async () => {
    const u = await createUser();
    const here = await signedIn(u.apiKey);
    const other = await signedIn(u.apiKey);
    const html = await (await here.get("/settings")).text();
    const ids = [...html.matchAll(/data-session-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids).toHaveLength(2);
    expect(html).toContain("(this browser)");
    const otherId = Math.max(...ids); // signed in second
    expect((await here.post(`/settings/sessions/${otherId}/revoke`, { _csrf: csrfOf(html) })).status).toBe(303);
    expect((await other.get("/dashboard")).status).toBe(303);
    expect((await here.get("/dashboard")).status).toBe(200);
    // Someone else's session id is not found.
    const stranger = await signedIn((await createUser()).apiKey);
    const res = await stranger.post(`/settings/sessions/${Math.min(...ids)}/revoke`, { _csrf: await stranger.csrf() });
    expect(res.status).toBe(303);
    expect(await (await stranger.get("/settings")).text()).toContain("No such session");
    expect((await here.get("/dashboard")).status).toBe(200);
  });

  it("imports an uploaded dump: the status page and JSON follow it to done", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    const t = Math.floor(Date.now() / 1000) - 86_400;
    const dump = JSON.stringify({ heartbeats: Array.from({ length: 3 }, (_, i) => ({ entity: "/a.ts", type: "file", time: t + i * 30, project: "imported" })) });
    const form = new FormData();
    form.append("_csrf", await b.csrf());
    form.append("heartbeat_file", new Blob([dump], { type: "application/json" }), "dump.json");
    const res = await request("/settings/imports", { method: "POST", headers: { Origin: ORIGIN, Cookie: b.cookieHeader() }, body: form, redirect: "manual" });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/settings\/imports\/\d+$/);
    const page = await (await b.get(location)).text();
    expect(page).toContain(`data-import-status-url="${location}/status"`);
    expect(page).toContain(`<script src="/assets/tally/import-progress.js" defer="">`);
    let last: any;
    await vi.waitFor(
      async () => {
        last = await (await b.get(`${location}/status`, { Accept: "application/json" })).json();
        expect(last.state).toBe("completed");
      },
      { timeout: 25_000, interval: 200 },
    );
    expect(last).toMatchObject({ progress_percent: 100, imported_count: 3 });
    expect(await (await b.get(location)).text()).not.toContain('http-equiv="refresh"');
  });

  it("refuses an upload without the CSRF token first", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    const form = new FormData();
    form.append("heartbeat_file", new Blob(["{}"], { type: "application/json" }), "dump.json");
    form.append("_csrf", await b.csrf());
    const res = await request("/settings/imports", { method: "POST", headers: { Origin: ORIGIN, Cookie: b.cookieHeader() }, body: form, redirect: "manual" });
    expect(res.status).toBe(403);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM heartbeat_imports WHERE user_id = ?").bind(u.id).first<any>()).toEqual({ n: 0 });
  });

  it("exports everything as a download", async () => {
    const u = await createUser();
    const t = Math.floor(Date.now() / 1000) - 3600;
    await postBulk(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 60)]);
    const b = await signedIn(u.apiKey);
    const res = await b.post("/settings/exports", { _csrf: await b.csrf(), all_data: "true" });
    expect(res.status).toBe(303);
    const download = await b.get(res.headers.get("location")!);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.json"$/);
    const body = (await download.json()) as any;
    expect(body.heartbeats).toHaveLength(2);
    expect(body.export_info.total_duration_seconds).toBe(60);
    // Another user cannot download it.
    const other = await signedIn((await createUser()).apiKey);
    expect((await other.get(res.headers.get("location")!)).status).toBe(404);
  });

  it("requests and cancels account deletion", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    expect((await b.post("/settings/deletion", { _csrf: await b.csrf(), reason: "", reason_details: "" })).status).toBe(303);
    const pending = await (await b.get("/settings")).text();
    expect(pending).toContain("<strong>Pending</strong>");
    expect((await request("/deletion", { headers: { Authorization: `Bearer ${u.apiKey}` } })).status).toBe(200);
    // While it is pending the dashboard shows no stats (as the API refuses them).
    expect(await (await b.get("/dashboard")).text()).toContain("Your account is restricted");
    expect((await b.post("/settings/deletion/cancel", { _csrf: csrfOf(pending) })).status).toBe(303);
    expect(await (await b.get("/settings")).text()).toContain("Your deletion request is cancelled.");
    const row = await env.DB.prepare("SELECT status FROM deletion_requests WHERE user_id = ?").bind(u.id).first<any>();
    expect(row.status).toBe("cancelled");
  });

  it("adds goals (daily, weekly, filtered), shows the daily one's progress on the dashboard as the status bar does, and deletes them", async () => {
    const u = await createUser();
    const now = Math.floor(Date.now() / 1000);
    const t = Math.max(Math.floor(now / 86_400) * 86_400 + 1, now - 600); // today (UTC), at most a few minutes ahead
    await postBulk(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 60), cliHeartbeat(t + 90, { language: "Go" }), cliHeartbeat(t + 150, { language: "Go" })]);
    const b = await signedIn(u.apiKey);
    expect(await (await b.get("/dashboard")).text()).toContain('data-tile="goal"');

    const token = await b.csrf();
    expect((await b.post("/settings/goals", { _csrf: token, minutes: "0", delta: "day" })).status).toBe(303);
    expect(await (await b.get("/settings")).text()).toMatch(/minutes: [^<]*60/);
    expect((await b.post("/settings/goals", { _csrf: token, minutes: "1", delta: "fortnight" })).status).toBe(303);
    expect((await b.post("/settings/goals", { _csrf: token, minutes: "2", delta: "day" })).status).toBe(303);
    expect((await b.post("/settings/goals", { _csrf: token, minutes: "90", delta: "week", languages: "go, ", custom_title: "Go <b>weekly</b>" })).status).toBe(303);

    // The goals are the API's: the same titles and progress.
    const api = (await getJson("/api/hackatime/v1/users/current/goals", bearer(u.apiKey))).body.data as any[];
    expect(api.map((g) => [g.delta, g.seconds, g.languages])).toEqual([
      ["day", 120, []],
      ["week", 5400, ["go"]],
    ]);
    const settings = await (await b.get("/settings")).text();
    expect(settings).toContain("Goal added: Go &lt;b&gt;weekly&lt;/b&gt;.");
    expect((await b.post("/settings/goals", { minutes: "5", delta: "day" })).status).toBe(403); // no CSRF token
    for (const g of api) {
      const row = new RegExp(`<tr data-goal-id="${g.id}">[\\s\\S]*?data-seconds="(\\d+)"`).exec(settings)!;
      expect(Number(row[1])).toBe(g.chart_data.at(-1).actual_seconds);
    }
    expect(api[1].chart_data.at(-1).actual_seconds).toBe(60); // the Go heartbeats only, in any case

    // The dashboard's goal tile is the status bar's data.goal.
    const bar = (await statusBar(u.apiKey)).body.data.goal;
    expect(bar).toMatchObject({ target_seconds: 120, tracked_seconds: 150, completion_percent: 100, complete: true });
    const dash = await (await b.get("/dashboard")).text();
    expect(dash).toContain(`data-testid="goal" data-seconds="${bar.tracked_seconds}"`);
    expect(dash).toContain(`data-target-seconds="${bar.target_seconds}"`);
    expect(/data-testid="goal-percent">(\d+)%/.exec(dash)![1]).toBe(String(bar.completion_percent));
    expect(dash).toContain("Code 2 mins per day");

    // Deleting: gone from the API, the status bar and the dashboard; someone else's id is not found.
    const other = await signedIn((await createUser()).apiKey);
    expect((await other.post(`/settings/goals/${api[0].id}/delete`, { _csrf: await other.csrf() })).status).toBe(303);
    expect(await (await other.get("/settings")).text()).toContain("Goal not found");
    for (const g of api) expect((await b.post(`/settings/goals/${g.id}/delete`, { _csrf: token })).status).toBe(303);
    expect((await getJson("/api/hackatime/v1/users/current/goals", bearer(u.apiKey))).body.data).toEqual([]);
    expect((await statusBar(u.apiKey)).body.data.goal).toBeUndefined();
    expect(await (await b.get("/dashboard")).text()).not.toContain('data-testid="goal"');
  });

  it("a leaked key's revocation ends the sessions signed in with it", async () => {
    const u = await createUser();
    const b = await signedIn(u.apiKey);
    expect((await b.get("/dashboard")).status).toBe(200);
    const res = await request("/api/internal/revoke", { method: "POST", headers: { ...bearer("test-revocation-key"), "Content-Type": "application/json" }, body: JSON.stringify({ token: u.apiKey }) });
    expect(res.status).toBe(200);
    expect((await b.get("/dashboard")).status).toBe(303);
  });

  it("is for signed-in users only", async () => {
    const res = await new Browser().get("/settings");
    expect(res.status).toBe(303);
    const post = await new Browser().post("/settings/privacy", { _csrf: "x" });
    expect(post.status).toBe(401);
  });
});
