// Test helpers, one implementation each: users created the way `npm run user:create` creates
// them, requests through the real worker entry (exports.default.fetch), wakatime-cli's headers,
// a seeded PRNG, and the check of an answer against the vendored spec's schemas.
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { parse } from "yaml";
import { ADMIN_KEY_MESSAGES, STATS_KEY_MESSAGES, USER_KEY_MESSAGES, type AuthFailure } from "../src/auth/failures";
import { shardAt, shards, type ShardDb } from "../src/db/shards";
import { handleScheduled } from "../src/cron";
import { MAX_BULK_HEARTBEATS } from "../src/domain/heartbeats/limits";
import { slackSignature } from "../src/domain/slack/signature";
import { handleQueueBatch } from "../src/queues";
import { credentialsChanged } from "../src/domain/credentials";
import { firstApiKey, provisionUser, type NewUser } from "../src/domain/users/provision";

let counter = 0;
export const uniqueName = (prefix = "user") => `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}`;

export interface TestUser {
  id: number;
  username: string;
  apiKey: string;
  adminApiKey: string | null;
  /** The shard database holding the user's heartbeats. */
  shard: number;
  /** The user as a duration query subject (UTC unless created with a time zone). */
  timezone: string;
}

export async function createUser(opts: Partial<NewUser> = {}): Promise<TestUser> {
  const username = opts.username ?? uniqueName();
  const p = await provisionUser({ ...opts, username }, shards(env).length);
  const results = await env.DB.batch(p.statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
  const { id, shard } = results[results.length - 1].results[0] as { id: number; shard: number };
  const key = await firstApiKey(id);
  await env.DB.prepare(key.statement.sql).bind(...key.statement.params).run();
  return { id, username, apiKey: key.apiKey, adminApiKey: p.adminApiKey, shard, timezone: opts.timezone ?? "UTC" };
}

/**
 * Tells a user's UserActivity object that a test changed what a key check answers (their row,
 * keys, goals, deletion requests) with SQL, as every product path that changes them does
 * (docs/edge-auth.md). Not needed before the user's first authenticated request.
 */
export const userChanged = (userId: number) => credentialsChanged(env, userId);

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

/** `Authorization: Bearer <key>` (the spec's Bearer scheme; admin keys too); null: no credential. */
export const bearer = (key: string | null): Record<string, string> => (key === null ? {} : { Authorization: `Bearer ${key}` });

/**
 * A request through the worker with its JSON body read: { status, body }, and the Response as
 * `res` for its headers. `res` is not enumerable, so `expect(answer).toEqual({ status, body })`
 * compares just the two.
 */
export async function requestJson(path: string, init: RequestInit = {}): Promise<{ res: Response; status: number; body: any }> {
  const res = await request(path, init);
  const answer = { status: res.status, body: (await res.json()) as any };
  return Object.defineProperty(answer, "res", { value: res, enumerable: false }) as typeof answer & { res: Response };
}

/**
 * A request with a body, its JSON answer read: JSON, or a form with `form`; a string is sent
 * as written. redirect: "manual" — a 302 is itself the answer under test.
 */
export function call(method: string, path: string, headers: Record<string, string>, body?: unknown, opts: { form?: boolean } = {}) {
  const h = { ...headers };
  let payload: string | undefined;
  if (body !== undefined) {
    h["Content-Type"] = opts.form ? "application/x-www-form-urlencoded" : "application/json";
    payload = typeof body === "string" ? body : opts.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
  }
  return requestJson(path, { method, headers: h, body: payload, redirect: "manual" });
}

/** A GET with these headers (e.g. `bearer(key)`), its JSON body read. */
export const getJson = (path: string, headers: Record<string, string> = {}) => requestJson(path, { headers });

/**
 * Posts heartbeats as wakatime-cli does, `perRequest` per bulk post (at most the bulk cap),
 * and expects each post to be taken (201). `who` is a user or their API key.
 */
export async function send(who: TestUser | string, beats: unknown[], headers: Record<string, string> = {}, perRequest = MAX_BULK_HEARTBEATS): Promise<void> {
  const key = typeof who === "string" ? who : who.apiKey;
  for (let i = 0; i < beats.length; i += perRequest) expect((await postBulk(key, beats.slice(i, i + perRequest), headers)).status).toBe(201);
}

/** A deterministic PRNG (an LCG) in [0, 1), so a failing random test can be replayed from its seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** A Fisher–Yates shuffle driven by `rand` (a copy; the input is left alone). */
export function shuffle<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** An env whose queue (IMPORTS) only records what is sent to it, so a test delivers it by hand. */
function capturedQueue() {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (msgs: Iterable<{ body: unknown }>) => void [...msgs].forEach((m) => sent.push(m.body)),
  };
  return { sent, env: { ...env, IMPORTS: queue as unknown as Queue } };
}

/** Runs a cron trigger at `scheduledTime` (epoch seconds) and returns the queue messages it sent. */
export async function fireCron(cron: string, scheduledTime: number): Promise<any[]> {
  const q = capturedQueue();
  await handleScheduled(createScheduledController({ cron, scheduledTime: scheduledTime * 1000 }), q.env);
  return q.sent;
}

/** Delivers message bodies to the queue consumer; returns its ack/retry result and what it sent on. */
export async function deliver(bodies: unknown[], queueName = "tally-imports", attempts = 1) {
  const q = capturedQueue();
  const batch = createMessageBatch(queueName, bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  await handleQueueBatch(batch, q.env);
  return { result: await getQueueResult(batch, ctx), sent: q.sent };
}

// ---- Slack: signed slash commands in, a fake Web API out.

export const SAILORS_LOG_COMMANDS = "/sailors_log/slack/commands";
export const TIMEDUMP_COMMANDS = "/timedump/slack/commands";
export const SLACK_RESPONSE_URL = "https://hooks.slack.com/commands/T1/123/abc";
// The signing secrets are vitest.config.ts bindings; src/env.ts types them on the global Env.
export const slackSecrets = env as unknown as Pick<Env, "SAILORS_LOG_SLACK_SIGNING_SECRET" | "SLACK_SIGNING_SECRET">;

/** A slash command as Slack posts it, signed with `secret` (default: the route's own secret). */
export async function slashRequest(path: string, fields: Record<string, string>, opts: { secret?: string; timestamp?: number; signature?: string; tamper?: boolean } = {}) {
  const secret = opts.secret ?? (path === SAILORS_LOG_COMMANDS ? slackSecrets.SAILORS_LOG_SLACK_SIGNING_SECRET : slackSecrets.SLACK_SIGNING_SECRET)!;
  const body = new URLSearchParams({ token: "legacy", team_id: "T1", channel_name: "general", user_name: "someone", response_url: SLACK_RESPONSE_URL, trigger_id: "1.2.3", ...fields }).toString();
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature ?? (await slackSignature(secret, ts, body));
  return request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature },
    body: opts.tamper ? `${body}&x=1` : body,
  });
}

/** slashRequest, its answer read: { status, body } (body null when empty). */
export async function slash(...args: Parameters<typeof slashRequest>) {
  const res = await slashRequest(...args);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export interface FakeSlackUser {
  id: string;
  name?: string;
  tz?: string;
  profile?: Record<string, string | null>;
}

/**
 * Fakes the Slack Web API behind env.SLACK_API_BASE_URL: `tokens` maps a token to its user;
 * any other token is invalid_auth. The worker runs in the test's isolate, so stubbing the
 * global fetch reaches its outbound calls. Undo with vi.restoreAllMocks().
 */
export function fakeSlack(tokens: Record<string, FakeSlackUser>, opts: { usersInfoError?: string } = {}) {
  const calls: Array<{ url: string; auth: string | null }> = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const auth = new Headers(init?.headers).get("authorization");
    calls.push({ url: url.href, auth });
    const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
    const user = tokens[(auth ?? "").replace(/^Bearer /, "")];
    if (!url.href.startsWith(`${env.SLACK_API_BASE_URL}/`)) return new Response("unexpected host", { status: 599 });
    if (!user) return json({ ok: false, error: "invalid_auth" });
    if (url.pathname.endsWith("/auth.test")) return json({ ok: true, user_id: user.id, user: user.name, team_id: "T1" });
    if (url.pathname.endsWith("/users.info")) {
      if (opts.usersInfoError) return json({ ok: false, error: opts.usersInfoError });
      if (url.searchParams.get("user") !== user.id) return json({ ok: false, error: "user_not_found" });
      return json({ ok: true, user });
    }
    return json({ ok: false, error: "unknown_method" });
  });
  return { spy, calls };
}

// ---- The vendored contract: spec/hackatime-openapi.yaml, handed to the tests as env.OPENAPI_SPEC_YAML.

/** The subset of OpenAPI 3.0 schema keywords the spec uses; conformanceErrors refuses any other. */
export interface Schema {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  description?: string;
}
export interface SpecOperation {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
export interface SpecDoc {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;

let parsedSpec: SpecDoc | undefined;
/** The vendored spec, parsed once per test file. Read it, don't change it. */
export function spec(): SpecDoc {
  expect(env.OPENAPI_SPEC_YAML, "spec/hackatime-openapi.yaml must be readable").not.toBe("");
  return (parsedSpec ??= parse(env.OPENAPI_SPEC_YAML) as SpecDoc);
}

/** Every operation of the spec as "get /api/v1/…". */
export const specOperations = (doc: SpecDoc = spec()) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => HTTP_METHODS.filter((m) => m in ops).map((m) => `${m} ${path}`));

const KNOWN_KEYWORDS = new Set(["$ref", "type", "nullable", "properties", "required", "items", "enum", "format", "minItems", "maxItems", "example", "description"]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface ConformanceOptions {
  /**
   * Every documented property must be present, not only the schema's `required` ones: for
   * answers real clients read field by field (wakatime-cli, the WakaTime extensions).
   */
  everyProperty?: boolean;
  /**
   * With everyProperty: documented, optional properties an answer may leave out, as paths with
   * `[]` for any index ("$.spans[].project"). A property the schema requires is never excused.
   */
  mayOmit?: string[];
}

/**
 * Where `value` departs from an OpenAPI 3.0 `schema` of the spec ($refs resolved against its
 * components): type, nullability, required (or, with `everyProperty`, every documented)
 * properties, enums, item counts, and the date / date-time formats. Extra properties are
 * allowed, as in the spec (no schema closes its objects). An empty list means it conforms.
 */
export function conformanceErrors(schema: Schema | undefined, value: unknown, opts: ConformanceOptions = {}, path = "$"): string[] {
  if (!schema) return [`${path}: no schema`];
  const unknown = Object.keys(schema).filter((k) => !KNOWN_KEYWORDS.has(k));
  if (unknown.length) throw new Error(`${path}: conformanceErrors does not check ${unknown.join(", ")}; teach it before relying on it`);
  if (schema.$ref) {
    const name = schema.$ref.match(/^#\/components\/schemas\/(.+)$/)?.[1];
    const target = name === undefined ? undefined : spec().components.schemas[name];
    if (!target) throw new Error(`${path}: unresolvable $ref ${schema.$ref}`);
    return conformanceErrors(target, value, opts, path);
  }
  if (value === undefined) return [`${path}: missing`];
  if (value === null) return schema.nullable || !schema.type ? [] : [`${path}: null, not nullable`];
  const got = JSON.stringify(value)?.slice(0, 80);
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${got} not one of ${JSON.stringify(schema.enum)}`);
  const type = schema.type ?? (schema.properties ? "object" : undefined);
  const is = (ok: boolean) => (ok ? errors : [...errors, `${path}: expected ${type}, got ${got}`]);
  switch (type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return is(false);
      const required = schema.required ?? [];
      const excused = (key: string) => !required.includes(key) && (opts.mayOmit ?? []).includes(`${path.replace(/\[\d+\]/g, "[]")}.${key}`);
      const must = opts.everyProperty ? Object.keys(schema.properties ?? {}).filter((key) => !excused(key)) : required;
      for (const key of must) if (!(key in value)) errors.push(`${path}.${key}: missing`);
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (key in value) errors.push(...conformanceErrors(sub, (value as Record<string, unknown>)[key], opts, `${path}.${key}`));
      }
      return errors;
    }
    case "array":
      if (!Array.isArray(value)) return is(false);
      if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
      if (schema.items) value.forEach((v, i) => errors.push(...conformanceErrors(schema.items, v, opts, `${path}[${i}]`)));
      return errors;
    case "integer":
      return is(Number.isInteger(value));
    case "number":
      return is(typeof value === "number");
    case "boolean":
      return is(typeof value === "boolean");
    case "string":
      if (typeof value !== "string") return is(false);
      if (schema.format === "date" && !DATE.test(value)) errors.push(`${path}: ${got} is not a date (YYYY-MM-DD)`);
      if ((schema.format === "date-time" || schema.format === "date_time") && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))))
        errors.push(`${path}: ${got} is not an ISO 8601 date-time`);
      return errors;
    default:
      return errors; // no type: any value
  }
}

/** The 401 body for a refused credential of each kind (auth.test.ts pins the texts themselves). */
export const refused = {
  user: (why: AuthFailure) => ({ error: USER_KEY_MESSAGES[why] }),
  admin: (why: AuthFailure) => ({ error: ADMIN_KEY_MESSAGES[why] }),
  stats: (why: AuthFailure) => ({ error: STATS_KEY_MESSAGES[why] }),
  restricted: { error: "Unauthorized: this account is restricted (pending deletion or suspended)" },
};

/** Sends heartbeats as wakatime-cli does, 25 per bulk post, each answered 201. */
export async function sendHeartbeats(apiKey: string, beats: unknown[], extraHeaders: Record<string, string> = {}) {
  for (let i = 0; i < beats.length; i += 25) expect((await postBulk(apiKey, beats.slice(i, i + 25), extraHeaders)).status).toBe(201);
}

/** Tables of the shard databases: a statement naming one is explained on a shard, others on the main database. */
const SHARD_TABLES = /\b(heartbeats|heartbeat_import_slices|id_sequences|lb_minute_buckets|lb_day_buckets|lb_streaks)\b/;

export async function queryPlan(sql: string, ...params: unknown[]): Promise<string> {
  const db = SHARD_TABLES.test(sql) ? shardAt(env, 0).db : env.DB;
  const { results } = await db.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

/** The shard database holding a user's heartbeats (for tests that read or seed rows directly). */
export async function heartbeatsDb(user: number | { shard: number }): Promise<ShardDb> {
  if (typeof user !== "number") return shardAt(env, user.shard).db;
  const row = await env.DB.prepare("SELECT shard FROM users WHERE id = ?").bind(user).first<{ shard: number }>();
  if (!row) throw new Error(`no user ${user}`);
  return shardAt(env, row.shard).db;
}
