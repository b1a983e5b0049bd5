import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { beginImporting, createImport } from "../../src/domain/imports/runs";
import { stageHeartbeats } from "../../src/domain/imports/stage";
import { CLI_USER_AGENT, cliHeartbeat, createUser, postBulk, request, type TestUser, refused, bearer } from "../helpers";

const IMPORTS = "/my/heartbeat_imports";
const T0 = 1_735_725_600; // 2025-01-01T10:00:00Z

/** A WakaTime data dump: {"user":…,"days":[{"date","heartbeats":[…]}]} as the dump endpoint writes it. */
function wakatimeDump(count: number, opts: { start?: number; step?: number; perDay?: number; project?: (i: number) => string } = {}) {
  const start = opts.start ?? T0;
  const step = opts.step ?? 30;
  const perDay = opts.perDay ?? 100;
  const days: Array<{ date: string; heartbeats: unknown[] }> = [];
  for (let i = 0; i < count; i++) {
    const time = start + i * step + 0.25;
    if (i % perDay === 0) days.push({ date: new Date(time * 1000).toISOString().slice(0, 10), heartbeats: [] });
    days[days.length - 1].heartbeats.push({
      id: crypto.randomUUID(),
      branch: "main",
      category: "coding",
      created_at: new Date(time * 1000).toISOString(),
      cursorpos: i,
      dependencies: ["react"],
      entity: `/home/dev/app/src/file${i % 7}.ts`,
      is_write: i % 3 === 0,
      language: "TypeScript",
      lineno: 10,
      lines: 200,
      machine_name_id: "5b1c9a0e-machine",
      project: opts.project ? opts.project(i) : "dumped",
      project_root_count: 4,
      time,
      type: "file",
      user_agent_id: "c0ffee00-ua",
      user_id: "wakatime-user",
    });
  }
  return JSON.stringify({ user: { id: "wakatime-user", heartbeats: "not these" }, range: { start: "x", end: "y" }, days });
}

function upload(apiKey: string | null, file: string | Uint8Array | null, filename = "dump.json", fields: Record<string, string> = {}, query = "") {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file !== null) form.append("heartbeat_file", new Blob([file], { type: "application/json" }), filename);
  return request(`${IMPORTS}${query}`, { method: "POST", headers: apiKey ? bearer(apiKey) : {}, body: form });
}

async function status(apiKey: string, id: string) {
  const res = await request(`${IMPORTS}/${id}`, { headers: bearer(apiKey) });
  return { res, body: (await res.json()) as any };
}

/** Polls the status until the run finishes (the real local queue imports it). */
async function finished(apiKey: string, id: string, timeout = 25_000) {
  let last: any;
  await vi.waitFor(
    async () => {
      last = (await status(apiKey, id)).body;
      expect(["completed", "failed"]).toContain(last.state);
    },
    { timeout, interval: 150 },
  );
  return last;
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const stored = async (userId: number) =>
  (await env.DB.prepare("SELECT * FROM heartbeats WHERE user_id = ? AND deleted_at IS NULL ORDER BY time, id").bind(userId).all<any>()).results;

afterEach(() => vi.restoreAllMocks());

describe("POST /my/heartbeat_imports (uploads) and GET /my/heartbeat_imports/{id}", () => {
  it("answers 401 without a valid user key", async () => {
    expect((await upload(null, wakatimeDump(2))).status).toBe(401);
    expect((await upload("00000000-0000-4000-8000-000000000000", wakatimeDump(2))).status).toBe(401);
    expect((await request(`${IMPORTS}/1`)).status).toBe(401);
    const body = (await (await request(`${IMPORTS}/1`)).json()) as any;
    expect(body).toEqual(refused.user("missing"));
  });

  it("imports a WakaTime dump: 202 with a Location, then queued → importing → completed with Hackatime's message", async () => {
    const u = await createUser();
    const res = await upload(u.apiKey, wakatimeDump(1200), "wakatime-2025.json");
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as any;
    expect(accepted.import_id).toMatch(/^\d+$/);
    expect(res.headers.get("location")).toBe(`${IMPORTS}/${accepted.import_id}`);
    expect(accepted.status).toMatchObject({ import_id: accepted.import_id, source_kind: "dev_upload", source_filename: "wakatime-2025.json", total_count: 1200 });
    expect(["importing", "completed"]).toContain(accepted.status.state);
    // Staged in slices of at most 500 heartbeats.
    const run = await env.DB.prepare("SELECT slices_total FROM heartbeat_imports WHERE id = ?").bind(Number(accepted.import_id)).first<any>();
    expect(run.slices_total).toBe(3);

    const done = await finished(u.apiKey, accepted.import_id);
    expect(done).toMatchObject({
      state: "completed",
      progress_percent: 100,
      processed_count: 1200,
      total_count: 1200,
      imported_count: 1200,
      skipped_count: 0,
      errors_count: 0,
      error_message: null,
      source_kind: "dev_upload",
    });
    expect(done.message).toMatch(/^Imported 1200 out of 1200 heartbeats in \d+(\.\d+)?s\.$/);
    expect(done.started_at).toBeTruthy();
    expect(done.finished_at).toBeTruthy();

    const rows = await stored(u.id);
    expect(rows).toHaveLength(1200);
    expect(rows[0]).toMatchObject({ source_type: "wakapi_import", project: "dumped", language: "TypeScript", machine: "5b1c9a0e-machine", user_agent: "c0ffee00-ua", branch: "main" });
    expect(rows[0].time).toBe(T0 + 0.25);
    expect(rows[1].is_write).toBe(0);
    expect(rows[0].is_write).toBe(1);
    // The staged data is gone once the run completes.
    const left = await env.DB.prepare("SELECT count(*) AS n FROM heartbeat_import_slices WHERE import_id = ?").bind(Number(accepted.import_id)).first<any>();
    expect(left.n).toBe(0);
  });

  it("imports a Hackatime export (ISO times), the body's editor and OS winning over the user agent", async () => {
    const u = await createUser();
    const heartbeats = [0, 60, 90].map((dt, i) => ({
      id: 100 + i,
      time: new Date((T0 + dt) * 1000).toISOString().replace(".000Z", `.${125 + i}Z`),
      entity: "/src/main.rs",
      type: "file",
      category: "coding",
      project: "exported",
      language: "Rust",
      editor: "Neovim",
      operating_system: "FreeBSD",
      machine: "box",
      branch: "dev",
      user_agent: CLI_USER_AGENT, // says vscode / linux
      is_write: true,
      dependencies: ["serde"],
      source_type: "direct_entry",
      created_at: "2025-01-01T10:00:00Z",
      updated_at: "2025-01-01T10:00:00Z",
    }));
    const file = JSON.stringify({ export_info: { exported_at: "2025-01-02T00:00:00Z", date_range: { start_date: "2025-01-01", end_date: "2025-01-01" }, total_heartbeats: 3, total_duration_seconds: 90 }, heartbeats });
    const res = await upload(u.apiKey, file, "heartbeats_export.json");
    expect(res.status).toBe(202);
    const done = await finished(u.apiKey, ((await res.json()) as any).import_id);
    expect(done).toMatchObject({ state: "completed", imported_count: 3, total_count: 3 });
    const rows = await stored(u.id);
    expect(rows.map((r: any) => r.time)).toEqual([T0 + 0.125, T0 + 60.126, T0 + 90.127]);
    expect(rows[0]).toMatchObject({ editor: "Neovim", operating_system: "FreeBSD", machine: "box", source_type: "wakapi_import", dependencies: '["serde"]' });
  });

  it("takes gzipped files (detected by their magic bytes, whatever the name)", async () => {
    const u = await createUser();
    const res = await upload(u.apiKey, await gzip(wakatimeDump(700)), "dump.json");
    expect(res.status).toBe(202);
    const done = await finished(u.apiKey, ((await res.json()) as any).import_id);
    expect(done).toMatchObject({ state: "completed", imported_count: 700, total_count: 700 });
    expect(await stored(u.id)).toHaveLength(700);
  });

  it("skips duplicates: re-importing the same file stores nothing twice", async () => {
    const u = await createUser();
    const file = wakatimeDump(600);
    const first = await finished(u.apiKey, ((await (await upload(u.apiKey, file)).json()) as any).import_id);
    expect(first).toMatchObject({ state: "completed", imported_count: 600, skipped_count: 0 });
    const second = await finished(u.apiKey, ((await (await upload(u.apiKey, file)).json()) as any).import_id);
    expect(second).toMatchObject({ state: "completed", imported_count: 0, skipped_count: 600, total_count: 600 });
    expect(second.message).toMatch(/^Imported 0 out of 600 heartbeats in \d+(\.\d+)?s\. Skipped 600 duplicate heartbeats\.$/);
    expect(await stored(u.id)).toHaveLength(600);
  });

  it("counts duplicates within a file and against live heartbeats, and invalid items as errors", async () => {
    const u = await createUser();
    // One heartbeat already sent live, the same one from the dump must map onto it.
    expect((await postBulk(u.apiKey, [cliHeartbeat(T0, { machine: "m", editor: undefined })], { "X-Machine-Name": "m" })).status).toBe(201);
    const live = (await stored(u.id))[0];
    const exported = { id: 1, time: T0, entity: live.entity, type: live.type, category: live.category, project: live.project, language: live.language, editor: live.editor, operating_system: live.operating_system, machine: live.machine, branch: live.branch, user_agent: live.user_agent, is_write: true, lineno: live.lineno, lines: live.lines, cursorpos: live.cursorpos, dependencies: [] };
    const beats = [exported, { ...exported, time: T0 + 30 }, { ...exported, time: T0 + 30 }, { ...exported, time: "not a time" }];
    const done = await finished(u.apiKey, ((await (await upload(u.apiKey, JSON.stringify({ heartbeats: beats }))).json()) as any).import_id);
    expect(done).toMatchObject({ state: "completed", total_count: 4, processed_count: 4, imported_count: 1, skipped_count: 2, errors_count: 1 });
    expect(await stored(u.id)).toHaveLength(2);
  });

  it("allows one active import per user (409 with the active run's id)", async () => {
    const u = await createUser();
    const active = await env.DB.prepare("INSERT INTO heartbeat_imports (user_id, state, source_kind) VALUES (?, 'importing', 'dev_upload') RETURNING id").bind(u.id).first<any>();
    const res = await upload(u.apiKey, wakatimeDump(3));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: "Another import is already in progress.", import_id: String(active.id) });
    const remote = await request(IMPORTS, { method: "POST", headers: { ...bearer(u.apiKey), "Content-Type": "application/json" }, body: JSON.stringify({ provider: "wakatime", api_key: "waka_x" }) });
    expect(remote.status).toBe(409);
    // Once it finishes, a new import may start.
    await env.DB.prepare("UPDATE heartbeat_imports SET state = 'completed' WHERE id = ?").bind(active.id).run();
    expect((await upload(u.apiKey, wakatimeDump(3))).status).toBe(202);
  });

  it("a run that stopped moving an hour ago no longer blocks a new one", async () => {
    const u = await createUser();
    const stale = await env.DB.prepare(
      "INSERT INTO heartbeat_imports (user_id, state, source_kind, updated_at) VALUES (?, 'importing', 'dev_upload', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 hours')) RETURNING id",
    )
      .bind(u.id)
      .first<any>();
    expect((await upload(u.apiKey, wakatimeDump(2))).status).toBe(202);
    expect((await status(u.apiKey, String(stale.id))).body).toMatchObject({ state: "failed", error_message: "the import stopped making progress." });
  });

  it("refuses what is not a heartbeat dump with 422 (the run fails with the reason)", async () => {
    const u = await createUser();
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ days: [] }), /^Expected a heartbeat export JSON file\.$/],
      ["hello, world", /^Expected a heartbeat export JSON file\.$/],
      ['{"heartbeats":[{"time":1735725600,"entity":"a"},{"time":}]}', /^Invalid JSON in heartbeats 1–2/],
      ['{"heartbeats":[{"time":1735725600,"entity":"a"}', /^Malformed JSON/],
    ];
    for (const [file, error] of cases) {
      const res = await upload(u.apiKey, file);
      expect(res.status).toBe(422);
      const body = (await res.json()) as any;
      expect(body.error).toMatch(error);
      const run = (await status(u.apiKey, body.import_id)).body;
      expect(run).toMatchObject({ state: "failed" });
      expect(run.message).toBe(`Import failed: ${body.error}`);
    }
    expect(await stored(u.id)).toHaveLength(0);
  });

  it("validates the request: no file or provider, unknown provider, missing API key, bad download link", async () => {
    const u = await createUser();
    const post = (fields: Record<string, string>) => upload(u.apiKey, null, undefined, fields);
    const cases: Array<[Record<string, string>, number, string]> = [
      [{}, 422, "pls select a file to import"],
      [{ provider: "github" }, 422, "Unsupported import provider."],
      [{ "heartbeat_import[provider]": "wakatime" }, 422, "An API key for the import provider is required."],
      [{ download_url: "https://example.com/dump.json" }, 422, "Download link must start with https://wakatime.s3.amazonaws.com."],
    ];
    for (const [fields, code, error] of cases) {
      const res = await post(fields);
      expect(res.status).toBe(code);
      expect(((await res.json()) as any).error).toBe(error);
    }
  });

  it("answers 404 for another user's import and for unknown ids", async () => {
    const owner = await createUser();
    const other = await createUser();
    const { import_id } = (await (await upload(owner.apiKey, wakatimeDump(2))).json()) as any;
    for (const id of [import_id, "999999999", "abc"]) {
      const { res, body } = await status(other.apiKey, id);
      expect(res.status).toBe(404);
      expect(body).toEqual({ error: "Import not found" });
    }
    expect((await status(owner.apiKey, import_id)).res.status).toBe(200);
  });

  it("accepts the key as ?api_key and keeps it in the Location", async () => {
    const u = await createUser();
    const res = await upload(null, wakatimeDump(2), "d.json", {}, `?api_key=${u.apiKey}`);
    expect(res.status).toBe(202);
    const { import_id } = (await res.json()) as any;
    expect(res.headers.get("location")).toBe(`${IMPORTS}/${import_id}?api_key=${u.apiKey}`);
    expect((await request(res.headers.get("location")!)).status).toBe(200);
  });

  it("runs a remote WakaTime dump import end to end through the queue (faked WakaTime)", async () => {
    const u = await createUser();
    const base = String(env.WAKATIME_API_BASE_URL).replace(/\/$/, "");
    const dumpFile = wakatimeDump(40, { start: T0 + 86_400 });
    const seen: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!url.startsWith(base)) return realFetch(input as any, init);
      const auth = new Headers(init?.headers).get("authorization");
      seen.push(`${init?.method ?? "GET"} ${url.slice(base.length)} ${auth}`);
      if (url === `${base}/users/current/data_dumps` && init?.method === "POST")
        return Response.json({ data: { id: "dump-1", status: "Completed", percent_complete: 100, is_processing: false, download_url: `${base}/files/dump-1.json`, type: "heartbeats" } }, { status: 201 });
      if (url === `${base}/users/current/user_agents`) return Response.json({ data: [{ id: "c0ffee00-ua", value: CLI_USER_AGENT, editor: "vscode", os: "linux" }] });
      if (url === `${base}/files/dump-1.json`) return new Response(dumpFile);
      return new Response("not found", { status: 404 });
    });
    const res = await request(IMPORTS, { method: "POST", headers: { ...bearer(u.apiKey), "Content-Type": "application/json" }, body: JSON.stringify({ heartbeat_import: { provider: "wakatime", api_key: "waka_secret" } }) });
    expect(res.status).toBe(202);
    const { import_id, status: first } = (await res.json()) as any;
    expect(first).toMatchObject({ state: "queued", source_kind: "wakatime_dump" });
    const done = await finished(u.apiKey, import_id);
    expect(done).toMatchObject({ state: "completed", imported_count: 40, remote_dump_status: "Completed", remote_percent_complete: 100 });
    const basic = `Basic ${btoa("waka_secret:")}`;
    expect(seen).toContain(`POST /users/current/data_dumps ${basic}`);
    expect(seen).toContain(`GET /files/dump-1.json ${basic}`);
    const rows = await stored(u.id);
    expect(rows).toHaveLength(40);
    // user_agent_id resolved through /users/current/user_agents; the list's editor/OS are body values.
    expect(rows[0]).toMatchObject({ user_agent: CLI_USER_AGENT, editor: "vscode", operating_system: "linux", source_type: "wakapi_import" });
    // The API key was dropped with the staged data.
    const left = await env.DB.prepare("SELECT count(*) AS n FROM heartbeat_import_slices WHERE import_id = ?").bind(Number(import_id)).first<any>();
    expect(left.n).toBe(0);
    // Remote dumps: once per 8 minutes.
    const again = await request(IMPORTS, { method: "POST", headers: { ...bearer(u.apiKey), "Content-Type": "application/json" }, body: JSON.stringify({ provider: "wakatime_dump", api_key: "waka_secret" }) });
    expect(again.status).toBe(429);
    expect(((await again.json()) as any).error).toBe("Remote imports are limited to once every 8 minutes.");
    expect((await status(u.apiKey, import_id)).body.cooldown_until).toMatch(/^\d{4}-/);
  });

  it("looking at a run whose messages were lost (no progress for 10 minutes) resumes it", async () => {
    const u = await createUser();
    const created = await createImport(env.DB, u.id, { sourceKind: "dev_upload", state: "queued", message: "Queued import." });
    const staged = await stageHeartbeats(env.DB, created.id, new Blob([wakatimeDump(520)]).stream());
    await beginImporting(env.DB, created.id, staged.total, staged.slices); // staged, but no message was ever sent
    await env.DB.prepare("UPDATE heartbeat_imports SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-15 minutes') WHERE id = ?").bind(created.id).run();
    const done = await finished(u.apiKey, String(created.id));
    expect(done).toMatchObject({ state: "completed", imported_count: 520 });
  });
});
