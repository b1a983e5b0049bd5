// The contract test: every operation of the vendored spec (spec/hackatime-openapi.yaml), called
// for real through the worker, answers a status the spec documents for it, with a body that
// conforms to the spec's schema for that status. Each operation gets a request that succeeds
// and one for each error status the spec documents; the last test checks that coverage.
//
// What the answer must be beyond the schema is the route tests' business (test/routes/*); this
// file only asks "would a client built from the spec read this answer?". Extra properties are
// fine (the spec's objects are open), missing or mistyped ones are not.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  bearer,
  cliHeaders,
  cliHeartbeat,
  conformanceErrors,
  createUser,
  deliver,
  fakeSlack,
  fireCron,
  request,
  SAILORS_LOG_COMMANDS,
  send,
  slashRequest,
  spec,
  specOperations,
  TIMEDUMP_COMMANDS,
  uniqueName,
  type ConformanceOptions,
  type Schema,
  type TestUser,
} from "./helpers";

const STATS = bearer("test-stats-key"); // vitest.config.ts's STATS_API_KEY
const REVOCATION = bearer("test-revocation-key"); // HKA_REVOCATION_KEY
const NO_USER = 99_999_999;

const get = (path: string, headers: Record<string, string> = {}) => request(path, { headers });
function withBody(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  const h = body === undefined ? headers : { ...headers, "Content-Type": "application/json" };
  return request(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
}

interface Case {
  /** The spec's operation, "get /api/v1/…" with the spec's path template. */
  op: string;
  /** The status this request must get (and the spec must document). */
  status: number;
  send: () => Promise<Response>;
  /**
   * The media type we answer where the spec documents another, and why (a comment in the
   * case says more). The body is still checked against the documented schema.
   */
  mediaType?: "application/json";
  /** Documented, optional properties this answer leaves out (ConformanceOptions.mayOmit), and why in a comment. */
  mayOmit?: string[];
}

/** Where a real answer departs from what the spec documents for the operation (empty: none). */
async function departures(c: Case, res: Response, opts: ConformanceOptions): Promise<string[]> {
  const [method, path] = c.op.split(" ");
  const documented = spec().paths[path][method].responses;
  const response = documented[String(res.status)];
  if (!response) return [`status ${res.status} is not documented (${Object.keys(documented).join(", ")})`];
  const contentType = res.headers.get("content-type") ?? "";
  const text = await res.text();
  if (!response.content) return []; // the spec documents no body for this status
  const [[documentedType, media]] = Object.entries(response.content);
  const mediaType = c.mediaType ?? documentedType;
  if (!contentType.startsWith(mediaType)) return [`content-type ${contentType || "(none)"}, documented ${mediaType}`];
  let value: unknown = text;
  if (mediaType === "application/json") value = JSON.parse(text);
  else if (media.schema?.type === "integer" || media.schema?.type === "number") value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return conformanceErrors(media.schema, value, opts);
}

let admin: TestUser; // superadmin
let u: TestUser; // a user with heartbeats today, an e-mail, a Slack id and a repo mapping
let convicted: TestUser; // convicted (red) by `admin`: an audit log, a banned user
let uEmail: string;
let uSlack: string;
const iso = (t: number) => new Date(t * 1000).toISOString();
const now = Math.floor(Date.now() / 1000);
const today = iso(now).slice(0, 10);
// u's 20 heartbeats: the last half hour, but all of them today (UTC, u's zone), so the "today"
// answers have rows whose nested schemas get checked.
const t0 = Math.max(now - (now % 86_400) + 1, now - 1800);
const step = (now - 5 - t0) / 20;

/** A user who asked for their account's deletion; returns the request id. */
async function pendingDeletion(): Promise<number> {
  const v = await createUser();
  const res = await withBody("POST", "/deletion", bearer(v.apiKey));
  expect(res.status).toBe(302);
  return ((await res.json()) as { deletion_request: { id: number } }).deletion_request.id;
}

async function newAdminKeyId(): Promise<number> {
  const res = await withBody("POST", "/api/admin/v1/admin_api_keys", bearer(admin.adminApiKey), { name: uniqueName("contract") });
  expect(res.status).toBe(201);
  return ((await res.json()) as { admin_api_key: { id: number } }).admin_api_key.id;
}

/** A WakaTime data dump of `count` heartbeats, as its export endpoint writes it. */
function wakatimeDump(count: number) {
  const heartbeats = Array.from({ length: count }, (_, i) => ({ entity: `/src/f${i}.ts`, type: "file", category: "coding", time: now - 7200 + i * 30, project: "dumped", language: "TypeScript" }));
  return JSON.stringify({ user: { id: "wakatime-user" }, range: {}, days: [{ date: today, heartbeats }] });
}
function upload(key: string, file: string) {
  const form = new FormData();
  form.append("heartbeat_file", new Blob([file], { type: "application/json" }), "dump.json");
  return request("/my/heartbeat_imports", { method: "POST", headers: bearer(key), body: form });
}

let boards: Promise<void> | undefined;
/** Builds today's daily and weekly leaderboards once (cron, then its queued pages). */
function buildBoards(): Promise<void> {
  boards ??= (async () => {
    for (const cron of ["* * * * *", "*/7 * * * *"]) expect((await deliver(await fireCron(cron, now))).result.retryMessages).toEqual([]);
  })();
  return boards;
}

beforeAll(async () => {
  admin = await createUser({ adminLevel: "superadmin", email: `${uniqueName("contract-admin")}@example.com` });
  uEmail = `${uniqueName("contract")}@example.com`;
  uSlack = uniqueName("U").toUpperCase();
  u = await createUser({ email: uEmail, slackUid: uSlack, timezone: "UTC" });
  // Two projects, one IP and machine; dependencies so that every field has a value.
  const beats = Array.from({ length: 20 }, (_, i) => cliHeartbeat(t0 + i * step, { project: i % 3 ? "alpha" : "beta", dependencies: ["react"] }));
  await send(u, beats, { "CF-Connecting-IP": "198.18.0.7" });
  expect((await withBody("PATCH", "/my/project_repo_mappings/alpha", bearer(u.apiKey), { repo_url: "https://github.com/me/alpha" })).status).toBe(302);
  convicted = await createUser();
  await send(convicted, [cliHeartbeat(now - 600)]);
  const convict = await withBody("POST", "/api/admin/v1/user/convict", bearer(admin.adminApiKey), { user_id: convicted.id, trust_level: "red", reason: "contract" });
  expect(convict.status).toBe(200);
  await pendingDeletion(); // so the list has a pending request
});

afterEach(() => vi.restoreAllMocks());

const A = () => bearer(admin.adminApiKey); // the superadmin's key, read when a case runs
const U = () => bearer(u.apiKey);

const cases: Case[] = [
  // ---- Admin Resources: admin API keys, audit logs, deletion requests, timeline, users, permissions
  { op: "get /api/admin/v1/admin_api_keys", status: 200, send: () => get("/api/admin/v1/admin_api_keys", A()) },
  { op: "post /api/admin/v1/admin_api_keys", status: 201, send: () => withBody("POST", "/api/admin/v1/admin_api_keys", A(), { name: "contract key" }) },
  { op: "get /api/admin/v1/admin_api_keys/{id}", status: 200, send: async () => get(`/api/admin/v1/admin_api_keys/${await newAdminKeyId()}`, A()) },
  { op: "delete /api/admin/v1/admin_api_keys/{id}", status: 200, send: async () => withBody("DELETE", `/api/admin/v1/admin_api_keys/${await newAdminKeyId()}`, A()) },
  { op: "get /api/admin/v1/trust_level_audit_logs", status: 200, send: () => get("/api/admin/v1/trust_level_audit_logs", A()) },
  {
    op: "get /api/admin/v1/trust_level_audit_logs/{id}",
    status: 200,
    send: async () => {
      const list = (await (await get(`/api/admin/v1/trust_level_audit_logs?user_id=${convicted.id}`, A())).json()) as { audit_logs: Array<{ id: number }> };
      return get(`/api/admin/v1/trust_level_audit_logs/${list.audit_logs[0].id}`, A());
    },
  },
  { op: "get /api/admin/v1/deletion_requests", status: 200, send: () => get("/api/admin/v1/deletion_requests", A()) },
  { op: "get /api/admin/v1/deletion_requests/{id}", status: 200, send: async () => get(`/api/admin/v1/deletion_requests/${await pendingDeletion()}`, A()) },
  { op: "post /api/admin/v1/deletion_requests/{id}/approve", status: 200, send: async () => withBody("POST", `/api/admin/v1/deletion_requests/${await pendingDeletion()}/approve`, A()) },
  { op: "post /api/admin/v1/deletion_requests/{id}/reject", status: 200, send: async () => withBody("POST", `/api/admin/v1/deletion_requests/${await pendingDeletion()}/reject`, A()) },
  { op: "get /api/admin/v1/timeline", status: 200, send: () => get(`/api/admin/v1/timeline?date=${today}&user_ids=${u.id}`, A()) },
  { op: "get /api/admin/v1/timeline/search_users", status: 200, send: () => get(`/api/admin/v1/timeline/search_users?query=${u.username}`, A()) },
  { op: "get /api/admin/v1/timeline/search_users", status: 422, send: () => get("/api/admin/v1/timeline/search_users", A()) },
  { op: "get /api/admin/v1/timeline/leaderboard_users", status: 200, send: () => get("/api/admin/v1/timeline/leaderboard_users", A()) },
  { op: "get /api/admin/v1/user/info_batch", status: 200, send: () => get(`/api/admin/v1/user/info_batch?ids=${u.id},${admin.id}`, A()) },
  { op: "get /api/admin/v1/user/info", status: 200, send: () => get(`/api/admin/v1/user/info?user_id=${u.id}`, A()) },
  { op: "get /api/admin/v1/user/heartbeats", status: 200, send: () => get(`/api/admin/v1/user/heartbeats?user_id=${u.id}`, A()) },
  { op: "get /api/admin/v1/user/heartbeats", status: 404, send: () => get(`/api/admin/v1/user/heartbeats?user_id=${NO_USER}`, A()) },
  { op: "get /api/admin/v1/user/heartbeats", status: 422, send: () => get(`/api/admin/v1/user/heartbeats?user_id=${u.id}&start_date=not-a-date`, A()) },
  { op: "get /api/admin/v1/user/heartbeat_values", status: 200, send: () => get(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}&field=ips`, A()) },
  { op: "get /api/admin/v1/user/heartbeat_values", status: 404, send: () => get(`/api/admin/v1/user/heartbeat_values?user_id=${NO_USER}&field=projects`, A()) },
  { op: "get /api/admin/v1/user/heartbeat_values", status: 422, send: () => get(`/api/admin/v1/user/heartbeat_values?user_id=${u.id}&field=not_a_field`, A()) },
  { op: "get /api/admin/v1/user/get_users_by_ip", status: 200, send: () => get("/api/admin/v1/user/get_users_by_ip?ip=198.18.0.7", A()) },
  { op: "get /api/admin/v1/user/get_users_by_machine", status: 200, send: () => get("/api/admin/v1/user/get_users_by_machine?machine=dev%20laptop", A()) },
  {
    op: "get /api/admin/v1/user/stats",
    status: 200,
    send: () => get(`/api/admin/v1/user/stats?user_id=${u.id}&date=${today}`, A()),
    // Hackatime lists heartbeats.ysws_program in ignored_columns, so its JSON never has it
    // (docs/reference/hackatime-behavior.md §12).
    mayOmit: ["$.heartbeats[].ysws_program"],
  },
  { op: "get /api/admin/v1/user/stats", status: 404, send: () => get(`/api/admin/v1/user/stats?user_id=${NO_USER}`, A()) },
  { op: "get /api/admin/v1/user/projects", status: 200, send: () => get(`/api/admin/v1/user/projects?user_id=${u.id}`, A()) },
  { op: "get /api/admin/v1/user/projects", status: 404, send: () => get(`/api/admin/v1/user/projects?user_id=${NO_USER}`, A()) },
  { op: "get /api/admin/v1/user/trust_logs", status: 200, send: () => get(`/api/admin/v1/user/trust_logs?user_id=${convicted.id}`, A()) },
  { op: "post /api/admin/v1/user/get_user_by_email", status: 200, send: () => withBody("POST", "/api/admin/v1/user/get_user_by_email", A(), { email: uEmail }) },
  { op: "post /api/admin/v1/user/search_fuzzy", status: 200, send: () => withBody("POST", "/api/admin/v1/user/search_fuzzy", A(), { query: u.username }) },
  {
    op: "post /api/admin/v1/user/convict",
    status: 200,
    send: async () => withBody("POST", "/api/admin/v1/user/convict", A(), { user_id: (await createUser()).id, trust_level: "yellow", reason: "contract", notes: "n" }),
  },
  { op: "post /api/admin/v1/user/convict", status: 404, send: () => withBody("POST", "/api/admin/v1/user/convict", A(), { user_id: NO_USER, trust_level: "red", reason: "contract" }) },
  { op: "get /api/admin/v1/check", status: 200, send: () => get("/api/admin/v1/check", A()) },
  { op: "get /api/admin/v1/banned_users", status: 200, send: () => get("/api/admin/v1/banned_users", A()) },
  { op: "get /api/admin/v1/banned_users", status: 401, send: () => get("/api/admin/v1/banned_users") },
  { op: "get /api/admin/v1/permissions", status: 200, send: () => get("/api/admin/v1/permissions", A()) },
  { op: "patch /api/admin/v1/permissions/{id}", status: 200, send: async () => withBody("PATCH", `/api/admin/v1/permissions/${(await createUser()).id}`, A(), { admin_level: "viewer" }) },
  { op: "patch /api/admin/v1/permissions/{id}", status: 404, send: () => withBody("PATCH", `/api/admin/v1/permissions/${NO_USER}`, A(), { admin_level: "viewer" }) },
  { op: "patch /api/admin/v1/permissions/{id}", status: 422, send: async () => withBody("PATCH", `/api/admin/v1/permissions/${(await createUser()).id}`, A(), { admin_level: "emperor" }) },

  // ---- Hackatime v1 (WakaTime compatible): ingest, status bar, last 7 days
  {
    op: "post /api/hackatime/v1/users/{id}/heartbeats",
    status: 202,
    send: () => request("/api/hackatime/v1/users/current/heartbeats", { method: "POST", headers: cliHeaders(u.apiKey), body: JSON.stringify(cliHeartbeat(now - 30)) }),
  },
  {
    op: "post /api/hackatime/v1/users/{id}/heartbeats",
    status: 401,
    send: () => request("/api/hackatime/v1/users/current/heartbeats", { method: "POST", headers: cliHeaders(crypto.randomUUID()), body: JSON.stringify(cliHeartbeat(now - 30)) }),
  },
  {
    op: "get /api/hackatime/v1/users/{id}/statusbar/today",
    status: 200,
    send: () => get("/api/hackatime/v1/users/current/statusbar/today", cliHeaders(u.apiKey)),
    // `goal` is there only for a user with a daily goal (hackatime-behavior.md §5); Tally has no goals.
    mayOmit: ["$.data.goal"],
  },
  { op: "get /api/hackatime/v1/users/{id}/statusbar/today", status: 401, send: () => get("/api/hackatime/v1/users/current/statusbar/today") },
  { op: "get /api/hackatime/v1/users/current/stats/last_7_days", status: 200, send: () => get("/api/hackatime/v1/users/current/stats/last_7_days", U()) },
  { op: "get /api/hackatime/v1/users/current/stats/last_7_days", status: 401, send: () => get("/api/hackatime/v1/users/current/stats/last_7_days", bearer(crypto.randomUUID())) },

  // ---- Internal, summary, authenticated (user key), external (Slack OAuth), YSWS
  { op: "post /api/internal/revoke", status: 200, send: async () => withBody("POST", "/api/internal/revoke", REVOCATION, { token: (await createUser()).apiKey }) },
  { op: "post /api/internal/revoke", status: 400, send: () => withBody("POST", "/api/internal/revoke", REVOCATION, {}) },
  { op: "get /api/summary", status: 200, send: () => get(`/api/summary?user_id=${u.id}&interval=today`) },
  { op: "get /api/summary", status: 200, send: () => get(`/api/summary?user=${uSlack}&start=${today}&end=${today}`) }, // the deprecated `user`, echoed
  { op: "get /api/summary", status: 400, send: () => get("/api/summary?interval=today") },
  ...["me", "hours", "streak", "projects", "api_keys", "heartbeats/latest"].flatMap((route): Case[] => [
    { op: `get /api/v1/authenticated/${route}`, status: 200, send: () => get(`/api/v1/authenticated/${route}`, U()) },
    { op: `get /api/v1/authenticated/${route}`, status: 401, send: () => get(`/api/v1/authenticated/${route}`) },
  ]),
  {
    op: "post /api/v1/external/slack/oauth",
    status: 200,
    send: () => {
      const id = uniqueName("U").toUpperCase();
      fakeSlack({ "xoxp-contract": { id, name: uniqueName("slack"), tz: "Europe/Berlin", profile: { email: `${uniqueName("s")}@example.com`, display_name_normalized: "S" } } });
      return withBody("POST", "/api/v1/external/slack/oauth", STATS, { token: "xoxp-contract" });
    },
  },
  { op: "post /api/v1/external/slack/oauth", status: 400, send: () => withBody("POST", "/api/v1/external/slack/oauth", STATS, {}) },
  { op: "get /api/v1/ysws_programs", status: 200, send: () => get("/api/v1/ysws_programs") },
  {
    op: "post /api/v1/ysws_programs/claim",
    status: 200,
    send: () => withBody("POST", "/api/v1/ysws_programs/claim", STATS, { program_id: 2, user_id: String(u.id), start_time: iso(t0), end_time: iso(t0 + 2 * step) }),
  },
  {
    // The same heartbeats again, for another program: already claimed.
    op: "post /api/v1/ysws_programs/claim",
    status: 409,
    send: () => withBody("POST", "/api/v1/ysws_programs/claim", STATS, { program_id: 4, user_id: uSlack, start_time: iso(t0), end_time: iso(t0 + 2 * step) }),
  },

  // ---- Leaderboards: 503 until the first board is built (this case runs before the 200s)
  { op: "get /api/v1/leaderboard/daily", status: 503, send: () => get("/api/v1/leaderboard/daily") },
  ...["/api/v1/leaderboard", "/api/v1/leaderboard/daily", "/api/v1/leaderboard/weekly"].map(
    (path): Case => ({ op: `get ${path}`, status: 200, send: async () => (await buildBoards(), get(path)) }),
  ),

  // ---- My Data, My Settings: the user key (docs/architecture.md "Decisions": no browser session)
  { op: "get /api/v1/my/heartbeats/most_recent", status: 200, send: () => get("/api/v1/my/heartbeats/most_recent", U()) },
  { op: "get /api/v1/my/heartbeats/most_recent", status: 401, send: () => get("/api/v1/my/heartbeats/most_recent") },
  { op: "get /api/v1/my/heartbeats", status: 200, send: () => get("/api/v1/my/heartbeats", U()) },
  { op: "get /api/v1/my/heartbeats", status: 401, send: () => get("/api/v1/my/heartbeats", bearer(crypto.randomUUID())) },
  { op: "post /my/heartbeats/export", status: 302, send: () => withBody("POST", "/my/heartbeats/export", U()) },
  { op: "post /my/heartbeat_imports", status: 202, send: async () => upload((await createUser()).apiKey, wakatimeDump(3)) },
  {
    op: "get /my/heartbeat_imports/{id}",
    status: 200,
    send: async () => {
      const v = await createUser();
      const { import_id } = (await (await upload(v.apiKey, wakatimeDump(3))).json()) as { import_id: string };
      // Let the real local queue finish it, so nothing is left running when the file ends.
      await vi.waitFor(async () => expect(((await (await get(`/my/heartbeat_imports/${import_id}`, bearer(v.apiKey))).json()) as { state: string }).state).toBe("completed"), { timeout: 20_000 });
      return get(`/my/heartbeat_imports/${import_id}`, bearer(v.apiKey));
    },
  },
  { op: "get /my/projects", status: 200, send: () => get("/my/projects", U()) },
  { op: "patch /my/project_repo_mappings/{project_name}", status: 302, send: () => withBody("PATCH", "/my/project_repo_mappings/beta", U(), { repo_url: "https://github.com/me/beta" }) },
  { op: "patch /my/project_repo_mappings/{project_name}/archive", status: 302, send: () => withBody("PATCH", "/my/project_repo_mappings/gone/archive", U()) },
  { op: "patch /my/project_repo_mappings/{project_name}/unarchive", status: 302, send: () => withBody("PATCH", "/my/project_repo_mappings/gone/unarchive", U()) },
  { op: "post /my/settings/rotate_api_key", status: 200, send: async () => withBody("POST", "/my/settings/rotate_api_key", bearer((await createUser()).apiKey)) },
  { op: "post /deletion", status: 302, send: async () => withBody("POST", "/deletion", bearer((await createUser()).apiKey)) },
  {
    op: "delete /deletion",
    status: 302,
    send: async () => {
      const v = await createUser();
      expect((await withBody("POST", "/deletion", bearer(v.apiKey))).status).toBe(302);
      return withBody("DELETE", "/deletion", bearer(v.apiKey));
    },
  },

  // ---- Stats and users
  { op: "get /api/v1/stats", status: 200, send: () => get("/api/v1/stats", STATS) },
  // The spec documents 404/422 as text/plain with the JSON Error object as schema, which no
  // text/plain body can be; we answer the Error object as application/json, as Hackatime does.
  { op: "get /api/v1/stats", status: 404, send: () => get(`/api/v1/stats?username=${uniqueName("ghost")}`, STATS), mediaType: "application/json" },
  { op: "get /api/v1/stats", status: 422, send: () => get("/api/v1/stats?start_date=not-a-date", STATS), mediaType: "application/json" },
  {
    op: "get /api/v1/users/{username}/heartbeats/spans",
    status: 200,
    send: () => get(`/api/v1/users/${u.username}/heartbeats/spans?start_date=${iso(t0 - 60)}`),
    // `project` is there only when every heartbeat of the span has it (alpha and beta interleave
    // here), as our /api-docs says; Hackatime's to_span names none (hackatime-behavior.md §11).
    mayOmit: ["$.spans[].project"],
  },
  { op: "get /api/v1/users/{username}/heartbeats/spans", status: 422, send: () => get(`/api/v1/users/${u.username}/heartbeats/spans?start_date=not-a-date`) },
  { op: "get /api/v1/users/{username}/trust_factor", status: 200, send: () => get(`/api/v1/users/${u.username}/trust_factor`) },
  { op: "get /api/v1/users/{username}/trust_factor", status: 404, send: () => get(`/api/v1/users/${uniqueName("ghost")}/trust_factor`) },
  { op: "get /api/v1/users/{username}/projects", status: 200, send: () => get(`/api/v1/users/${u.username}/projects`) },
  { op: "get /api/v1/users/{username}/projects", status: 404, send: () => get(`/api/v1/users/${uniqueName("ghost")}/projects`) },
  { op: "get /api/v1/users/{username}/project/{project_name}", status: 200, send: () => get(`/api/v1/users/${u.username}/project/alpha`) },
  { op: "get /api/v1/users/{username}/projects/details", status: 200, send: () => get(`/api/v1/users/${u.username}/projects/details`) },
  { op: "get /api/v1/users/{username}/stats", status: 200, send: () => get(`/api/v1/users/${u.username}/stats?features=languages,projects,editors`) },
  { op: "get /api/v1/users/{username}/stats", status: 403, send: async () => get(`/api/v1/users/${(await createUser({ allowPublicStatsLookup: false })).username}/stats`) },
  { op: "get /api/v1/users/{username}/stats", status: 404, send: () => get(`/api/v1/users/${uniqueName("ghost")}/stats`) },
  { op: "get /api/v1/users/{username}/stats", status: 422, send: () => get(`/api/v1/users/${u.username}/stats?start_date=not-a-date`) },
  { op: "get /api/v1/users/lookup_email/{email}", status: 200, send: () => get(`/api/v1/users/lookup_email/${uEmail}`, STATS) },
  { op: "get /api/v1/users/lookup_email/{email}", status: 404, send: () => get("/api/v1/users/lookup_email/nobody@example.com", STATS) },
  { op: "get /api/v1/users/lookup_slack_uid/{slack_uid}", status: 200, send: () => get(`/api/v1/users/lookup_slack_uid/${uSlack}`, STATS) },
  { op: "get /api/v1/users/lookup_slack_uid/{slack_uid}", status: 404, send: () => get("/api/v1/users/lookup_slack_uid/U000000", STATS) },

  // ---- Slack slash commands (signed with each app's secret)
  // Hackatime answers {response_type, text}, no `blocks` (hackatime-behavior.md §13).
  {
    op: "post /sailors_log/slack/commands",
    status: 200,
    send: () => slashRequest(SAILORS_LOG_COMMANDS, { command: "/sailorslog", text: "on", user_id: uSlack, channel_id: "C1" }),
    mayOmit: ["$.blocks"],
  },
  {
    op: "post /timedump/slack/commands",
    status: 200,
    send: () => slashRequest(TIMEDUMP_COMMANDS, { command: "/timedump", text: "", user_id: uSlack, channel_id: "C1" }),
    mayOmit: ["$.blocks"],
  },
];


describe("real answers conform to the vendored spec", () => {
  it.for(cases.map((c) => [`${c.op} → ${c.status}`, c] as const))("%s", async ([, c]) => {
    const res = await c.send();
    expect(res.status, `${c.op}: ${await res.clone().text()}`).toBe(c.status);
    // Every documented property must be present, not only the schema's `required` ones:
    // Hackatime answers them all and clients read them field by field; `mayOmit` names the
    // exceptions, each with its reason.
    expect(await departures(c, res, { everyProperty: true, mayOmit: c.mayOmit }), c.op).toEqual([]);
  });

  it("covers every operation with a success and every error status the spec documents", () => {
    const missing: string[] = [];
    for (const op of specOperations()) {
      const [method, path] = op.split(" ");
      const statuses = Object.keys(spec().paths[path][method].responses).map(Number);
      const covered = new Set(cases.filter((c) => c.op === op).map((c) => c.status));
      if (![...covered].some((s) => s < 400)) missing.push(`${op}: no success case`);
      for (const s of statuses.filter((s) => s >= 400)) if (!covered.has(s)) missing.push(`${op}: no ${s} case`);
      for (const s of covered) if (!statuses.includes(s)) missing.push(`${op}: a case expects ${s}, which the spec does not document`);
    }
    expect(missing).toEqual([]);
  });
});

// The checker itself: each kind of departure is reported, so a drifting answer cannot pass.
describe("conformanceErrors", () => {
  const schema: Schema = {
    type: "object",
    required: ["id"],
    properties: {
      id: { type: "integer" },
      day: { type: "string", format: "date" },
      at: { type: "string", format: "date_time" },
      state: { type: "string", enum: ["pending", "done"] },
      note: { type: "string", nullable: true },
      items: { type: "array", items: { type: "object", properties: { n: { type: "number" }, tag: { type: "string" } } } },
      error: { $ref: "#/components/schemas/Error" },
    },
  };
  const good = { id: 1, day: "2025-03-10", at: "2025-03-10T10:00:00.000Z", state: "done", note: null, items: [{ n: 1.5, tag: "a" }], error: { error: "x" } };

  it("passes an answer with every documented property, extra ones included", () => {
    expect(conformanceErrors(schema, { ...good, extra: true }, { everyProperty: true })).toEqual([]);
  });

  it("reports a wrong type, a null that is not nullable, an unknown enum value and a malformed date or date-time", () => {
    expect(conformanceErrors(schema, { ...good, id: 1.5, day: "10/03/2025", at: "2025-03-10 10:00:00", state: "late", items: [{ n: "1", tag: null }] })).toEqual([
      "$.id: expected integer, got 1.5",
      '$.day: "10/03/2025" is not a date (YYYY-MM-DD)',
      '$.at: "2025-03-10 10:00:00" is not an ISO 8601 date-time',
      '$.state: "late" not one of ["pending","done"]',
      '$.items[0].n: expected number, got "1"',
      "$.items[0].tag: null, not nullable",
    ]);
  });

  it("resolves $refs to the spec's components", () => {
    expect(conformanceErrors(schema, { ...good, error: { error: 42 } })).toEqual(["$.error.error: expected string, got 42"]);
  });

  it("requires the schema's required properties, and with everyProperty every documented one but those excused", () => {
    const { id: _, day: __, ...rest } = good;
    expect(conformanceErrors(schema, rest)).toEqual(["$.id: missing"]);
    expect(conformanceErrors(schema, rest, { everyProperty: true })).toEqual(["$.id: missing", "$.day: missing"]);
    expect(conformanceErrors(schema, { ...good, items: [{ n: 1 }] }, { everyProperty: true, mayOmit: ["$.items[].tag"] })).toEqual([]);
    // A required property is never excused.
    expect(conformanceErrors(schema, rest, { everyProperty: true, mayOmit: ["$.id", "$.day"] })).toEqual(["$.id: missing"]);
  });

  it("refuses a schema keyword it does not check instead of passing it silently", () => {
    expect(() => conformanceErrors({ oneOf: [{ type: "string" }] } as Schema, "x")).toThrow(/does not check oneOf/);
  });
});
