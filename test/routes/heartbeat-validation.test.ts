// Bad input on the heartbeat ingest endpoints is refused clearly and nothing is stored half-way
// (docs/ingest.md). Every case reads back what was stored through /api/v1/my/heartbeats.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import ingestDoc from "../../docs/ingest.md?raw";
import { importHeartbeatBatch } from "../../src/domain/imports/slices";
import { DEPENDENCY_CAPS, FIELD_CAPS, FUTURE_TOLERANCE_SECONDS, MAX_BODY_BYTES, MAX_BULK_HEARTBEATS, type CappedField } from "../../src/domain/heartbeats/limits";
import { CLI_USER_AGENT, cliHeaders, cliHeartbeat, createUser, request, type TestUser, bearer } from "../helpers";

const BULK = "/api/hackatime/v1/users/current/heartbeats.bulk";
const SINGLE = "/api/hackatime/v1/users/current/heartbeats";
const T0 = 1_764_000_000; // 2025-11-24T16:00:00Z
const INVALID = "HeartbeatIngest::InvalidHeartbeat";
const INVALID_TIME = "HeartbeatIngest::InvalidHeartbeatTime";
const TOO_LONG = "HeartbeatIngest::FieldTooLong";

type Pair = [any, number];
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A POST with wakatime-cli's headers; `contentType: null` sends none. */
function post(path: string, u: TestUser, body: BodyInit, opts: { contentType?: string | null; headers?: Record<string, string> } = {}) {
  const headers = cliHeaders(u.apiKey, opts.headers);
  if (opts.contentType === null) delete headers["Content-Type"];
  else if (opts.contentType !== undefined) headers["Content-Type"] = opts.contentType;
  return request(path, { method: "POST", headers, body });
}

async function bulk(u: TestUser, items: unknown[], headers: Record<string, string> = {}) {
  const res = await post(BULK, u, JSON.stringify(items), { headers });
  expect(res.status).toBe(201);
  const { responses } = (await res.json()) as { responses: Pair[] };
  expect(responses).toHaveLength(items.length);
  return responses;
}

/** Everything stored for the user, read back through the API. */
async function stored(u: TestUser): Promise<any[]> {
  const res = await request("/api/v1/my/heartbeats?start_time=1000000000&end_time=1999999999&limit=5000", { headers: bearer(u.apiKey) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { heartbeats: any[] }).heartbeats;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("entity and time are required", () => {
  it("answers [{error,type},400] in the bulk for each item missing one, and stores the others", async () => {
    const u = await createUser();
    const { entity: _e, ...noEntity } = cliHeartbeat(T0 + 10);
    const { time: _t, ...noTime } = cliHeartbeat(T0 + 20);
    const responses = await bulk(u, [
      cliHeartbeat(T0),
      noEntity,
      { ...noEntity, entity: "" },
      { ...noEntity, entity: "   " },
      { ...noEntity, entity: null },
      { ...noEntity, entity: { path: "/a.ts" } },
      noTime,
      { ...noTime, time: null },
      { ...noTime, time: "" },
      cliHeartbeat(T0 + 60, { entity: "/home/dev/code/app/src/other.ts" }),
    ]);
    expect(responses.map((r) => r[1])).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 400, 201]);
    for (const i of [1, 2, 3, 4]) expect(responses[i][0]).toEqual({ error: "entity is required", type: INVALID });
    expect(responses[5][0]).toEqual({ error: "entity must be a string", type: INVALID });
    for (const i of [6, 7, 8]) expect(responses[i][0]).toEqual({ error: "time is required", type: INVALID_TIME });

    const rows = await stored(u);
    expect(rows.map((r) => [r.time, r.entity])).toEqual([
      [T0, "/home/dev/code/app/src/main.ts"],
      [T0 + 60, "/home/dev/code/app/src/other.ts"],
    ]);
  });

  it("answers 422 {error,type} for a single heartbeat without entity or time, storing nothing", async () => {
    const u = await createUser();
    const { entity: _e, ...noEntity } = cliHeartbeat(T0);
    const { time: _t, ...noTime } = cliHeartbeat(T0);
    for (const [item, body] of [
      [noEntity, { error: "entity is required", type: INVALID }],
      [noTime, { error: "time is required", type: INVALID_TIME }],
    ] as const) {
      const res = await post(SINGLE, u, JSON.stringify(item));
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual(body);
    }
    expect(await stored(u)).toEqual([]);
  });
});

/** A heartbeat whose `field` is `value` (machine sent in the body: no X-Machine-Name header then). */
function withField(field: CappedField, value: string, time: number) {
  const hb: Record<string, unknown> = cliHeartbeat(time, { entity: `/home/dev/code/app/src/${field}.ts` });
  hb[field] = value;
  return hb;
}

describe("length caps", () => {
  it("stores every capped field at its cap in full and refuses it one character over, naming field and cap", async () => {
    const u = await createUser();
    const fields = Object.keys(FIELD_CAPS) as CappedField[];
    const items = fields.flatMap((f, i) => [withField(f, "x".repeat(FIELD_CAPS[f]), T0 + i * 10), withField(f, "x".repeat(FIELD_CAPS[f] + 1), T0 + i * 10 + 5)]);
    const { "X-Machine-Name": _m, ...headers } = cliHeaders(u.apiKey);
    const res = await request(BULK, { method: "POST", headers, body: JSON.stringify(items) });
    expect(res.status).toBe(201);
    const { responses } = (await res.json()) as { responses: Pair[] };
    fields.forEach((f, i) => {
      expect(responses[2 * i][1], `${f} at its cap`).toBe(201);
      expect(responses[2 * i + 1], `${f} over its cap`).toEqual([{ error: `${f} is too long: ${FIELD_CAPS[f] + 1} characters, the limit is ${FIELD_CAPS[f]}`, type: TOO_LONG }, 400]);
    });

    const rows = await stored(u);
    expect(rows).toHaveLength(fields.length);
    const byTime = new Map(rows.map((r) => [r.time, r]));
    // Stored whole, never truncated (editor and operating system come from the user agent).
    for (const f of ["entity", "type", "category", "project", "branch", "language", "machine", "user_agent", "ai_model", "ai_session", "ai_subscription_plan"] as const) {
      expect(byTime.get(T0 + fields.indexOf(f) * 10)?.[f], f).toBe("x".repeat(FIELD_CAPS[f]));
    }
    expect(rows.every((r) => r.time % 10 === 0)).toBe(true); // none of the over-cap items
  });

  it("counts characters, not UTF-16 units or bytes", async () => {
    const u = await createUser();
    const cap = FIELD_CAPS.branch;
    const responses = await bulk(u, [cliHeartbeat(T0, { branch: "🌿".repeat(cap) }), cliHeartbeat(T0 + 1, { branch: "é".repeat(cap) }), cliHeartbeat(T0 + 2, { branch: "🌿".repeat(cap + 1) })]);
    expect(responses.map((r) => r[1])).toEqual([201, 201, 400]);
    expect(responses[2][0].error).toBe(`branch is too long: ${cap + 1} characters, the limit is ${cap}`);
    expect((await stored(u)).map((r) => r.branch)).toEqual(["🌿".repeat(cap), "é".repeat(cap)]);
  });

  it("names the source of a value: plugin, entity_type, the User-Agent and X-Machine-Name headers", async () => {
    const u = await createUser();
    const { user_agent: _ua, ...noUa } = cliHeartbeat(T0);
    const ua = FIELD_CAPS.user_agent;
    const responses = await bulk(u, [{ ...noUa, plugin: "p".repeat(ua + 1) }, { ...noUa, type: undefined, entity_type: "t".repeat(FIELD_CAPS.type + 1) }]);
    expect(responses.map((r) => r[0].error)).toEqual([`plugin is too long: ${ua + 1} characters, the limit is ${ua}`, `entity_type is too long: ${FIELD_CAPS.type + 1} characters, the limit is ${FIELD_CAPS.type}`]);

    const fromHeaders = await bulk(u, [noUa], { "User-Agent": "a".repeat(ua + 1) });
    expect(fromHeaders[0]).toEqual([{ error: `user_agent (the User-Agent header) is too long: ${ua + 1} characters, the limit is ${ua}`, type: TOO_LONG }, 400]);
    const machine = await bulk(u, [cliHeartbeat(T0)], { "X-Machine-Name": "m".repeat(FIELD_CAPS.machine + 1) });
    expect(machine[0][0].error).toBe(`machine (the X-Machine-Name header) is too long: ${FIELD_CAPS.machine + 1} characters, the limit is ${FIELD_CAPS.machine}`);
    expect(await stored(u)).toEqual([]);
  });

  it("refuses a 500 000-character branch without echoing it, storing the good items of the batch", async () => {
    const u = await createUser();
    const res = await post(BULK, u, JSON.stringify([cliHeartbeat(T0), cliHeartbeat(T0 + 30, { branch: "b".repeat(500_000) }), cliHeartbeat(T0 + 60)]));
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text.length).toBeLessThan(10_000);
    expect(text).not.toContain("bbbbbbbbbb");
    const { responses } = JSON.parse(text) as { responses: Pair[] };
    expect(responses.map((r) => r[1])).toEqual([201, 400, 201]);
    expect(responses[1][0]).toEqual({ error: `branch is too long: 500000 characters, the limit is ${FIELD_CAPS.branch}`, type: TOO_LONG });
    expect((await stored(u)).map((r) => [r.time, r.branch])).toEqual([
      [T0, "main"],
      [T0 + 60, "main"],
    ]);
  });

  it("answers 422 for a single heartbeat over a cap", async () => {
    const u = await createUser();
    const res = await post(SINGLE, u, JSON.stringify(cliHeartbeat(T0, { project: "p".repeat(FIELD_CAPS.project + 1) })));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: `project is too long: ${FIELD_CAPS.project + 1} characters, the limit is ${FIELD_CAPS.project}`, type: TOO_LONG });
    expect(await stored(u)).toEqual([]);
  });

  it("takes as many dependencies as wakatime-cli sends and refuses more, or a longer name", async () => {
    const u = await createUser();
    const { items, itemLength } = DEPENDENCY_CAPS;
    const names = (n: number, len: number) => Array.from({ length: n }, (_, i) => `${i}-`.padEnd(len, "d"));
    const responses = await bulk(u, [
      cliHeartbeat(T0, { dependencies: names(items, itemLength) }),
      cliHeartbeat(T0 + 10, { dependencies: names(items + 1, 5) }),
      cliHeartbeat(T0 + 20, { dependencies: ["react", "zod", "hono", "x".repeat(itemLength + 1)] }),
    ]);
    expect(responses.map((r) => r[1])).toEqual([201, 400, 400]);
    expect(responses[1][0]).toEqual({ error: `dependencies has ${items + 1} items, the limit is ${items}`, type: TOO_LONG });
    expect(responses[2][0]).toEqual({ error: `dependencies[3] is too long: ${itemLength + 1} characters, the limit is ${itemLength}`, type: TOO_LONG });
    const rows = await stored(u);
    expect(rows).toHaveLength(1);
    expect(rows[0].dependencies).toEqual(names(items, itemLength));
  });
});

describe(`future time: at most ${FUTURE_TOLERANCE_SECONDS} s ahead`, () => {
  it("refuses items further ahead (also after the millisecond repair) and stores the rest", async () => {
    const u = await createUser();
    const now = nowSeconds();
    const message = `time is more than ${FUTURE_TOLERANCE_SECONDS} seconds ahead of the server clock`;
    const responses = await bulk(u, [
      cliHeartbeat(now - 60),
      cliHeartbeat(now + FUTURE_TOLERANCE_SECONDS - 300),
      cliHeartbeat(now + FUTURE_TOLERANCE_SECONDS + 120),
      cliHeartbeat(now + 365 * 86_400),
      cliHeartbeat((now + 2 * FUTURE_TOLERANCE_SECONDS) * 1000),
      cliHeartbeat(T0),
    ]);
    expect(responses.map((r) => r[1])).toEqual([201, 201, 400, 400, 400, 201]);
    for (const i of [2, 3, 4]) expect(responses[i][0]).toEqual({ error: message, type: INVALID_TIME });
    expect((await stored(u)).map((r) => r.time)).toEqual([T0, now - 60, now + FUTURE_TOLERANCE_SECONDS - 300]);
  });

  it("answers 422 for a single heartbeat a year ahead", async () => {
    const u = await createUser();
    const res = await post(SINGLE, u, JSON.stringify(cliHeartbeat(nowSeconds() + 365 * 86_400)));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { type: string }).type).toBe(INVALID_TIME);
    expect(await stored(u)).toEqual([]);
  });
});

describe(`request body: at most ${MAX_BODY_BYTES} bytes`, () => {
  const tooLarge = { error: `Request body too large (the limit is ${MAX_BODY_BYTES} bytes)` };

  /** JSON padded with spaces before its closing bracket to exactly `bytes` bytes (ASCII). */
  const padded = (bytes: number, value: unknown = [cliHeartbeat(T0)]) => {
    const json = JSON.stringify(value);
    return json.slice(0, -1) + " ".repeat(bytes - json.length) + json.slice(-1);
  };

  it("accepts a body of exactly the limit", async () => {
    const u = await createUser();
    const body = padded(MAX_BODY_BYTES);
    expect(utf8(body).byteLength).toBe(MAX_BODY_BYTES);
    expect((await post(BULK, u, body)).status).toBe(201);
    expect(await stored(u)).toHaveLength(1);
  });

  it("answers 413 from Content-Length before reading, and for a body one byte over", async () => {
    const u = await createUser();
    const declared = await post(BULK, u, JSON.stringify([cliHeartbeat(T0)]), { headers: { "Content-Length": String(MAX_BODY_BYTES + 1) } });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual(tooLarge);
    const over = await post(BULK, u, padded(MAX_BODY_BYTES + 1));
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual(tooLarge);
    const single = await post(SINGLE, u, padded(MAX_BODY_BYTES + 1, cliHeartbeat(T0)));
    expect(single.status).toBe(413);
    expect(await stored(u)).toEqual([]);
  });

  it("answers 413 for a chunked body with no Content-Length once it passes the limit", async () => {
    const u = await createUser();
    const body = utf8(padded(2 * MAX_BODY_BYTES));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= body.byteLength) return controller.close();
        controller.enqueue(body.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    const res = await post(BULK, u, stream);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(tooLarge);
    expect(sent).toBeLessThan(body.byteLength); // stopped reading early
    expect(await stored(u)).toEqual([]);
  });

  it("answers 413 for a 2 MB branch, storing nothing of the batch", async () => {
    const u = await createUser();
    const res = await post(BULK, u, JSON.stringify([cliHeartbeat(T0), cliHeartbeat(T0 + 30, { branch: "b".repeat(2 * 1024 * 1024) })]));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(tooLarge);
    expect(await stored(u)).toEqual([]);
  });
});

describe("encoding", () => {
  it("answers 400 for invalid UTF-8 and stores nothing (never U+FFFD)", async () => {
    const u = await createUser();
    const json = JSON.stringify([cliHeartbeat(T0, { project: "cafX" })]);
    const at = json.indexOf("cafX") + 3;
    const body = new Uint8Array([...utf8(json.slice(0, at)), 0xe9, ...utf8(json.slice(at + 1))]); // a Latin-1 é: not UTF-8
    for (const path of [BULK, SINGLE]) {
      const res = await post(path, u, body);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toEqual({ error: "Request body is not valid UTF-8" });
    }
    expect(await stored(u)).toEqual([]);
  });

  it("stores valid UTF-8 as sent, a leading byte-order mark skipped", async () => {
    const u = await createUser();
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(JSON.stringify([cliHeartbeat(T0, { project: "café ☕", branch: "🌿" })]))]);
    expect((await post(BULK, u, body)).status).toBe(201);
    expect((await stored(u)).map((r) => [r.project, r.branch])).toEqual([["café ☕", "🌿"]]);
  });
});

describe("content types", () => {
  it("reads a body with no Content-Type, or a quoted UTF-8 charset, as JSON", async () => {
    const u = await createUser();
    const none = await post(BULK, u, utf8(JSON.stringify([cliHeartbeat(T0)])), { contentType: null });
    expect(none.status).toBe(201);
    expect(((await none.json()) as { responses: Pair[] }).responses.map((r) => r[1])).toEqual([201]);
    const single = await post(SINGLE, u, utf8(JSON.stringify(cliHeartbeat(T0 + 30))), { contentType: null });
    expect(single.status).toBe(202);
    expect((await post(BULK, u, JSON.stringify([cliHeartbeat(T0 + 60)]), { contentType: 'application/json; charset="UTF-8"' })).status).toBe(201);
    expect((await stored(u)).map((r) => r.time)).toEqual([T0, T0 + 30, T0 + 60]);
  });

  it("answers 415 naming the content type for a form post, not a time error", async () => {
    const u = await createUser();
    for (const path of [SINGLE, BULK]) {
      const res = await post(path, u, `entity=%2Fa.ts&time=${T0}`, { contentType: "application/x-www-form-urlencoded" });
      expect(res.status, path).toBe(415);
      const { error } = (await res.json()) as { error: string };
      expect(error).toMatch(/^Content-Type application\/x-www-form-urlencoded is not accepted: send the heartbeats as a JSON body with Content-Type application\/json/);
      expect(error).not.toMatch(/time/);
    }
    expect(await stored(u)).toEqual([]);
  });

  it("answers 415 for other types and for a charset other than UTF-8", async () => {
    const u = await createUser();
    const json = JSON.stringify([cliHeartbeat(T0)]);
    for (const [type, error] of [
      ["application/xml", "Content-Type application/xml is not accepted: send the heartbeats as JSON with Content-Type application/json (text/plain or no Content-Type are accepted too)"],
      ["multipart/form-data; boundary=x", "Content-Type multipart/form-data is not accepted: send the heartbeats as a JSON body with Content-Type application/json (curl -d sends form data unless given -H 'Content-Type: application/json')"],
      ["application/json; charset=iso-8859-1", "Only the UTF-8 charset is accepted for heartbeat bodies"],
      [`x/${"y".repeat(300)}`, "Content-Type this Content-Type is not accepted: send the heartbeats as JSON with Content-Type application/json (text/plain or no Content-Type are accepted too)"],
    ]) {
      const res = await post(BULK, u, json, { contentType: type });
      expect(res.status, type).toBe(415);
      expect(await res.json()).toEqual({ error });
    }
    expect(await stored(u)).toEqual([]);
  });
});

describe("the bulk answer", () => {
  it("gives each stored item Hackatime's attribute set, and each refused one {error,type} only", async () => {
    const u = await createUser();
    const responses = await bulk(u, [cliHeartbeat(T0), { time: T0 }]);
    expect(Object.keys(responses[0][0]).sort()).toEqual(
      [
        "id", "user_id", "time", "entity", "type", "category", "project", "branch", "language", "editor", "operating_system", "machine", "user_agent",
        "dependencies", "is_write", "lineno", "cursorpos", "lines", "line_additions", "line_deletions", "project_root_count", "ai_model", "ai_session",
        "ai_subscription_plan", "ai_input_tokens", "ai_output_tokens", "ai_prompt_length", "ai_line_changes", "human_line_changes", "source_type",
        "ip_address", "fields_hash", "deleted_at", "created_at", "updated_at",
      ].sort(),
    );
    expect(Object.keys(responses[1][0]).sort()).toEqual(["error", "type"]);
  });
});

describe("a real wakatime-cli batch", () => {
  it("answers 201 with [row, 201] for every heartbeat the cli sends (docs/reference/wakatime-client.md §1.1)", async () => {
    const u = await createUser();
    const now = nowSeconds();
    const categories = ["coding", "debugging", "building", "code reviewing", "writing tests", "ai coding", "running tests", "learning", "writing docs", "indexing"];
    // The newest cli sends 10 per request; 2024's sent 25 with line_additions/line_deletions.
    const batch = Array.from({ length: 25 }, (_, i) => {
      const hb: Record<string, unknown> = {
        entity: i === 3 ? "C:/Users/dev/code/app/src/main.go" : `/home/dev/code/app/src/file${i % 4}.go`,
        type: i === 5 ? "app" : "file",
        category: categories[i % categories.length],
        time: Math.round((now - 1500 + i * 60.123) * 1000) / 1000,
        user_agent: CLI_USER_AGENT,
        project: "app",
        project_root_count: 5,
        branch: i === 7 ? "feature/a-rather-long-branch-name-with/slashes" : "main",
        language: "Go",
        dependencies: ["fmt", "net/http", "github.com/wakatime/wakatime-cli/pkg/heartbeat"],
        lines: 120 + i,
        lineno: 10 + i,
        cursorpos: 4,
      };
      if (i % 3 === 0) hb.is_write = true;
      if (i % 2) Object.assign(hb, { line_additions: 3, line_deletions: 1 });
      else Object.assign(hb, { ai_line_changes: -1, human_line_changes: 7 });
      if (i === 5) Object.assign(hb, { entity: "HIDDEN.go", ai_session: "0b5c6d3e-9f3a-4c55-9d1e-1f2a3b4c5d6e", ai_subscription_plan: "max", ai_input_tokens: 1200, ai_output_tokens: 300, ai_prompt_length: 42 });
      return hb;
    });
    for (const size of [10, 25]) {
      const part = size === 10 ? batch.slice(0, 10) : batch;
      const res = await post(BULK, u, JSON.stringify(part));
      expect(res.status).toBe(201);
      const { responses } = (await res.json()) as { responses: Pair[] };
      expect(responses.map((r) => r[1])).toEqual(Array(part.length).fill(201));
      responses.forEach(([row], i) => expect(row).toMatchObject({ entity: part[i].entity, time: part[i].time, editor: "vscode", operating_system: "linux", machine: "dev laptop" }));
    }
    expect(await stored(u)).toHaveLength(25);
  });
});

describe("imports", () => {
  it("apply the same per-item rules, counting refused items as errors", async () => {
    const u = await createUser();
    const { entity: _e, ...noEntity } = cliHeartbeat(T0 + 10);
    const counts = await importHeartbeatBatch(env, { id: u.id, timezone: "UTC" }, [
      cliHeartbeat(T0),
      noEntity,
      cliHeartbeat(T0 + 20, { branch: "b".repeat(FIELD_CAPS.branch + 1) }),
      cliHeartbeat(nowSeconds() + 2 * FUTURE_TOLERANCE_SECONDS),
    ]);
    expect(counts).toEqual({ processed: 4, imported: 1, skipped: 0, errors: 3 });
    expect((await stored(u)).map((r) => [r.time, r.source_type])).toEqual([[T0, "wakapi_import"]]);
  });
});

describe("docs/ingest.md", () => {
  it("states the numbers of src/domain/heartbeats/limits.ts", () => {
    for (const [field, cap] of Object.entries(FIELD_CAPS)) expect(ingestDoc, field).toContain(`| \`${field}\` | ${cap} |`);
    expect(ingestDoc).toContain(`1 MiB (${MAX_BODY_BYTES} bytes)`);
    expect(ingestDoc).toContain(`Future tolerance: ${FUTURE_TOLERANCE_SECONDS} seconds.`);
    expect(ingestDoc).toContain(`At most **${MAX_BULK_HEARTBEATS}** items`);
    expect(ingestDoc).toContain(`At most **${DEPENDENCY_CAPS.items}** names, each at most **${DEPENDENCY_CAPS.itemLength}** characters`);
  });
});
