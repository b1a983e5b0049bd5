// Tag "Authenticated": the caller's own profile, time, streak, projects, key and latest
// heartbeat. Hackatime serves these to OAuth tokens only; we accept the user API key (Bearer,
// Basic or ?api_key, docs/architecture.md "Decisions"). Restricted users (red trust or an active deletion)
// get 401 {"error":"Unauthorized"} everywhere except /me, which refuses only an active deletion.
import { accountRestricted, userKeyRefused } from "../auth/failures";
import { z } from "@hono/zod-openapi";
import { userKeyCandidate } from "../auth/credentials";
import { authenticatedProjects, hours, profile } from "../domain/stats/authenticated";
import { LATEST_FIELDS, latestHeartbeat } from "../domain/stats/recent";
import { streakDays } from "../domain/stats/streak";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { heartbeatColumnSchemas, pickHeartbeatSchema } from "../schemas/heartbeat";
import { jsonResponse, queryParam } from "../schemas/params";
import { userRoute } from "./factories";

const tags = ["Authenticated"];

// The caller's own data: never cached by intermediaries (api_keys answers a secret).
const unrestricted = { allowRestricted: false, noStore: true };

const MeSchema = z
  .object({
    id: z.number().int(),
    emails: z.array(z.string()),
    slack_id: z.string().nullable(),
    github_username: z.string().nullable(),
    trust_factor: z.object({ trust_level: z.string().openapi({ example: "blue" }), trust_value: z.number().int().openapi({ example: 0 }) }),
  })
  .openapi("AuthenticatedMe");

const HoursSchema = z
  .object({
    start_date: z.string().openapi({ format: "date", example: "2024-03-13" }),
    end_date: z.string().openapi({ format: "date", example: "2024-03-20" }),
    total_seconds: z.number().openapi({ example: 153000 }),
  })
  .openapi("AuthenticatedHours");

const StreakSchema = z.object({ streak_days: z.number().int().openapi({ example: 5 }) }).openapi("AuthenticatedStreak");

const ProjectsSchema = z
  .object({
    projects: z.array(
      z.object({
        name: z.string().openapi({ example: "hackatime" }),
        total_seconds: z.number().openapi({ example: 3600 }),
        most_recent_heartbeat: z.string().nullable().openapi({ format: "date-time", example: "2024-03-20T10:00:00Z" }),
        languages: z.array(z.string()),
        archived: z.boolean(),
      }),
    ),
  })
  .openapi("AuthenticatedProjects");

const ApiKeySchema = z.object({ token: z.string().openapi({ example: "6f1c2a4e-…" }) }).openapi("AuthenticatedApiKey");

const LatestHeartbeatSchema = pickHeartbeatSchema(LATEST_FIELDS)
  .extend({ created_at: heartbeatColumnSchemas.created_at.openapi({ format: "date-time" }) })
  .openapi("AuthenticatedLatestHeartbeat");
const NoHeartbeatSchema = z.object({ heartbeat: z.null() }).openapi("AuthenticatedNoHeartbeat");

export const meRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/authenticated/me",
    tags,
    summary: "Get current user info",
    description:
      "The caller's id, email addresses, Slack ID, GitHub username and (masked) trust factor. Red users may call it; an account with an active deletion request gets 401.",
    responses: { 200: jsonResponse(MeSchema) },
  },
  { noStore: true },
);

export const hoursRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/authenticated/hours",
    tags,
    summary: "Get hours",
    description:
      "Coding seconds from the start of start_date to the end of end_date, local dates in the user's time zone (both inclusive). Defaults: 7 days ago through today.",
    request: { query: z.object({ start_date: queryParam("Start date (YYYY-MM-DD)", "2024-03-13"), end_date: queryParam("End date (YYYY-MM-DD)", "2024-03-20") }) },
    responses: { 200: jsonResponse(HoursSchema), 422: errorResponse("invalid start_date or end_date") },
  },
  unrestricted,
);

export const streakRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/authenticated/streak",
    tags,
    summary: "Get streak",
    description: "Consecutive local days with at least 15 minutes of coding, up to today (or yesterday when today has not qualified yet).",
    responses: { 200: jsonResponse(StreakSchema) },
  },
  unrestricted,
);

export const projectsRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/authenticated/projects",
    tags,
    summary: "Get projects",
    description:
      "All-time per-project seconds (each project chained on its own), latest heartbeat and languages, most time first. Archived projects only with include_archived=true. start/start_date and end/end_date narrow the stats window; since/until/until_date are accepted and, as in Hackatime, do not change this list. Unparseable times are ignored.",
    request: {
      query: z.object({
        include_archived: queryParam("Include archived projects (true/false)", "true"),
        projects: queryParam("Comma-separated list of project names", "hackatime,tally"),
        since: queryParam("Project discovery start time (ISO 8601)"),
        until: queryParam("Project discovery end time (ISO 8601)"),
        until_date: queryParam("Alias for until"),
        start: queryParam("Stats start time (ISO 8601)"),
        end: queryParam("Stats end time (ISO 8601)"),
        start_date: queryParam("Alias for start"),
        end_date: queryParam("Alias for end"),
      }),
    },
    responses: { 200: jsonResponse(ProjectsSchema) },
  },
  unrestricted,
);

export const apiKeysRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/authenticated/api_keys",
    tags,
    summary: "Get API keys",
    description: "The caller's API key (the one this request authenticated with). Warning: this returns sensitive information.",
    responses: { 200: jsonResponse(ApiKeySchema) },
  },
  unrestricted,
);

export const latestHeartbeatRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/authenticated/heartbeats/latest",
    tags,
    summary: "Get latest heartbeat",
    description: 'The newest heartbeat that is not a test entry, or {"heartbeat": null} when there is none.',
    responses: { 200: jsonResponse(z.union([LatestHeartbeatSchema, NoHeartbeatSchema])) },
  },
  unrestricted,
);

export const authenticatedRouter = createRouter();

authenticatedRouter.openapi(meRoute, async (c) => {
  if (c.var.user.deletionActive) throw accountRestricted();
  const me = await profile(c.env.DB, c.var.user.id);
  if (!me) throw userKeyRefused("unknown_key"); // the user went between the key check and now
  return c.json(me, 200);
});

authenticatedRouter.openapi(hoursRoute, async (c) => {
  return c.json(await hours(c.env, c.var.user, c.req.valid("query")), 200);
});

authenticatedRouter.openapi(streakRoute, async (c) => {
  return c.json({ streak_days: await streakDays(c.env, c.var.user) }, 200);
});

authenticatedRouter.openapi(projectsRoute, async (c) => {
  const projects = await authenticatedProjects(c.env, c.var.user, c.req.valid("query"));
  return c.json({ projects }, 200);
});

authenticatedRouter.openapi(apiKeysRoute, async (c) => {
  // Only SHA-256 hashes of keys are stored, so the key cannot be read back from storage.
  // Answer with the key this request authenticated with: it is the caller's own and they
  // already hold it. requireUser accepted it, so the same extraction finds it again.
  const token = userKeyCandidate(c.req.header("authorization"), c.req.query("api_key"));
  if (!token) throw userKeyRefused("missing");
  return c.json({ token }, 200);
});

authenticatedRouter.openapi(latestHeartbeatRoute, async (c) => {
  const hb = await latestHeartbeat(c.env.DB, c.var.user.id);
  return c.json(hb ?? { heartbeat: null }, 200);
});
