// Tags "Admin" and "Admin Utils": the admin key check, banned users, and the per-user
// utilities (hackatime-behavior.md §8.1–8.3, §8.9). Every route needs an admin key of viewer+;
// convict needs admin+ (403 "no perms lmaooo" below).
import { z } from "@hono/zod-openapi";
import { HEARTBEAT_FILTERS } from "../../db/admin-heartbeats";
import { fuzzySearchUsers } from "../../db/admin-users";
import { userIdByEmail } from "../../db/users";
import { convict } from "../../domain/admin/trust";
import {
  adminCheck,
  adminUserProjects,
  adminUserStats,
  bannedUsers,
  findAdminTarget,
  heartbeatValueField,
  heartbeatValues,
  infoBatch,
  trustLogs,
  userHeartbeats,
  userInfo,
  usersSeenAtIp,
  usersSeenOnMachine,
} from "../../domain/admin/users";
import { AppError } from "../../lib/errors";
import { createRouter } from "../router";
import {
  AdminUserProjectsSchema,
  AdminUserStatsSchema,
  BannedUsersSchema,
  CheckSchema,
  ConvictSchema,
  formOrJsonBody,
  FuzzyUsersSchema,
  HeartbeatValuesSchema,
  idValue,
  InfoBatchSchema,
  rangeQuery,
  targetQuery,
  textValue,
  TrustLogsSchema,
  UserHeartbeatsSchema,
  UserInfoSchema,
  UsersByIpSchema,
  UsersByMachineSchema,
} from "../../schemas/admin";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json, queryParam as q } from "../../schemas/params";
import { adminRoute } from "../factories";
import { idListParam, intParam, isBlankParam, offsetParam, optionalTimeRange, projectsRange, requiredString, statsRange, targetUserId, textParam } from "./params";

const targetResponses = {
  404: errorResponse("user not found"),
  422: errorResponse("who? (no user id), or an invalid parameter"),
};

export const checkRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/check",
  tags: ["Admin"],
  summary: "Check status",
  description: "Validates the admin key and describes it and its owner.",
  responses: { 200: json(CheckSchema) },
});

export const bannedUsersRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/banned_users",
  tags: ["Admin"],
  summary: "Get banned users",
  description: 'Red (convicted) users by id, with their first email or "no email".',
  request: { query: z.object({ limit: q("Max results (default 200, max 1000)"), offset: q("Results to skip (default 0)") }) },
  responses: { 200: json(BannedUsersSchema) },
});

export const userInfoRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/info",
  tags: ["Admin"],
  summary: "Get user info (Admin)",
  description: "A user's profile, admin and trust state, emails, key count and activity stats.",
  request: { query: z.object(targetQuery) },
  responses: { 200: json(UserInfoSchema), ...targetResponses },
});

export const infoBatchRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/info_batch",
  tags: ["Admin Utils"],
  summary: "Get user info batch",
  description: "Profiles of up to 2000 users (comma-separated ids). Unknown ids are left out.",
  request: {
    query: z.object({
      ids: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .openapi({ description: "User ids: comma-separated (ids=1,2) or repeated (ids=1&ids=2)", example: "1,2,3" }),
    }),
  },
  responses: { 200: json(InfoBatchSchema), 422: errorResponse("no ids") },
});

export const userHeartbeatsRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/heartbeats",
  tags: ["Admin"],
  summary: "Get user heartbeats (Admin)",
  description: "A user's raw heartbeats in time order, paged (limit 1–5000, default 1000; offset), with optional range and exact-match filters.",
  request: {
    query: z.object({
      ...targetQuery,
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
  responses: { 200: json(UserHeartbeatsSchema), ...targetResponses },
});

export const heartbeatValuesRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/heartbeat_values",
  tags: ["Admin Utils"],
  summary: "Get heartbeat values",
  description: "Distinct values of one heartbeat field: projects, languages, entities, branches, categories, editors, machines, user_agents or ips.",
  request: { query: z.object({ ...targetQuery, field: q("Field to list", "projects"), ...rangeQuery, limit: q("At most this many values, 1–5000 (default 5000)") }) },
  responses: { 200: json(HeartbeatValuesSchema), ...targetResponses },
});

export const usersByIpRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/get_users_by_ip",
  tags: ["Admin Utils"],
  summary: "Get users by IP",
  description: "Distinct (user, IP, machine, user agent) combinations seen with this IP address (at most 1000).",
  request: { query: z.object({ ip: q("IP address", "127.0.0.1") }) },
  responses: { 200: json(UsersByIpSchema), 422: errorResponse("no ip") },
});

export const usersByMachineRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/get_users_by_machine",
  tags: ["Admin Utils"],
  summary: "Get users by machine",
  description: "Users seen with this machine name (at most 1000).",
  request: { query: z.object({ machine: q("Machine name") }) },
  responses: { 200: json(UsersByMachineSchema), 422: errorResponse("no machine") },
});

export const adminUserStatsRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/stats",
  tags: ["Admin Utils"],
  summary: "Get admin user stats",
  description:
    "A user's heartbeats and capped-gap total over one UTC day (`date`, default today) or, when start_date/end_date is given, that range. The list is paged (limit 1–5000, default 5000; offset).",
  request: { query: z.object({ ...targetQuery, date: q("Day (YYYY-MM-DD)", "2026-08-22"), ...rangeQuery, limit: q("Page size"), offset: q("Rows to skip") }) },
  responses: { 200: json(AdminUserStatsSchema), ...targetResponses },
});

export const adminUserProjectsRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/projects",
  tags: ["Admin Utils"],
  summary: "Get admin user projects",
  description: "Per project: heartbeat count, capped-gap total, first/last heartbeat, languages and repo mapping; the whole history unless start_date/end_date is given.",
  request: { query: z.object({ ...targetQuery, ...rangeQuery }) },
  responses: { 200: json(AdminUserProjectsSchema), ...targetResponses },
});

export const trustLogsRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/user/trust_logs",
  tags: ["Admin Utils"],
  summary: "Get user trust logs",
  description: "The user's latest 25 trust-level changes, newest first.",
  request: { query: z.object(targetQuery) },
  responses: { 200: json(TrustLogsSchema), ...targetResponses },
});

export const userByEmailRoute = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/v1/user/get_user_by_email",
  tags: ["Admin Utils"],
  summary: "Get user by email",
  description: "The id of the user with this email address (case-insensitive).",
  request: { body: formOrJsonBody({ email: textValue }) },
  responses: { 200: json(z.object({ user_id: z.number().int() })), 404: errorResponse("email not found"), 422: errorResponse("no email") },
});

export const searchFuzzyRoute = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/v1/user/search_fuzzy",
  tags: ["Admin Utils"],
  summary: "Fuzzy search users",
  description:
    "Users (with an email address) matching the query by id, Slack UID, or a substring of username, GitHub or Slack username or email; exact matches rank above prefixes above substrings. At most 10.",
  request: { body: formOrJsonBody({ query: textValue }) },
  responses: { 200: json(FuzzyUsersSchema), 422: errorResponse("no query") },
});

export const convictRoute = adminRoute("admin", {
  method: "post",
  path: "/api/admin/v1/user/convict",
  tags: ["Admin Utils"],
  summary: "Convict user",
  description:
    "Sets a user's trust level (blue, red, green, yellow) with a reason. Needs admin+; red needs superadmin+; the caller must strictly outrank the target and cannot change themselves. An audit log row is written when the level changes.",
  request: { body: formOrJsonBody({ user_id: idValue, id: idValue, trust_level: textValue, reason: textValue, notes: textValue }) },
  responses: { 200: json(ConvictSchema), 404: errorResponse("user not found"), 422: errorResponse("missing user, reason, or an unknown trust level") },
});

export const adminUsersRouter = createRouter();

adminUsersRouter.openapi(checkRoute, async (c) => c.json(await adminCheck(c.env.DB, c.var.admin), 200));

adminUsersRouter.openapi(bannedUsersRoute, async (c) => {
  const query = c.req.valid("query");
  return c.json(await bannedUsers(c.env.DB, { limit: intParam(query.limit, 200, 0, 1000), offset: offsetParam(query.offset) }), 200);
});

adminUsersRouter.openapi(userInfoRoute, async (c) => {
  const user = await findAdminTarget(c.env.DB, targetUserId(c.req.valid("query")));
  return c.json(await userInfo(c.env, user), 200);
});

adminUsersRouter.openapi(infoBatchRoute, async (c) => {
  // ids=1,2 or ids=1&ids=2 (the spec's array form).
  const raw = c.req.valid("query").ids;
  return c.json(await infoBatch(c.env.DB, idListParam(Array.isArray(raw) ? raw.join(",") : raw)), 200);
});

adminUsersRouter.openapi(userHeartbeatsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, targetUserId(query));
  const page = { limit: intParam(query.limit, 1000, 1, 5000), offset: offsetParam(query.offset) };
  const filters = Object.fromEntries(HEARTBEAT_FILTERS.filter((f) => !isBlankParam(query[f])).map((f) => [f, query[f]]));
  return c.json(await userHeartbeats(c.env, user, optionalTimeRange(query), filters, page), 200);
});

adminUsersRouter.openapi(heartbeatValuesRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, targetUserId(query));
  const field = heartbeatValueField(query.field);
  const limit = intParam(query.limit, 5000, 1, 5000);
  return c.json(await heartbeatValues(c.env, user, field, optionalTimeRange(query), limit), 200);
});

adminUsersRouter.openapi(usersByIpRoute, async (c) => {
  const ip = requiredString(c.req.valid("query").ip, "bro dont got the ip");
  return c.json({ users: await usersSeenAtIp(c.env, ip) }, 200);
});

adminUsersRouter.openapi(usersByMachineRoute, async (c) => {
  const machine = requiredString(c.req.valid("query").machine, "bro dont got the machine");
  return c.json({ users: await usersSeenOnMachine(c.env, machine) }, 200);
});

adminUsersRouter.openapi(adminUserStatsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, targetUserId(query));
  const range = statsRange(query);
  const page = { limit: intParam(query.limit, 5000, 1, 5000), offset: offsetParam(query.offset) };
  return c.json(await adminUserStats(c.env, user, range, page), 200);
});

adminUsersRouter.openapi(adminUserProjectsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = await findAdminTarget(c.env.DB, targetUserId(query));
  return c.json(await adminUserProjects(c.env, user, projectsRange(query)), 200);
});

adminUsersRouter.openapi(trustLogsRoute, async (c) => {
  const user = await findAdminTarget(c.env.DB, targetUserId(c.req.valid("query")));
  return c.json(await trustLogs(c.env.DB, user.id), 200);
});

adminUsersRouter.openapi(userByEmailRoute, async (c) => {
  const params = { ...c.req.valid("form"), ...c.req.valid("json") };
  const userId = await userIdByEmail(c.env.DB, requiredString(params.email, "bro dont have a email"));
  if (userId === null) throw new AppError("not_found", "email not found");
  return c.json({ user_id: userId }, 200);
});

adminUsersRouter.openapi(searchFuzzyRoute, async (c) => {
  const params = { ...c.req.valid("form"), ...c.req.valid("json") };
  const term = requiredString(params.query, "bro dont have a query").trim();
  return c.json({ users: await fuzzySearchUsers(c.env.DB, term) }, 200);
});

adminUsersRouter.openapi(convictRoute, async (c) => {
  const params = { ...c.req.valid("form"), ...c.req.valid("json") };
  const request = { userId: targetUserId(params), trustLevel: params.trust_level, reason: textParam(params.reason), notes: textParam(params.notes) };
  return c.json(await convict(c.env, { id: c.var.admin.userId, adminLevel: c.var.admin.adminLevel }, request), 200);
});
