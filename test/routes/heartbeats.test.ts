import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI_USER_AGENT, cliHeaders, cliHeartbeat, createUser, postBulk, request, type TestUser, bearer } from "../helpers";

const T0 = 1_764_000_000; // 2025-11-24T16:00:00Z
const SINGLE = "/api/hackatime/v1/users/current/heartbeats";

async function storedCount(userId: number) {
  return (await env.DB.prepare("SELECT count(*) AS n FROM heartbeats WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;
}

describe("POST heartbeats.bulk", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser();
  });

  it("answers 201 with one [row, 201] per item, in input order", async () => {
    const items = [cliHeartbeat(T0), cliHeartbeat(T0 + 30, { entity: "/home/dev/code/app/README.md", language: "Markdown" })];
    const res = await postBulk(user.apiKey, items);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { responses: [any, number][] };
    expect(body.responses).toHaveLength(2);
    expect(body.responses.map((r) => r[1])).toEqual([201, 201]);
    const [first, second] = body.responses.map((r) => r[0]);
    expect(Number.isInteger(first.id)).toBe(true);
    expect(first).toMatchObject({ user_id: user.id, time: T0, entity: items[0].entity, project: "app", language: "TypeScript", source_type: "direct_entry" });
    expect(second).toMatchObject({ time: T0 + 30, language: "Markdown" });
    expect(typeof first.time).toBe("number");
  });

  it("stores the valid items of a batch and answers [{error,type},400] for the bad one", async () => {
    const u = await createUser();
    const res = await postBulk(u.apiKey, [cliHeartbeat(T0), { entity: "x.ts", time: "yesterday-ish" }, "not an object", cliHeartbeat(T0 + 60)]);
    expect(res.status).toBe(201);
    const { responses } = (await res.json()) as { responses: [any, number][] };
    expect(responses.map((r) => r[1])).toEqual([201, 400, 400, 201]);
    expect(responses[1][0]).toEqual({ error: "time must be a Unix epoch timestamp or parseable date", type: "HeartbeatIngest::InvalidHeartbeatTime" });
    expect(responses[2][0].error).toBeTypeOf("string");
    expect(await storedCount(u.id)).toBe(2);
  });

  it("refuses more than 100 heartbeats with 400", async () => {
    const u = await createUser();
    const items = Array.from({ length: 101 }, (_, i) => cliHeartbeat(T0 + i));
    const res = await postBulk(u.apiKey, items);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "Too many heartbeats in a single request (max 100)" });
    expect(await storedCount(u.id)).toBe(0);
  });

  it("accepts exactly 100 heartbeats", async () => {
    const u = await createUser();
    const res = await postBulk(u.apiKey, Array.from({ length: 100 }, (_, i) => cliHeartbeat(T0 + i * 10)));
    expect(res.status).toBe(201);
    expect(await storedCount(u.id)).toBe(100);
  });

  it("stores a batch sent twice once, answering the same rows both times", async () => {
    const u = await createUser();
    const items = Array.from({ length: 25 }, (_, i) => cliHeartbeat(T0 + i * 20));
    const first = (await (await postBulk(u.apiKey, items)).json()) as { responses: [any, number][] };
    const retry = await postBulk(u.apiKey, items, { "CF-Connecting-IP": "203.0.113.9" });
    expect(retry.status).toBe(201);
    const second = (await retry.json()) as { responses: [any, number][] };
    expect(second.responses.map((r) => r[1])).toEqual(Array(25).fill(201));
    expect(second.responses.map((r) => r[0].id)).toEqual(first.responses.map((r) => r[0].id));
    expect(await storedCount(u.id)).toBe(25);
  });

  it("maps duplicates inside one batch to the same row", async () => {
    const u = await createUser();
    const { responses } = (await (await postBulk(u.apiKey, [cliHeartbeat(T0), cliHeartbeat(T0)])).json()) as { responses: [any, number][] };
    expect(responses[0][0].id).toBe(responses[1][0].id);
    expect(await storedCount(u.id)).toBe(1);
  });

  it("answers 400 for an empty list, a missing body and malformed JSON, never 500", async () => {
    expect(await (await postBulk(user.apiKey, [])).json()).toEqual({ error: "No data provided..." });
    for (const body of ["", "[{", "{\"a\":", "42", "{}"]) {
      const res = await postBulk(user.apiKey, body);
      expect(res.status, `body ${JSON.stringify(body)}`).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTypeOf("string");
    }
  });

  it("accepts the {\"heartbeats\": [...]} wrapping", async () => {
    const u = await createUser();
    const res = await postBulk(u.apiKey, { heartbeats: [cliHeartbeat(T0)] });
    expect(res.status).toBe(201);
    expect(await storedCount(u.id)).toBe(1);
  });

  it("accepts the browser extension's text/plain body with ?api_key, string times and plugin UA", async () => {
    const u = await createUser();
    const body = JSON.stringify([
      { branch: "<<LAST_BRANCH>>", category: "browsing", entity: "github.com", id: crypto.randomUUID(), language: null, plugin: "Chrome/126.0.0.0 linux chrome-wakatime/4.0.1", project: "<<LAST_PROJECT>>", time: `${T0}.123`, type: "domain" },
      { category: null, entity: "https://news.ycombinator.com/item?id=1", plugin: "Chrome/126.0.0.0 linux chrome-wakatime/4.0.1", project: "<<LAST_PROJECT>>", time: `${T0 + 5}.5`, type: "url" },
    ]);
    const res = await request(`/api/hackatime/v1/users/current/heartbeats.bulk?api_key=${u.apiKey}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body,
    });
    expect(res.status).toBe(201);
    const { responses } = (await res.json()) as { responses: [any, number][] };
    expect(responses.map((r) => r[1])).toEqual([201, 201]);
    expect(responses[0][0]).toMatchObject({ time: T0 + 0.123, user_agent: "Chrome/126.0.0.0 linux chrome-wakatime/4.0.1", editor: "chrome", operating_system: "linux", project: "<<LAST_PROJECT>>", category: "browsing" });
    expect(responses[1][0].category).toBe("browsing");
  });

  it("repairs millisecond, microsecond and nanosecond timestamps and ISO strings", async () => {
    const u = await createUser();
    const { responses } = (await (
      await postBulk(u.apiKey, [cliHeartbeat(T0 * 1000), cliHeartbeat(T0 * 1e6 + 1), cliHeartbeat(T0 * 1e9 + 2e9), cliHeartbeat("2025-11-24T16:00:10Z"), cliHeartbeat(2_500_000_000)])
    ).json()) as { responses: [any, number][] };
    expect(responses[0][0].time).toBe(T0);
    expect(responses[1][0].time).toBeCloseTo(T0, 5);
    expect(responses[2][0].time).toBeCloseTo(T0 + 2, 5);
    expect(responses[3][0].time).toBe(T0 + 10);
    expect(responses[4]).toEqual([{ error: "time must be Unix epoch seconds between 1000000000 and 1999999999", type: "HeartbeatIngest::InvalidHeartbeatTime" }, 400]);
  });

  it("takes editor and OS from the User-Agent over the body, machine from X-Machine-Name over the body", async () => {
    const u = await createUser();
    const hb = cliHeartbeat(T0, { editor: "notepad", operating_system: "beos", machine: "body-machine", user_agent: undefined });
    const res = await postBulk(u.apiKey, [hb], { "X-Machine-Name": "dev+laptop", "CF-Connecting-IP": "198.51.100.7" });
    const row = ((await res.json()) as { responses: [any, number][] }).responses[0][0];
    expect(row).toMatchObject({ editor: "vscode", operating_system: "linux", machine: "dev laptop", user_agent: CLI_USER_AGENT, ip_address: "198.51.100.7" });
  });

  it("falls back to body editor/OS/machine when the UA says nothing and no header is sent", async () => {
    const u = await createUser();
    const res = await request("/api/hackatime/v1/users/current/heartbeats.bulk", {
      method: "POST",
      headers: { ...bearer(u.apiKey), "Content-Type": "application/json" },
      body: JSON.stringify([{ entity: "main.go", time: T0, editor: "acme", operating_system: "plan9", machine: "box" }]),
    });
    const row = ((await res.json()) as { responses: [any, number][] }).responses[0][0];
    expect(row).toMatchObject({ editor: "acme", operating_system: "plan9", machine: "box", language: "Go", category: "coding" });
  });

  it("resolves <<LAST_LANGUAGE>>/<<LAST_BRANCH>> from earlier items, then from stored heartbeats", async () => {
    const u = await createUser();
    await postBulk(u.apiKey, [cliHeartbeat(T0, { project: "api", language: "Rust", branch: "dev" })]);
    const { responses } = (await (
      await postBulk(u.apiKey, [
        cliHeartbeat(T0 + 10, { project: "api", language: "<<LAST_LANGUAGE>>", branch: "<<LAST_BRANCH>>" }),
        cliHeartbeat(T0 + 20, { project: "web", language: "Svelte", branch: "main" }),
        cliHeartbeat(T0 + 30, { project: "<<LAST_PROJECT>>", language: "<<LAST_LANGUAGE>>", branch: "<<LAST_BRANCH>>" }),
      ])
    ).json()) as { responses: [any, number][] };
    expect(responses[0][0]).toMatchObject({ project: "api", language: "Rust", branch: "dev" });
    expect(responses[2][0]).toMatchObject({ project: "<<LAST_PROJECT>>", language: "Svelte", branch: "main" });
  });

  it("strips control characters from project names and marks test.txt as test_entry", async () => {
    const u = await createUser();
    const { responses } = (await (await postBulk(u.apiKey, [cliHeartbeat(T0, { project: " my\u0007proj\n ", entity: "test.txt" })])).json()) as { responses: [any, number][] };
    expect(responses[0][0]).toMatchObject({ project: "myproj", source_type: "test_entry" });
  });

  it("keeps every field the cli sends", async () => {
    const u = await createUser();
    const hb = cliHeartbeat(T0, {
      dependencies: ["react", "zod"],
      line_additions: 3,
      line_deletions: 1,
      ai_line_changes: -1,
      human_line_changes: 7,
      project_root_count: 5,
      ai_session: "s1",
      ai_input_tokens: 100,
      ai_output_tokens: 20,
      ai_prompt_length: 42,
    });
    const row = ((await (await postBulk(u.apiKey, [hb])).json()) as { responses: [any, number][] }).responses[0][0];
    expect(row).toMatchObject({ dependencies: ["react", "zod"], line_additions: 3, line_deletions: 1, ai_line_changes: -1, human_line_changes: 7, project_root_count: 5, ai_session: "s1", ai_input_tokens: 100, ai_output_tokens: 20, ai_prompt_length: 42, is_write: true, lineno: 10, cursorpos: 4, lines: 120 });
  });

  it("refuses a user with a pending deletion request with 403", async () => {
    const u = await createUser();
    await env.DB.prepare("INSERT INTO deletion_requests (user_id, status) VALUES (?, 'pending')").bind(u.id).run();
    const res = await postBulk(u.apiKey, [cliHeartbeat(T0)]);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "Account pending deletion" });
  });

  it("refuses a bad key with 401", async () => {
    const res = await postBulk(crypto.randomUUID(), [cliHeartbeat(T0)]);
    expect(res.status).toBe(401);
  });
});

describe("POST heartbeats (single)", () => {
  it("answers 202 with the stored row, using an array's first element", async () => {
    const u = await createUser();
    const res = await request(SINGLE, { method: "POST", headers: cliHeaders(u.apiKey), body: JSON.stringify([cliHeartbeat(T0), cliHeartbeat(T0 + 1)]) });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ user_id: u.id, time: T0 });
    expect(await storedCount(u.id)).toBe(1);
  });

  it("accepts a plain object and a text/plain object", async () => {
    const u = await createUser();
    expect((await request(SINGLE, { method: "POST", headers: cliHeaders(u.apiKey), body: JSON.stringify(cliHeartbeat(T0)) })).status).toBe(202);
    const res = await request(SINGLE, { method: "POST", headers: cliHeaders(u.apiKey, { "Content-Type": "text/plain" }), body: JSON.stringify(cliHeartbeat(T0 + 5)) });
    expect(res.status).toBe(202);
    expect(await storedCount(u.id)).toBe(2);
  });

  it("answers 422 {error,type} for an invalid heartbeat", async () => {
    const u = await createUser();
    const res = await request(SINGLE, { method: "POST", headers: cliHeaders(u.apiKey), body: JSON.stringify([{ entity: "file.rb", time: 2026 }]) });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "time must be Unix epoch seconds between 1000000000 and 1999999999", type: "HeartbeatIngest::InvalidHeartbeatTime" });
  });

  it("answers 400 No data provided... for [] and for a scalar text/plain body", async () => {
    const u = await createUser();
    for (const [body, type] of [["[]", "application/json"], ["42", "text/plain"]]) {
      const res = await request(SINGLE, { method: "POST", headers: cliHeaders(u.apiKey, { "Content-Type": type }), body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "No data provided..." });
    }
  });

  it("answers a duplicate with the existing row and 202", async () => {
    const u = await createUser();
    const send = () => request(SINGLE, { method: "POST", headers: cliHeaders(u.apiKey), body: JSON.stringify(cliHeartbeat(T0)) });
    const a = (await (await send()).json()) as { id: number };
    const res = await send();
    expect(res.status).toBe(202);
    expect(((await res.json()) as { id: number }).id).toBe(a.id);
  });
});
