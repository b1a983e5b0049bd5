import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { EXPORT_STATS_SQL, exportPageSql, userExportById } from "../../src/db/exports";
import { createExport, exportDownload } from "../../src/domain/exports";
import { cliHeartbeat, createUser, request, type TestUser, queryPlan, bearer, send, userChanged } from "../helpers";

const EXPORT = "/my/heartbeats/export";
const T0 = 1_735_725_600; // 2025-01-01T10:00:00Z
const DAY = 86_400;

/** POST the export, then follow the 302 as a client would. */
async function exportOf(u: TestUser, query = "") {
  // redirect: "manual" — a fetch to the worker itself would otherwise follow the 302.
  const created = await request(`${EXPORT}${query}`, { method: "POST", redirect: "manual", headers: bearer(u.apiKey) });
  expect(created.status).toBe(302);
  const location = created.headers.get("location")!;
  expect(location).toMatch(/^\/my\/heartbeats\/exports\/\d+/);
  const res = await request(location, { headers: bearer(u.apiKey) });
  expect(res.status).toBe(200);
  return { res, location, text: await res.clone().text(), body: (await res.json()) as any };
}

/** A varied history over 3 days: several projects, languages, editors (via UA), fractional times, a >2 min gap. */
function history(start: number) {
  const out: unknown[] = [];
  const langs = ["TypeScript", "Rust", "Go"];
  for (let d = 0; d < 3; d++)
    for (let i = 0; i < 70; i++) {
      const t = start + d * DAY + i * 47.125 + (i > 40 ? 600 : 0) + i / 1000;
      out.push(cliHeartbeat(t, { project: `proj-${(i + d) % 3}`, language: langs[i % 3], entity: `/src/${i % 4}.x`, branch: i % 2 ? "main" : "dev", ai_line_changes: i === 3 ? 12 : undefined }));
    }
  return out;
}

describe("POST /my/heartbeats/export and GET /my/heartbeats/exports/{id}", () => {
  it("answers 401 without a valid user key", async () => {
    expect((await request(EXPORT, { method: "POST" })).status).toBe(401);
    expect((await request(EXPORT, { method: "POST", headers: bearer("00000000-0000-4000-8000-000000000000") })).status).toBe(401);
    expect((await request("/my/heartbeats/exports/1")).status).toBe(401);
  });

  it("redirects (302) to a JSON export in Hackatime's format, time as ISO 8601", async () => {
    const u = await createUser();
    const now = Math.floor(Date.now() / 1000);
    await send(u, [cliHeartbeat(now - 3600), cliHeartbeat(now - 3540.5), cliHeartbeat(now - 40 * DAY)]);
    const { res, body, text } = await exportOf(u); // default: 30 days ago .. today
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="heartbeats_user_${u.id}_\\d{8}_\\d{8}\\.json"$`));
    expect(text.startsWith('{"export_info":')).toBe(true);
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    expect(body.export_info).toMatchObject({ date_range: { end_date: today }, total_heartbeats: 2, total_duration_seconds: 60 });
    expect(body.export_info.exported_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(body.heartbeats).toHaveLength(2);
    const hb = body.heartbeats[1];
    for (const key of ["id", "entity", "type", "category", "project", "language", "editor", "operating_system", "machine", "branch", "user_agent", "is_write", "line_additions", "line_deletions", "lineno", "lines", "cursorpos", "dependencies", "source_type", "ai_model", "ai_line_changes", "human_line_changes", "time", "created_at", "updated_at"])
      expect(hb, key).toHaveProperty(key);
    expect(hb).toMatchObject({ project: "app", language: "TypeScript", is_write: true, dependencies: [], source_type: "direct_entry" });
    expect(hb.time).toBe(new Date((now - 3540.5) * 1000).toISOString());

    // A client that follows redirects gets the file straight from the POST.
    const followed = await request(EXPORT, { method: "POST", headers: bearer(u.apiKey) });
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as any).heartbeats).toHaveLength(2);
  });

  it("exports a date range (UTC days, inclusive) or everything with all_data=true", async () => {
    const u = await createUser({ slackUid: `UEXP${Date.now()}` });
    await send(u, [cliHeartbeat(T0 - DAY), cliHeartbeat(T0), cliHeartbeat(T0 + 60), cliHeartbeat(T0 + 2 * DAY)]);
    const ranged = await exportOf(u, "?start_date=2025-01-01&end_date=2025-01-01");
    expect(ranged.body.export_info).toMatchObject({ date_range: { start_date: "2025-01-01", end_date: "2025-01-01" }, total_heartbeats: 2, total_duration_seconds: 60 });
    expect(ranged.res.headers.get("content-disposition")).toContain(`heartbeats_UEXP`);
    const all = await exportOf(u, "?all_data=true");
    expect(all.body.export_info).toMatchObject({ date_range: { start_date: "2024-12-31", end_date: "2025-01-03" }, total_heartbeats: 4 });
    expect(all.body.heartbeats.map((h: any) => h.time)).toEqual([T0 - DAY, T0, T0 + 60, T0 + 2 * DAY].map((t) => new Date(t * 1000).toISOString().replace(".000Z", "Z")));
    const empty = await exportOf(u, "?start_date=2020-01-01&end_date=2020-01-02");
    expect(empty.body).toMatchObject({ export_info: { total_heartbeats: 0, total_duration_seconds: 0 }, heartbeats: [] });
  });

  it("refuses invalid dates (422), red users (403), and other users' exports (404)", async () => {
    const u = await createUser();
    for (const q of ["?start_date=2025-13-01", "?end_date=yesterday", "?start_date=2025-02-01&end_date=2025-01-01"]) {
      const res = await request(`${EXPORT}${q}`, { method: "POST", redirect: "manual", headers: bearer(u.apiKey) });
      expect(res.status, q).toBe(422);
    }
    const { location } = await exportOf(u);
    const other = await createUser();
    const res = await request(location, { headers: bearer(other.apiKey) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Export not found" });
    expect((await request("/my/heartbeats/exports/abc", { headers: bearer(u.apiKey) })).status).toBe(404);

    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(u.id).run();
    await userChanged(u.id);
    const red = await request(EXPORT, { method: "POST", redirect: "manual", headers: bearer(u.apiKey) });
    expect(red.status).toBe(403);
    expect(((await red.json()) as any).error).toMatch(/not allowed to export/);
    expect((await request(location, { headers: bearer(u.apiKey) })).status).toBe(403);
  });

  it("keeps ?api_key in the redirect for clients authenticating with it", async () => {
    const u = await createUser();
    const created = await request(`${EXPORT}?api_key=${u.apiKey}`, { method: "POST", redirect: "manual" });
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^/my/heartbeats/exports/\\d+\\?api_key=${u.apiKey}$`));
    expect(((await created.json()) as any).url).toBe(location);
    expect((await request(location)).status).toBe(200);
  });

  it("streams page by page in (time, id) order through the user/time index", async () => {
    const u = await createUser();
    const times = Array.from({ length: 23 }, (_, i) => T0 + i * 10 + (i % 2) / 8);
    await send(u, times.map((t) => cliHeartbeat(t)));
    await send(u, [cliHeartbeat(T0 + 50, { entity: "/same/time.ts" })]); // a tie on time, kept in id order
    const exp = (await userExportById(env.DB, u.id, await createExport(env.DB, u.id, { allData: true })))!;
    const dl = await exportDownload(env, { id: u.id, timezone: "UTC", shard: u.shard }, exp, Date.now() / 1000, 5);
    const body = JSON.parse(await new Response(dl.stream).text());
    expect(body.export_info.total_heartbeats).toBe(24);
    const ids = body.heartbeats.map((h: any) => h.id);
    const sorted = [...body.heartbeats].sort((a: any, b: any) => Date.parse(a.time) - Date.parse(b.time) || a.id - b.id).map((h: any) => h.id);
    expect(ids).toEqual(sorted);
    expect(new Set(ids).size).toBe(24);
    const plan = await queryPlan(exportPageSql(true), u.id, 0, 1, 5, 0, 0);
    expect(plan).toMatch(/USING INDEX heartbeats_user_time/);
    expect(plan).not.toMatch(/USE TEMP B-TREE/);
    const stats = await queryPlan(EXPORT_STATS_SQL, u.id, 0, 1);
    expect(stats).toMatch(/USING (COVERING )?INDEX heartbeats_user_time/);
  });

  it("round-trips: user A's export imported for user B gives B the same stats", async () => {
    const a = await createUser();
    const b = await createUser();
    await send(a, history(T0));
    const { text } = await exportOf(a, "?all_data=true");

    const form = new FormData();
    form.append("heartbeat_file", new Blob([text], { type: "application/json" }), "export.json");
    const res = await request("/my/heartbeat_imports", { method: "POST", headers: bearer(b.apiKey), body: form });
    expect(res.status).toBe(202);
    const { import_id } = (await res.json()) as any;
    let run: any;
    await vi.waitFor(
      async () => {
        run = await (await request(`/my/heartbeat_imports/${import_id}`, { headers: bearer(b.apiKey) })).json();
        expect(run.state).toBe("completed");
      },
      { timeout: 25_000, interval: 150 },
    );
    expect(run).toMatchObject({ imported_count: 210, total_count: 210, skipped_count: 0, errors_count: 0 });

    const stats = async (u: TestUser) => {
      const r = await request(`/api/v1/users/${u.username}/stats?features=languages,projects,editors,operating_systems&start_date=2024-12-01&end_date=2025-02-01`);
      expect(r.status).toBe(200);
      const { data } = (await r.json()) as any;
      const pick = (xs: any[]) => xs.map((x) => [x.name, x.total_seconds]);
      return { total: data.total_seconds, languages: pick(data.languages), projects: pick(data.projects), editors: pick(data.editors), os: pick(data.operating_systems) };
    };
    const sa = await stats(a);
    expect(sa.total).toBeGreaterThan(0);
    expect(sa.projects).toHaveLength(3);
    expect(await stats(b)).toEqual(sa);

    // And B's own export holds the same heartbeats (as wakapi_import).
    const again = (await exportOf(b, "?all_data=true")).body;
    const strip = (h: any) => ({ ...h, id: 0, created_at: "", updated_at: "", source_type: "" });
    expect(again.heartbeats.map(strip)).toEqual(JSON.parse(text).heartbeats.map(strip));
    expect(again.export_info.total_duration_seconds).toBe(JSON.parse(text).export_info.total_duration_seconds);
  });

  it("documents the download route (beyond the spec) under My Data", async () => {
    const doc = (await (await request("/api-docs/openapi.json")).json()) as any;
    expect(doc.paths["/my/heartbeats/exports/{id}"].get.tags).toEqual(["My Data"]);
  });
});
