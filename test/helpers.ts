// Test helpers: users created the way `npm run user:create` creates them, requests through
// the real worker entry (exports.default.fetch), and wakatime-cli's headers.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { parse } from "yaml";
import { ADMIN_KEY_MESSAGES, STATS_KEY_MESSAGES, USER_KEY_MESSAGES, type AuthFailure } from "../src/auth/failures";
import { provisionUser, type NewUser } from "../src/domain/users/provision";

let counter = 0;
export const uniqueName = (prefix = "user") => `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}`;

export interface TestUser {
  id: number;
  username: string;
  apiKey: string;
  adminApiKey: string | null;
}

export async function createUser(opts: Partial<NewUser> = {}): Promise<TestUser> {
  const username = opts.username ?? uniqueName();
  const p = await provisionUser({ ...opts, username });
  const results = await env.DB.batch(p.statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
  const id = (results[results.length - 1].results[0] as { id: number }).id;
  return { id, username, apiKey: p.apiKey, adminApiKey: p.adminApiKey };
}

export const CLI_USER_AGENT = "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1";

/** The headers wakatime-cli sends (docs/wakatime-client.md §1). */
export function cliHeaders(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Accept: "application/json",
    Authorization: `Basic ${btoa(apiKey)}`,
    "User-Agent": CLI_USER_AGENT,
    "X-Machine-Name": "dev+laptop",
    Timezone: "Europe/Berlin",
    "Content-Type": "application/json",
    ...extra,
  };
}

export function request(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://tally.test${path}`, init));
}

export function postBulk(apiKey: string, heartbeats: unknown, extraHeaders: Record<string, string> = {}) {
  return request("/api/hackatime/v1/users/current/heartbeats.bulk", {
    method: "POST",
    headers: cliHeaders(apiKey, extraHeaders),
    body: typeof heartbeats === "string" ? heartbeats : JSON.stringify(heartbeats),
  });
}

export async function statusBar(apiKey: string) {
  const res = await request("/api/hackatime/v1/users/current/statusbar/today", { headers: cliHeaders(apiKey) });
  return { res, body: (await res.json()) as any };
}

/** A heartbeat as wakatime-cli sends it. */
export function cliHeartbeat(time: number | string, overrides: Record<string, unknown> = {}) {
  return {
    entity: "/home/dev/code/app/src/main.ts",
    type: "file",
    category: "coding",
    time,
    project: "app",
    branch: "main",
    language: "TypeScript",
    is_write: true,
    lineno: 10,
    cursorpos: 4,
    lines: 120,
    user_agent: CLI_USER_AGENT,
    ...overrides,
  };
}

type OpenApiOp = { tags?: string[]; security?: Array<Record<string, string[]>> };
type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOp>> };

/**
 * Checks that each operation ("post /api/v1/external/slack/oauth") is in the spec
 * (env.OPENAPI_SPEC_YAML) and in our /api-docs/openapi.json, with the spec's tags and
 * every security scheme name the spec lists; with `exactSecurity`, our security requirement
 * must also equal it exactly (e.g. [{ AdminToken: [] }]).
 */
export async function expectDocumentedAsInSpec(operations: string[], exactSecurity?: OpenApiOp["security"]): Promise<void> {
  const spec = parse(env.OPENAPI_SPEC_YAML) as OpenApiDoc;
  const ours = (await (await request("/api-docs/openapi.json")).json()) as OpenApiDoc;
  const schemes = (op: OpenApiOp) => new Set((op.security ?? []).flatMap((r) => Object.keys(r)));
  for (const id of operations) {
    const [method, path] = id.split(" ");
    const specOp = spec.paths[path]?.[method];
    const ourOp = ours.paths[path]?.[method];
    expect(specOp, `${id} in the spec`).toBeDefined();
    expect(ourOp, `${id} in our document`).toBeDefined();
    expect(ourOp.tags, `${id} tags`).toEqual(specOp.tags);
    for (const name of schemes(specOp)) expect(schemes(ourOp), `${id} security`).toContain(name);
    if (exactSecurity) expect(ourOp.security, `${id} security`).toEqual(exactSecurity);
  }
}

/** The 401 body for a refused credential of each kind (auth.test.ts pins the texts themselves). */
export const refused = {
  user: (why: AuthFailure) => ({ error: USER_KEY_MESSAGES[why] }),
  admin: (why: AuthFailure) => ({ error: ADMIN_KEY_MESSAGES[why] }),
  stats: (why: AuthFailure) => ({ error: STATS_KEY_MESSAGES[why] }),
  restricted: { error: "Unauthorized: this account is restricted (pending deletion or suspended)" },
};

/** SQLite's query plan for `sql` with `params`, one step per line (for index assertions). */

/** A Bearer user key header. */
export const bearer = (apiKey: string) => ({ Authorization: `Bearer ${apiKey}` });

/** A GET through the worker, with its JSON body. */
export async function getJson(path: string, headers: Record<string, string> = {}) {
  const res = await request(path, { headers });
  return { res, body: (await res.json()) as any };
}

/** Sends heartbeats as wakatime-cli does, 25 per bulk post, each answered 201. */
export async function sendHeartbeats(apiKey: string, beats: unknown[], extraHeaders: Record<string, string> = {}) {
  for (let i = 0; i < beats.length; i += 25) expect((await postBulk(apiKey, beats.slice(i, i + 25), extraHeaders)).status).toBe(201);
}

/** EXPLAIN QUERY PLAN of a statement, its steps joined by newlines. */
export async function queryPlan(sql: string, ...params: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}
