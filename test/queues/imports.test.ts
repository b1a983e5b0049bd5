import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IMPORT_REMOTE, IMPORT_SLICE, remoteMessage, sliceMessage } from "../../src/domain/imports/messages";
import { MultipartReader, multipartBoundary } from "../../src/domain/imports/multipart";
import { isoTimeExact, parseIsoTimeExact } from "../../src/domain/imports/normalize";
import { EXISTING_HASHES_SQL, importById } from "../../src/db/imports";
import { beginImporting, createImport } from "../../src/domain/imports/runs";
import { HeartbeatScanner, ImportFileError } from "../../src/domain/imports/scanner";
import { resumeStalled } from "../../src/domain/imports/slices";
import { SLICE_HEARTBEATS, stageHeartbeats } from "../../src/domain/imports/stage";
import { POLL_INTERVAL_SECONDS } from "../../src/domain/imports/start";
import { parseUserAgent } from "../../src/domain/user-agent";
import { handleQueueBatch } from "../../src/queues";
import { importQueueHandlers } from "../../src/queues/imports";
import { CLI_USER_AGENT, createUser, queryPlan } from "../helpers";

const T0 = 1_735_725_600; // 2025-01-01T10:00:00Z
const WAKA = "https://waka.fake.test/api/v1";
const V1 = "https://v1.fake.test/api/v1";

function capture() {
  const sent: Array<{ body: any; delaySeconds?: number }> = [];
  const queue = {
    send: async (body: unknown, opts?: { delaySeconds?: number }) => void sent.push({ body, delaySeconds: opts?.delaySeconds }),
    sendBatch: async (msgs: Iterable<{ body: unknown }>) => void [...msgs].forEach((m) => sent.push({ body: m.body })),
  };
  return { sent, env: { ...env, IMPORTS: queue as unknown as Queue, WAKATIME_API_BASE_URL: WAKA, HACKATIME_V1_API_BASE_URL: V1 } as unknown as Env };
}

/** Delivers message bodies to the consumer as the platform would; returns the ack/retry result and what it sent. */
async function deliver(bodies: unknown[], queueName = "tally-imports", attempts = 1) {
  const q = capture();
  const batch = createMessageBatch(queueName, bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  await handleQueueBatch(batch, q.env);
  return { result: await getQueueResult(batch, ctx), sent: q.sent };
}

const beats = (n: number, from = T0, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ entity: `/src/f${i % 5}.ts`, type: "file", time: from + i * 30, project: "q", language: "Go", user_agent: CLI_USER_AGENT, ...extra }));

const streamOf = (text: string, chunk = 4096) => {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
};

/** A run in `importing` with its file staged (as the upload route leaves it). */
async function stagedRun(userId: number, file: string) {
  const created = await createImport(env.DB, userId, { sourceKind: "dev_upload", state: "queued", message: "Queued import." });
  const staged = await stageHeartbeats(env.DB, created.id, streamOf(file));
  await beginImporting(env.DB, created.id, staged.total, staged.slices);
  return { id: created.id, ...staged };
}

/** The run as stored (its columns by name). */
const getImport = (d1: D1Database, id: number) => d1.prepare("SELECT * FROM heartbeat_imports WHERE id = ?").bind(id).first<any>();
const count = async (userId: number) => (await env.DB.prepare("SELECT count(*) AS n FROM heartbeats WHERE user_id = ?").bind(userId).first<any>()).n as number;
const slicesLeft = async (id: number) => (await env.DB.prepare("SELECT count(*) AS n FROM heartbeat_import_slices WHERE import_id = ?").bind(id).first<any>()).n as number;

afterEach(() => vi.restoreAllMocks());

describe("import queue consumer: staged slices", () => {
  it("registers its kinds with the consumer", () => {
    expect(Object.keys(importQueueHandlers).sort()).toEqual([IMPORT_REMOTE, IMPORT_SLICE].sort());
  });

  it("imports slice by slice; the last slice completes the run and drops the staged data", async () => {
    const u = await createUser();
    const run = await stagedRun(u.id, JSON.stringify({ heartbeats: beats(SLICE_HEARTBEATS + 20) }));
    expect(run).toMatchObject({ total: SLICE_HEARTBEATS + 20, slices: 2 });

    const first = await deliver([sliceMessage(run.id, 0)]);
    expect(first.result.explicitAcks).toEqual(["m0"]);
    expect(await getImport(env.DB, run.id)).toMatchObject({ state: "importing", processed_count: SLICE_HEARTBEATS, imported_count: SLICE_HEARTBEATS, slices_done: 1 });
    await deliver([sliceMessage(run.id, 1)]);
    const done = await getImport(env.DB, run.id);
    expect(done).toMatchObject({ state: "completed", processed_count: SLICE_HEARTBEATS + 20, imported_count: SLICE_HEARTBEATS + 20, skipped_count: 0, errors_count: 0 });
    expect(done!.message).toMatch(/^Imported 520 out of 520 heartbeats in \d+(\.\d+)?s\.$/);
    expect(done!.finished_at).toBeTruthy();
    expect(await slicesLeft(run.id)).toBe(0);
    expect(await count(u.id)).toBe(SLICE_HEARTBEATS + 20);
  });

  it("does nothing on redelivery of a done slice (counters and rows unchanged)", async () => {
    const u = await createUser();
    const run = await stagedRun(u.id, JSON.stringify({ heartbeats: beats(SLICE_HEARTBEATS + 1) }));
    await deliver([sliceMessage(run.id, 0), sliceMessage(run.id, 0)]);
    await deliver([sliceMessage(run.id, 0)]);
    expect(await getImport(env.DB, run.id)).toMatchObject({ state: "importing", processed_count: SLICE_HEARTBEATS, imported_count: SLICE_HEARTBEATS, skipped_count: 0, slices_done: 1 });
    expect(await count(u.id)).toBe(SLICE_HEARTBEATS);
    await deliver([sliceMessage(run.id, 1)]);
    await deliver([sliceMessage(run.id, 1), sliceMessage(run.id, 0)]); // after completion too
    expect(await getImport(env.DB, run.id)).toMatchObject({ state: "completed", imported_count: SLICE_HEARTBEATS + 1, skipped_count: 0 });
    expect(await count(u.id)).toBe(SLICE_HEARTBEATS + 1);
  });

  it("retries a poisoned slice; its dead-letter delivery fails the run with a message", async () => {
    const u = await createUser();
    const run = await stagedRun(u.id, JSON.stringify({ heartbeats: beats(SLICE_HEARTBEATS + 5) }));
    await env.DB.prepare("UPDATE heartbeat_import_slices SET body = '[{\"time\": ' WHERE import_id = ? AND seq = 1").bind(run.id).run();
    await deliver([sliceMessage(run.id, 0)]);

    const poisoned = await deliver([sliceMessage(run.id, 1)], "tally-imports", 2);
    expect(poisoned.result.explicitAcks).toEqual([]);
    expect(poisoned.result.retryMessages).toEqual([expect.objectContaining({ msgId: "m0" })]);
    expect(await getImport(env.DB, run.id)).toMatchObject({ state: "importing", slices_done: 1 });

    const dead = await deliver([sliceMessage(run.id, 1)], "tally-imports-dlq", 6);
    expect(dead.result.explicitAcks).toEqual(["m0"]);
    const failed = await getImport(env.DB, run.id);
    expect(failed).toMatchObject({ state: "failed", error_message: "Part 2 of the file could not be imported after several attempts.", imported_count: SLICE_HEARTBEATS });
    expect(failed!.message).toBe("Import failed: Part 2 of the file could not be imported after several attempts.");
    expect(failed!.finished_at).toBeTruthy();
    expect(await slicesLeft(run.id)).toBe(0);
    // Late deliveries of a failed run do nothing.
    await deliver([sliceMessage(run.id, 1)]);
    expect(await getImport(env.DB, run.id)).toMatchObject({ state: "failed" });
  });

  it("re-queues the open slices of a run that stopped moving, once per stall", async () => {
    const u = await createUser();
    const run = await stagedRun(u.id, JSON.stringify({ heartbeats: beats(SLICE_HEARTBEATS * 2 + 1) }));
    await deliver([sliceMessage(run.id, 1)]);
    const q = capture();
    expect(await resumeStalled(q.env, (await importById(env.DB, run.id))!)).toBe(0); // still fresh
    await env.DB.prepare("UPDATE heartbeat_imports SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-11 minutes') WHERE id = ?").bind(run.id).run();
    const stalled = (await importById(env.DB, run.id))!;
    expect(await resumeStalled(q.env, stalled)).toBe(2);
    expect(q.sent.map((m) => m.body)).toEqual([sliceMessage(run.id, 0), sliceMessage(run.id, 2)]);
    expect(await resumeStalled(q.env, stalled)).toBe(0); // another caller already resumed it
    await deliver(q.sent.map((m) => m.body));
    expect(await getImport(env.DB, run.id)).toMatchObject({ state: "completed", imported_count: SLICE_HEARTBEATS * 2 + 1 });
  });

  it("looks up already-stored keys through the dedup index, never a scan", async () => {
    const plan = await queryPlan(EXISTING_HASHES_SQL, 1, '["a","b"]');
    expect(plan).toMatch(/SEARCH heartbeats USING (COVERING )?INDEX heartbeats_user_fields_hash \(user_id=\? AND fields_hash=\?\)/);
    expect(plan).not.toMatch(/SCAN heartbeats/);
  });

  it("ignores messages of unknown runs and malformed ids", async () => {
    const { result } = await deliver([sliceMessage(987654321, 0), { kind: IMPORT_SLICE, import_id: "x", seq: null }, remoteMessage(987654321, "poll")]);
    expect(result.explicitAcks).toEqual(["m0", "m1", "m2"]);
  });
});

describe("import queue consumer: remote dumps (faked WakaTime / Hackatime v1)", () => {
  type Fake = (url: string, init: RequestInit) => Response | Promise<Response>;
  function fakeRemote(handler: Fake) {
    const calls: Array<{ method: string; url: string; auth: string | null }> = [];
    const real = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!url.startsWith(WAKA) && !url.startsWith(V1) && !url.startsWith("https://files.fake.test")) return real(input as any, init);
      calls.push({ method: init?.method ?? "GET", url, auth: new Headers(init?.headers).get("authorization") });
      return handler(url, init ?? {});
    });
    return calls;
  }
  async function remoteRun(userId: number, kind: "wakatime_dump" | "hackatime_v1_dump", apiKey = "secret-key") {
    const created = await createImport(env.DB, userId, { sourceKind: kind, state: "queued", message: "Queued import." });
    await env.DB.prepare("INSERT INTO heartbeat_import_slices (import_id, seq, body) VALUES (?, -1, ?)").bind(created.id, JSON.stringify({ api_key: apiKey })).run();
    return created.id;
  }
  const dump = (over: Record<string, unknown> = {}) => ({ id: "d1", status: "Pending…", percent_complete: 0, is_processing: true, download_url: null, type: "heartbeats", has_failed: false, is_stuck: false, ...over });

  it("requests, polls every 3 s, downloads, stages and imports; WakaTime auth is Basic base64(key:)", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "wakatime_dump");
    let polls = 0;
    const file = JSON.stringify({ days: [{ date: "2025-01-01", heartbeats: beats(3, T0, { user_agent: undefined, user_agent_id: "ua-1", machine_name_id: "mach-1" }) }] });
    const calls = fakeRemote((url, init) => {
      if (url === `${WAKA}/users/current/data_dumps` && init.method === "POST") return Response.json({ data: dump() }, { status: 201 });
      if (url === `${WAKA}/users/current/data_dumps`)
        return Response.json({ data: [++polls < 2 ? dump({ status: "Processing", percent_complete: 40 }) : dump({ status: "Completed", percent_complete: 100, is_processing: false, download_url: "https://files.fake.test/d1.json.gz" })] });
      if (url === `${WAKA}/users/current/user_agents`) return Response.json({ data: [{ id: "ua-1", value: "wakatime/v1.90.0 (darwin-23.0.0-arm64) go1.21 JetBrains/2024.1 IntelliJ-wakatime/15.0.0", editor: null, os: null }], next_page: null });
      if (url === "https://files.fake.test/d1.json.gz") return new Response(new Blob([file]).stream().pipeThrough(new CompressionStream("gzip")));
      return new Response("nope", { status: 404 });
    });

    let step = await deliver([remoteMessage(id, "request")]);
    expect(step.sent).toEqual([{ body: remoteMessage(id, "poll", { dump_id: "d1" }), delaySeconds: POLL_INTERVAL_SECONDS }]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "waiting_for_dump", remote_dump_status: "Pending…", message: "Pending…..." });

    step = await deliver([step.sent[0].body]);
    expect(step.sent[0].body).toEqual(remoteMessage(id, "poll", { dump_id: "d1" }));
    expect(await getImport(env.DB, id)).toMatchObject({ state: "waiting_for_dump", remote_dump_status: "Processing", remote_percent_complete: 40, message: "Processing (40%)" });

    step = await deliver([step.sent[0].body]);
    expect(step.sent).toEqual([{ body: remoteMessage(id, "download", { download_url: "https://files.fake.test/d1.json.gz" }), delaySeconds: undefined }]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "downloading_dump", remote_percent_complete: 100 });

    step = await deliver([step.sent[0].body]);
    expect(step.sent.map((m) => m.body)).toEqual([sliceMessage(id, 0)]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "importing", total_count: 3, slices_total: 1 });
    // The API key is dropped once the dump is downloaded.
    expect((await env.DB.prepare("SELECT seq FROM heartbeat_import_slices WHERE import_id = ?").bind(id).all<any>()).results).toEqual([{ seq: 0 }]);

    await deliver([sliceMessage(id, 0)]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "completed", imported_count: 3 });
    const row = await env.DB.prepare("SELECT editor, operating_system, machine, user_agent FROM heartbeats WHERE user_id = ? LIMIT 1").bind(u.id).first<any>();
    // No editor/OS in the body or the list: the parsed user agent answers.
    const parsed = parseUserAgent(row.user_agent, "coding");
    expect(row).toEqual({ editor: parsed.editor, operating_system: parsed.os, machine: "mach-1", user_agent: expect.stringContaining("IntelliJ-wakatime") });
    expect(parsed.editor).not.toBe("");

    const basic = `Basic ${btoa("secret-key:")}`;
    expect(calls.filter((c) => c.url.startsWith(WAKA)).every((c) => c.auth === basic)).toBe(true);
    expect(calls.find((c) => c.url.startsWith("https://files.fake.test"))!.auth).toBeNull(); // never sent to another host
  });

  it("Hackatime v1: Basic base64(key), and an 'already in progress' 400 reuses the processing dump", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "hackatime_v1_dump", "v1-key");
    const calls = fakeRemote((url, init) => {
      if (url === `${V1}/users/current/data_dumps` && init.method === "POST") return new Response('{"error":"already in progress"}', { status: 400 });
      if (url === `${V1}/users/current/data_dumps`) return Response.json({ data: [dump({ id: "old", has_failed: true }), dump({ id: "busy", status: "Processing" })] });
      return new Response("nope", { status: 404 });
    });
    const step = await deliver([remoteMessage(id, "request")]);
    expect(step.sent[0].body).toEqual(remoteMessage(id, "poll", { dump_id: "busy" }));
    expect(calls.every((c) => c.auth === `Basic ${btoa("v1-key")}`)).toBe(true);
    expect(calls.some((c) => c.url.includes("user_agents"))).toBe(false);
  });

  it("fails the run on a rejected key (401/403), without retrying", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "wakatime_dump");
    fakeRemote(() => new Response("unauthorized", { status: 401 }));
    const { result } = await deliver([remoteMessage(id, "request")]);
    expect(result.explicitAcks).toEqual(["m0"]);
    const run = await getImport(env.DB, id);
    expect(run).toMatchObject({ state: "failed", error_message: "WakaTime rejected the import because the API key is invalid.", remote_dump_status: "failed" });
    expect(await slicesLeft(id)).toBe(0); // the key is gone
  });

  it("fails the run when WakaTime answers 400 (a manual download link is needed)", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "wakatime_dump");
    fakeRemote(() => new Response('{"error":"too many"}', { status: 400 }));
    await deliver([remoteMessage(id, "request")]);
    expect((await getImport(env.DB, id))!.error_message).toMatch(/^WakaTime needs a recent export download link/);
  });

  it("fails the run when the dump fails or gets stuck remotely", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "wakatime_dump");
    fakeRemote((url, init) => Response.json(init.method === "POST" ? { data: dump() } : { data: [dump({ is_stuck: true })] }));
    await deliver([remoteMessage(id, "request")]);
    await deliver([remoteMessage(id, "poll", { dump_id: "d1" })]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "failed", error_message: "The remote provider could not finish preparing the data dump." });
  });

  it("retries transient errors (503) with backoff; the dead-letter delivery fails the run", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "hackatime_v1_dump");
    fakeRemote(() => new Response("down", { status: 503 }));
    const first = await deliver([remoteMessage(id, "request")]);
    expect(first.result.retryMessages).toEqual([expect.objectContaining({ msgId: "m0" })]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "requesting_dump" });
    await deliver([remoteMessage(id, "request")], "tally-imports-dlq", 6);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "failed", error_message: "Hackatime v1 could not be reached while processing the import. Please try again." });
  });

  it("fails a downloaded file that is not a heartbeat dump", async () => {
    const u = await createUser();
    const id = await remoteRun(u.id, "hackatime_v1_dump");
    await env.DB.prepare("UPDATE heartbeat_imports SET state = 'downloading_dump' WHERE id = ?").bind(id).run();
    fakeRemote(() => new Response("<html>expired</html>"));
    await deliver([remoteMessage(id, "download", { download_url: `${V1}/dumps/x` })]);
    expect(await getImport(env.DB, id)).toMatchObject({ state: "failed", error_message: "Expected a heartbeat export JSON file." });
  });
});

describe("streaming pieces", () => {
  const scanAll = (text: string, chunk: number) => {
    const sc = new HeartbeatScanner();
    const out: string[] = [];
    for (let i = 0; i < text.length; i += chunk) sc.push(text.slice(i, i + chunk), out);
    sc.end();
    return out;
  };

  it("the scanner yields every object of every array under a 'heartbeats' key, whatever the chunking", () => {
    const doc = JSON.stringify({
      heartbeats_total: 3,
      "heart\u0062eats": [{ a: 1, s: 'q"}{\\' }, 5, "x", { b: { heartbeats: [{ nested: true }] } }],
      days: [{ date: "d", heartbeats: [{ c: [1, { d: 2 }] }] }, { heartbeats: [] }],
      other: [{ e: 1 }],
      "k\\\"ey": { heartbeats: [{ f: "\u00e9\ud83d\ude00" }] },
    });
    const expected = ['{"a":1,"s":"q\\"}{\\\\"}', '{"b":{"heartbeats":[{"nested":true}]}}', '{"c":[1,{"d":2}]}', '{"f":"é😀"}'];
    for (const chunk of [1, 2, 3, 7, 64, doc.length]) expect(scanAll(doc, chunk)).toEqual(expected);
    // Escaped key spelling "heartbeats" still counts.
    expect(scanAll('{"heart\\u0062eats":[{"x":1}]}', 3)).toEqual(['{"x":1}']);
  });

  it("the scanner rejects what is not a complete JSON document", () => {
    for (const bad of ["", "   ", "hello", '{"heartbeats":[{"a":1}', '{"heartbeats":[}', '{"a":"unterminated', '{"heartbeats":[]}]', '{"heartbeats":[]} x']) {
      expect(() => scanAll(bad, 2), bad).toThrow(ImportFileError);
    }
    expect(() => new HeartbeatScanner({ maxObjectChars: 10 }).push('{"heartbeats":[{"a":"01234567890"}]}', [])).toThrow(/larger than 10/);
  });

  it("stages slices of at most 500 heartbeats from a gzipped stream", async () => {
    const u = await createUser();
    const created = await createImport(env.DB, u.id, { sourceKind: "dev_upload", state: "queued", message: "" });
    const text = JSON.stringify({ heartbeats: beats(1234) });
    const gz = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
    expect(await stageHeartbeats(env.DB, created.id, gz)).toEqual({ total: 1234, slices: 3 });
    const { results } = await env.DB.prepare("SELECT seq, body FROM heartbeat_import_slices WHERE import_id = ? ORDER BY seq").bind(created.id).all<any>();
    expect(results.map((r: any) => JSON.parse(r.body).length)).toEqual([500, 500, 234]);
    expect(JSON.parse(results[2].body)[233].time).toBe(T0 + 1233 * 30);
  });

  it("reads multipart parts from a stream split at every awkward place", async () => {
    const boundary = "----b0undary";
    const file = JSON.stringify({ heartbeats: beats(3) }) + "\r\n--not-the-boundary\r\n";
    const body = `preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="heartbeat_import[provider]"\r\n\r\nwakatime\r\n--${boundary}\r\nContent-Disposition: form-data; name="heartbeat_file"; filename="a.json"\r\nContent-Type: application/json\r\n\r\n${file}\r\n--${boundary}--\r\n`;
    expect(multipartBoundary(`multipart/form-data; boundary="${boundary}"`)).toBe(boundary);
    for (const chunk of [1, 5, 17, body.length]) {
      const mp = new MultipartReader(streamOf(body, chunk), boundary);
      const p1 = await mp.nextPart();
      expect(p1).toEqual({ name: "heartbeat_import[provider]", filename: null, contentType: null });
      expect(await mp.text()).toBe("wakatime");
      const p2 = await mp.nextPart();
      expect(p2).toEqual({ name: "heartbeat_file", filename: "a.json", contentType: "application/json" });
      expect(await new Response(mp.bodyStream()).text()).toBe(file);
      expect(await mp.nextPart()).toBeNull();
    }
  });

  it("ISO times keep every fractional digit both ways", () => {
    for (const t of [T0, T0 + 0.5, 1735725600.123456, 1735725600.1, 1999999999.999999]) {
      expect(parseIsoTimeExact(isoTimeExact(t))).toBe(t);
    }
    expect(isoTimeExact(T0)).toBe("2025-01-01T10:00:00Z");
    expect(isoTimeExact(1735725600.123456)).toBe("2025-01-01T10:00:00.123456Z");
    expect(parseIsoTimeExact("2025-01-01T11:00:00+01:00")).toBe(T0);
    expect(parseIsoTimeExact("2025-01-01 10:00:00.25")).toBe(T0 + 0.25);
    expect(parseIsoTimeExact("yesterday")).toBeNull();
  });
});
