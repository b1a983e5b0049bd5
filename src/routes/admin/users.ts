// Tags "Admin" and "Admin Utils": the admin key check, banned users, and the per-user
// utilities (hackatime-behavior.md §8.1–8.3, §8.9). Every route needs an admin key of viewer+;
// convict needs admin+ (403 "no perms lmaooo" below).
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/admin";
import { convict } from "../../domain/admin/trust";
import {
  ADMIN_STATS_HEARTBEAT_FIELDS,
  adminCheck,
  adminUserProjects,
  adminUserStats,
  bannedUsers,
  findAdminTarget,
  fuzzySearch,
  heartbeatValues,
  infoBatch,
  parseIdList,
  trustLogs,
  userHeartbeats,
  userIdByEmail,
  userInfo,
  usersByIp,
  usersByMachine,
} from "../../domain/admin/users";
import { createRouter } from "../router";
import { errorResponse, security } from "../../schemas/common";
import { HeartbeatJsonSchema, pickHeartbeatSchema } from "../../schemas/heartbeat";

// ---- schemas ----

const q = (description: string, example?: string) => z.string().optional().openapi({ description, ...(example ? { example } : {}) });
const nstr = z.string().nullable();
const json = <T extends z.ZodTypeAny>(schema: T, description = "successful") => ({ description, content: { "application/json": { schema } } });

const userIdQuery = {
  user_id: q("User ID", "42"),
  id: q("User ID (same as user_id; wins when both are given)"),
};
const rangeQuery = {
  start_date: q("Start: epoch seconds or milliseconds, or a date (its UTC start)", "2026-08-01"),
  end_date: q("End: epoch seconds or milliseconds, or a date (its UTC end, 23:59:59)", "2026-08-22"),
};

const authResponses = {
  401: errorResponse("missing or invalid admin key"),
  403: errorResponse("admin level too low"),
};
const targetResponses = {
  404: errorResponse("user not found"),
  422: errorResponse("who? (no user id), or an invalid parameter"),
};

const CheckSchema = z
  .object({
    valid: z.boolean(),
    creator: z.object({ id: z.number().int(), username: z.string(), display_name: z.string(), admin_level: z.string() }),
    auth: z.object({ type: z.string() }),
    api_key: z.object({ id: z.number().int(), name: z.string(), created_at: z.string() }),
  })
  .openapi("AdminCheck");

const BannedUsersSchema = z.object({
  banned_users: z.array(z.object({ id: z.number().int(), username: z.string(), email: z.string().openapi({ description: 'First email, or "no email"' }) })),
});

const UserInfoSchema = z
  .object({
    user: z
      .object({
        id: z.number().int(),
        username: z.string(),
        display_name: z.string(),
        slack_uid: nstr,
        slack_username: nstr,
        github_username: nstr,
        timezone: nstr,
        country_code: nstr,
        admin_level: z.string(),
        trust_level: z.string(),
        suspected: z.boolean(),
        banned: z.boolean(),
        created_at: z.string(),
        updated_at: z.string(),
        last_heartbeat_at: z.number().nullable(),
        email_addresses: z.array(z.string()),
        api_keys_count: z.number().int(),
        stats: z.object({
          total_heartbeats: z.number().int(),
          total_coding_time: z.number(),
          languages_used: z.number().int(),
          projects_worked_on: z.number().int(),
          days_active: z.number().int(),
        }),
      })
      .passthrough(),
  })
  .openapi("AdminUserInfo");

const InfoBatchSchema = z.object({
  users: z.array(
    z.object({
      id: z.number().int(),
      username: z.string(),
      display_name: z.string(),
      slack_uid: nstr,
      slack_username: nstr,
      github_username: nstr,
      timezone: nstr,
      country_code: nstr,
      trust_level: z.string(),
      avatar_url: nstr,
      slack_avatar_url: nstr,
      github_avatar_url: nstr,
    }),
  ),
});

// The spec types source_type as nullable in both admin heartbeat listings; ours is never null.
const specSourceType = { source_type: nstr };

// heartbeatJson's row (schemas/heartbeat.ts, derived from the table) and Hackatime's ja4.
const AdminHeartbeatSchema = HeartbeatJsonSchema.extend({ ...specSourceType, ja4: z.object({ fingerprint: z.string(), name: nstr }).nullable() });

const UserHeartbeatsSchema = z.object({ user_id: z.number().int(), heartbeats: z.array(AdminHeartbeatSchema), total_count: z.number().int(), has_more: z.boolean() });

const HeartbeatValuesSchema = z.object({ user_id: z.number().int(), field: z.string(), values: z.array(z.string()), count: z.number().int() });

const UsersByIpSchema = z.object({ users: z.array(z.object({ user_id: z.number().int(), ip_address: z.string(), machine: nstr, user_agent: nstr })) });
const UsersByMachineSchema = z.object({ users: z.array(z.object({ user_id: z.number().int(), machine: z.string() })) });

const AdminUserStatsSchema = z.object({
  user_id: z.number().int(),
  username: z.string(),
  date: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  timezone: nstr,
  total_heartbeats: z.number().int(),
  total_duration: z.number(),
  has_more: z.boolean(),
  heartbeats: z.array(pickHeartbeatSchema(ADMIN_STATS_HEARTBEAT_FIELDS).extend({ time: z.string(), ...specSourceType })),
});

const AdminUserProjectsSchema = z.object({
  user_id: z.number().int(),
  username: z.string(),
  total_projects: z.number().int(),
  projects: z.array(
    z.object({
      name: z.string(),
      total_heartbeats: z.number().int(),
      total_duration: z.number(),
      first_heartbeat: z.number().nullable(),
      last_heartbeat: z.number().nullable(),
      languages: z.array(z.string()),
      repo: nstr,
      repo_mapping_id: z.number().int().nullable(),
      archived: z.boolean(),
    }),
  ),
});

const TrustLogsSchema = z.object({
  trust_logs: z.array(
    z.object({
      id: z.number().int(),
      previous_trust_level: nstr,
      new_trust_level: z.string(),
      reason: nstr,
      notes: nstr,
      created_at: z.string(),
      changed_by: z.object({ id: z.number().int(), username: z.string(), display_name: z.string(), admin_level: z.string() }).nullable(),
    }),
  ),
});

const FuzzyUserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  slack_username: nstr,
  github_username: nstr,
  slack_avatar_url: nstr,
  github_avatar_url: nstr,
  email: z.string(),
  rank_score: z.number(),
});

const ConvictSchema = z.object({
  success: z.boolean(),
  message: z.string(),
  user: z.object({ id: z.number().int(), username: z.string(), trust_level: z.string(), updated_at: z.string() }),
  audit_log: z.object({ changed_by: z.string(), reason: z.string(), notes: nstr, timestamp: z.string() }),
});

const idValue = z.union([z.number(), z.string()]).nullable().optional();
const text = z.string().nullable().optional();

/** A JSON or form body (Rails reads both); all fields optional so the handlers give Hackatime's messages. */
const body = <T extends z.ZodRawShape>(shape: T) => ({
  content: {
    "application/json": { schema: z.object(shape).passthrough() },
    "application/x-www-form-urlencoded": { schema: z.object(shape).passthrough() },
  },
  required: false,
});

// ---- routes ----


export const checkRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/check",
  tags: ["Admin"],
  summary: "Check status",
  description: "Validates the admin key and describes it and its owner.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  responses: { 200: json(CheckSchema), ...authResponses },
});

export const bannedUsersRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/banned_users",
  tags: ["Admin"],
  summary: "Get banned users",
  description: "Red (convicted) users by id, with their first email or \"no email\".",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ limit: q("Max results (default 200, max 1000)"), offset: q("Results to skip (default 0)") }) },
  responses: { 200: json(BannedUsersSchema), ...authResponses },
});

export const userInfoRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/info",
  tags: ["Admin"],
  summary: "Get user info (Admin)",
  description: "A user's profile, admin and trust state, emails, key count and activity stats.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object(userIdQuery) },
  responses: { 200: json(UserInfoSchema), ...authResponses, ...targetResponses },
});

export const infoBatchRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/info_batch",
  tags: ["Admin Utils"],
  summary: "Get user info batch",
  description: "Profiles of up to 2000 users (comma-separated ids). Unknown ids are left out.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: {
    query: z.object({
      ids: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .openapi({ description: "User ids: comma-separated (ids=1,2) or repeated (ids=1&ids=2)", example: "1,2,3" }),
    }),
  },
  responses: { 200: json(InfoBatchSchema), ...authResponses, 422: errorResponse("no ids") },
});

export const userHeartbeatsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/heartbeats",
  tags: ["Admin"],
  summary: "Get user heartbeats (Admin)",
  description: "A user's raw heartbeats in time order, paged (limit 1–5000, default 1000; offset), with optional range and exact-match filters.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: {
    query: z.object({
      ...userIdQuery,
      ...rangeQuery,
      limit: q("Page size, 1–5000 (default 1000)"),
      offset: q("Rows to skip"),
      project: q("Only this project"),
      language: q("Only this language"),
      entity: q("Only this entity"),
      editor: q("Only this editor"),
      machine: q("Only this machine"),
    }),
  },
  responses: { 200: json(UserHeartbeatsSchema), ...authResponses, ...targetResponses },
});

export const heartbeatValuesRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/heartbeat_values",
  tags: ["Admin Utils"],
  summary: "Get heartbeat values",
  description: "Distinct values of one heartbeat field: projects, languages, entities, branches, categories, editors, machines, user_agents or ips.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ ...userIdQuery, field: q("Field to list", "projects"), ...rangeQuery, limit: q("At most this many values, 1–5000 (default 5000)") }) },
  responses: { 200: json(HeartbeatValuesSchema), ...authResponses, ...targetResponses },
});

export const usersByIpRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/get_users_by_ip",
  tags: ["Admin Utils"],
  summary: "Get users by IP",
  description: "Distinct (user, IP, machine, user agent) combinations seen with this IP address (at most 1000).",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ ip: q("IP address", "127.0.0.1") }) },
  responses: { 200: json(UsersByIpSchema), ...authResponses, 422: errorResponse("no ip") },
});

export const usersByMachineRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/get_users_by_machine",
  tags: ["Admin Utils"],
  summary: "Get users by machine",
  description: "Users seen with this machine name (at most 1000).",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ machine: q("Machine name") }) },
  responses: { 200: json(UsersByMachineSchema), ...authResponses, 422: errorResponse("no machine") },
});

export const adminUserStatsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/stats",
  tags: ["Admin Utils"],
  summary: "Get admin user stats",
  description:
    "A user's heartbeats and capped-gap total over one UTC day (`date`, default today) or, when start_date/end_date is given, that range. The list is paged (limit 1–5000, default 5000; offset).",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ ...userIdQuery, date: q("Day (YYYY-MM-DD)", "2026-08-22"), ...rangeQuery, limit: q("Page size"), offset: q("Rows to skip") }) },
  responses: { 200: json(AdminUserStatsSchema), ...authResponses, ...targetResponses },
});

export const adminUserProjectsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/projects",
  tags: ["Admin Utils"],
  summary: "Get admin user projects",
  description: "Per project: heartbeat count, capped-gap total, first/last heartbeat, languages and repo mapping; the whole history unless start_date/end_date is given.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ ...userIdQuery, ...rangeQuery }) },
  responses: { 200: json(AdminUserProjectsSchema), ...authResponses, ...targetResponses },
});

export const trustLogsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/user/trust_logs",
  tags: ["Admin Utils"],
  summary: "Get user trust logs",
  description: "The user's latest 25 trust-level changes, newest first.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object(userIdQuery) },
  responses: { 200: json(TrustLogsSchema), ...authResponses, ...targetResponses },
});

export const userByEmailRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/user/get_user_by_email",
  tags: ["Admin Utils"],
  summary: "Get user by email",
  description: "The id of the user with this email address (case-insensitive).",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { body: body({ email: text }) },
  responses: {
    200: json(z.object({ user_id: z.number().int() })),
    ...authResponses,
    404: errorResponse("email not found"),
    422: errorResponse("no email"),
  },
});

export const searchFuzzyRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/user/search_fuzzy",
  tags: ["Admin Utils"],
  summary: "Fuzzy search users",
  description:
    "Users (with an email address) matching the query by id, Slack UID, or a substring of username, GitHub or Slack username or email; exact matches rank above prefixes above substrings. At most 10.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { body: body({ query: text }) },
  responses: { 200: json(z.object({ users: z.array(FuzzyUserSchema) })), ...authResponses, 422: errorResponse("no query") },
});

export const convictRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/user/convict",
  tags: ["Admin Utils"],
  summary: "Convict user",
  description:
    "Sets a user's trust level (blue, red, green, yellow) with a reason. Needs admin+; red needs superadmin+; the caller must strictly outrank the target and cannot change themselves. An audit log row is written when the level changes.",
  security: security.adminToken,
  middleware: [requireAdmin("admin")] as const,
  request: { body: body({ user_id: idValue, id: idValue, trust_level: text, reason: text, notes: text }) },
  responses: {
    200: json(ConvictSchema),
    ...authResponses,
    404: errorResponse("user not found"),
    422: errorResponse("missing user, reason, or an unknown trust level"),
  },
});

// ---- handlers ----

export const adminUsersRouter = createRouter();

adminUsersRouter.openapi(checkRoute, async (c) => c.json(await adminCheck(c.env.DB, c.var.admin), 200));

adminUsersRouter.openapi(bannedUsersRoute, async (c) => c.json(await bannedUsers(c.env.DB, c.req.valid("query")), 200));

adminUsersRouter.openapi(userInfoRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, query.id ?? query.user_id);
  return c.json(await userInfo(c.env, user), 200);
});

adminUsersRouter.openapi(infoBatchRoute, async (c) => {
  // ids=1,2 or ids=1&ids=2 (the spec's array form).
  const raw = c.req.valid("query").ids;
  const ids = parseIdList(Array.isArray(raw) ? raw.join(",") : raw);
  return c.json(await infoBatch(c.env.DB, ids), 200);
});

adminUsersRouter.openapi(userHeartbeatsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, query.id ?? query.user_id);
  return c.json(await userHeartbeats(c.env.DB, user, query), 200);
});

adminUsersRouter.openapi(heartbeatValuesRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, query.id ?? query.user_id);
  return c.json(await heartbeatValues(c.env.DB, user, query), 200);
});

adminUsersRouter.openapi(usersByIpRoute, async (c) => c.json(await usersByIp(c.env.DB, c.req.valid("query").ip), 200));

adminUsersRouter.openapi(usersByMachineRoute, async (c) => c.json(await usersByMachine(c.env.DB, c.req.valid("query").machine), 200));

adminUsersRouter.openapi(adminUserStatsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, query.id ?? query.user_id);
  return c.json(await adminUserStats(c.env, user, query), 200);
});

adminUsersRouter.openapi(adminUserProjectsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, query.id ?? query.user_id);
  return c.json(await adminUserProjects(c.env, user, query), 200);
});

adminUsersRouter.openapi(trustLogsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, query.id ?? query.user_id);
  return c.json(await trustLogs(c.env.DB, user.id), 200);
});

adminUsersRouter.openapi(userByEmailRoute, async (c) => {
  const params = { ...c.req.valid("form"), ...c.req.valid("json") };
  return c.json(await userIdByEmail(c.env.DB, params.email), 200);
});

adminUsersRouter.openapi(searchFuzzyRoute, async (c) => {
  const params = { ...c.req.valid("form"), ...c.req.valid("json") };
  return c.json(await fuzzySearch(c.env.DB, params.query), 200);
});

adminUsersRouter.openapi(convictRoute, async (c) => {
  const params = { ...c.req.valid("form"), ...c.req.valid("json") };
  return c.json(await convict(c.env.DB, { id: c.var.admin.userId, adminLevel: c.var.admin.adminLevel }, params), 200);
});
