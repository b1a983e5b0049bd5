// Users: public per-user activity (spans, projects, trust factor) and the stats-key lookups
// (hackatime-behavior.md §6.5, §6.10, §11, §2.5). "{username}" is a numeric id, a Slack UID
// or a username; "my" is the caller (optional Bearer user key).
import { shardFor } from "../db/shards";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { optionalUser } from "../auth/user";
import { userIdByEmail, userIdBySlackUid } from "../db/users";
import { oneProject, parseProjectList, projectDetails, projectNames } from "../domain/stats/projects";
import { heartbeatSpans, spanProjectFilter } from "../domain/stats/spans";
import { discoveryWindow, spansWindow, statsWindow } from "../domain/stats/windows";
import { publicTrustFactor, resolveStatsTarget } from "../domain/users/lookup";
import type { AppEnv } from "../env";
import { notFound } from "../lib/errors";
import { errorResponse, security } from "../schemas/common";
import { jsonResponse, pathParam, queryParam } from "../schemas/params";
import { publicRoute, statsKeyRoute } from "./factories";
import { createRouter } from "./router";

const tags = ["Users"];

// ---- schemas ----

const usernameParam = z.object({
  username: pathParam("username", "testuser").openapi({ description: 'Username, Slack ID or user ID; "my" for the caller' }),
});

const SpanSchema = z
  .object({
    start_time: z.number().openapi({ description: "Epoch seconds (Hackatime)" }),
    end_time: z.number().openapi({ description: "Epoch seconds; +120 s padding when more activity follows (Hackatime)" }),
    duration: z.number().openapi({ description: "Whole seconds" }),
    start: z.number().openapi({ description: "Same as start_time" }),
    end: z.number().openapi({ description: "Same as end_time" }),
    project: z.string().optional().openapi({ description: "Set when every heartbeat of the span has this project" }),
  })
  .openapi("HeartbeatSpan");

const SpansSchema = z.object({ spans: z.array(SpanSchema) });

const TrustFactorSchema = z.object({
  trust_level: z.string().openapi({ example: "blue", description: "blue, red or green (suspected users show as blue)" }),
  trust_value: z.number().int().openapi({ example: 0 }),
});

const ProjectNamesSchema = z.object({ projects: z.array(z.string().openapi({ example: "hackatime" })) });

const ProjectRowSchema = z
  .object({
    name: z.string(),
    total_seconds: z.number(),
    languages: z.array(z.string()),
    repo_url: z.string().nullable(),
    total_heartbeats: z.number().int(),
    first_heartbeat: z.string().nullable().openapi({ example: "2026-08-22T10:00:00Z" }),
    last_heartbeat: z.string().nullable().openapi({ example: "2026-08-22T12:00:00Z" }),
    most_recent_heartbeat: z.string().nullable().openapi({ example: "2026-08-22T12:00:00Z" }),
    archived: z.boolean(),
  })
  .openapi("ProjectStats");

const statsWindowQuery = {
  start: queryParam("Stats start time (ISO 8601 or YYYY-MM-DD; default 1 year ago)"),
  end: queryParam("Stats end time (default now)"),
  start_date: queryParam("Same as start"),
  end_date: queryParam("Same as end"),
};

const LookupEmailSchema = z.object({ user_id: z.number().int().openapi({ example: 42 }), email: z.string().openapi({ example: "test@example.com" }) });
const LookupEmailMissSchema = z.object({ error: z.string().openapi({ example: "User not found" }), email: z.string() });
const LookupSlackSchema = z.object({ user_id: z.number().int().openapi({ example: 42 }), slack_uid: z.string().openapi({ example: "TEST123456" }) });
const LookupSlackMissSchema = z.object({ error: z.string().openapi({ example: "User not found" }), slack_uid: z.string() });

const privacyResponses = {
  403: errorResponse("the user has disabled public stats"),
  404: errorResponse("user not found"),
};

// ---- routes ----

export const lookupEmailRoute = statsKeyRoute({
  method: "get",
  path: "/api/v1/users/lookup_email/{email}",
  tags,
  summary: "Lookup user by email",
  description: "Finds a user id by email address (case-insensitive). Requires the stats key (an admin key or STATS_API_KEY) as Bearer.",
  security: security.userKey,
  request: { params: z.object({ email: pathParam("email", "test@example.com") }) },
  responses: {
    200: jsonResponse(LookupEmailSchema),
    404: jsonResponse(LookupEmailMissSchema, "not found"),
  },
});

export const lookupSlackUidRoute = statsKeyRoute({
  method: "get",
  path: "/api/v1/users/lookup_slack_uid/{slack_uid}",
  tags,
  summary: "Lookup user by Slack UID",
  description: "Finds a user id by Slack user id. Requires the stats key (an admin key or STATS_API_KEY) as Bearer.",
  security: security.userKey,
  request: { params: z.object({ slack_uid: pathParam("slack_uid", "U123456") }) },
  responses: {
    200: jsonResponse(LookupSlackSchema),
    404: jsonResponse(LookupSlackMissSchema, "not found"),
  },
});

export const spansRoute = publicRoute({
  method: "get",
  path: "/api/v1/users/{username}/heartbeats/spans",
  tags,
  summary: "Get heartbeat spans",
  description:
    "Spans of continuous activity: a span ends where the next heartbeat is more than 120 s away; a span followed by more activity is padded by 120 s. Dates are UTC; defaults are 10 years ago and the end of today.",
  security: security.userKey,
  request: {
    params: usernameParam,
    query: z.object({
      start_date: queryParam("Start (YYYY-MM-DD or ISO 8601, UTC)", "2026-08-01"),
      end_date: queryParam("End (YYYY-MM-DD or ISO 8601, UTC)", "2026-08-22"),
      project: queryParam("Only this project"),
      filter_by_project: queryParam("Only these projects (comma-separated); ignored when project is given"),
    }),
  },
  responses: {
    200: jsonResponse(SpansSchema),
    ...privacyResponses,
    422: errorResponse("invalid date"),
  },
});

export const trustFactorRoute = publicRoute({
  method: "get",
  path: "/api/v1/users/{username}/trust_factor",
  tags,
  summary: "Get trust factor",
  description: "A user's public trust level (suspected users show as blue). No privacy check.",
  security: security.userKey,
  request: { params: usernameParam },
  responses: {
    200: jsonResponse(TrustFactorSchema),
    404: errorResponse("not found"),
  },
});

export const projectsRoute = publicRoute({
  method: "get",
  path: "/api/v1/users/{username}/projects",
  tags,
  summary: "Get user projects",
  description: "Names of the projects with activity in the window (default the last 30 days), archived ones included.",
  security: security.userKey,
  request: {
    params: usernameParam,
    query: z.object({
      since: queryParam("Window start (default 30 days ago, at midnight UTC)"),
      start: queryParam("Same as since"),
      start_date: queryParam("Same as since"),
      until: queryParam("Window end (default now)"),
      until_date: queryParam("Same as until"),
      end: queryParam("Same as until"),
      end_date: queryParam("Same as until"),
    }),
  },
  responses: {
    200: jsonResponse(ProjectNamesSchema),
    ...privacyResponses,
  },
});

export const projectRoute = publicRoute({
  method: "get",
  path: "/api/v1/users/{username}/project/{project_name}",
  tags,
  summary: "Get specific project stats",
  description: "One project's stats over the window (default the last year). Archived projects and projects without activity in the window answer 404.",
  security: security.userKey,
  request: {
    params: usernameParam.extend({ project_name: pathParam("project_name", "hackatime") }),
    query: z.object(statsWindowQuery),
  },
  responses: {
    200: jsonResponse(ProjectRowSchema),
    400: errorResponse("blank project name"),
    ...privacyResponses,
  },
});

export const projectDetailsRoute = publicRoute({
  method: "get",
  path: "/api/v1/users/{username}/projects/details",
  tags,
  summary: "Get detailed project stats",
  description: "Stats of every non-archived project with activity in the window (default the last year), most time first.",
  security: security.userKey,
  request: {
    params: usernameParam,
    query: z.object({
      projects: queryParam("Only these projects (comma-separated)", "hackatime,tally"),
      since: queryParam("Accepted for compatibility; the stats window is start/end"),
      until: queryParam("Accepted for compatibility; the stats window is start/end"),
      until_date: queryParam("Accepted for compatibility; the stats window is start/end"),
      ...statsWindowQuery,
    }),
  },
  responses: {
    200: jsonResponse(z.object({ projects: z.array(ProjectRowSchema) })),
    ...privacyResponses,
  },
});

// ---- handlers ----

async function statsTarget(c: Context<AppEnv>, username: string) {
  const caller = await optionalUser(c.env, c.req.header("authorization"));
  return resolveStatsTarget(c.env.DB, username, caller);
}

export const usersRouter = createRouter();

// The lookups first: "/api/v1/users/lookup_email/projects" is a lookup, not user "lookup_email".
usersRouter.openapi(lookupEmailRoute, async (c) => {
  const { email } = c.req.valid("param");
  const userId = await userIdByEmail(c.env.DB, email);
  if (userId === null) throw notFound("User not found", { email });
  return c.json({ user_id: userId, email }, 200);
});

usersRouter.openapi(lookupSlackUidRoute, async (c) => {
  const { slack_uid } = c.req.valid("param");
  const userId = await userIdBySlackUid(c.env.DB, slack_uid);
  if (userId === null) throw notFound("User not found", { slack_uid });
  return c.json({ user_id: userId, slack_uid }, 200);
});

usersRouter.openapi(spansRoute, async (c) => {
  const query = c.req.valid("query");
  const { subject } = await statsTarget(c, c.req.valid("param").username);
  const window = spansWindow(query);
  const spans = await heartbeatSpans(shardFor(c.env, subject).db, subject.id, window, spanProjectFilter(query.project, query.filter_by_project));
  return c.json({ spans }, 200);
});

usersRouter.openapi(trustFactorRoute, async (c) => c.json(await publicTrustFactor(c.env.DB, c.req.valid("param").username), 200));

usersRouter.openapi(projectsRoute, async (c) => {
  const { subject } = await statsTarget(c, c.req.valid("param").username);
  return c.json({ projects: await projectNames(shardFor(c.env, subject).db, subject.id, discoveryWindow(c.req.valid("query"))) }, 200);
});

usersRouter.openapi(projectRoute, async (c) => {
  const { username, project_name } = c.req.valid("param");
  const { subject } = await statsTarget(c, username);
  return c.json(await oneProject(c.env, subject, project_name, statsWindow(c.req.valid("query"))), 200);
});

usersRouter.openapi(projectDetailsRoute, async (c) => {
  const query = c.req.valid("query");
  const { subject } = await statsTarget(c, c.req.valid("param").username);
  return c.json({ projects: await projectDetails(c.env, subject, statsWindow(query), { names: parseProjectList(query.projects) }) }, 200);
});
