// Tag "Stats": a user's public stats, and the aggregate total for integrations.
import { z } from "@hono/zod-openapi";
import { optionalUser } from "../auth/user";
import { aggregateTotal } from "../domain/stats/aggregate";
import { targetUserStats } from "../domain/stats/user-stats";
import { resolveStatsTarget } from "../domain/users/lookup";
import { errorResponse, security } from "../schemas/common";
import { jsonResponse, pathParam, queryParam } from "../schemas/params";
import { publicRoute, statsKeyRoute } from "./factories";
import { createRouter } from "./router";

const tags = ["Stats"];

const StatItem = z.object({ name: z.string(), total_seconds: z.number(), percent: z.number().nullable(), text: z.string(), digital: z.string() }).passthrough();
const UserStatsSchema = z
  .object({
    data: z
      .object({
        total_seconds: z.number(),
        daily_average: z.number(),
        languages: z.array(StatItem).optional(),
        projects: z.array(StatItem).optional(),
        editors: z.array(StatItem).optional(),
        streak: z.number().int(),
      })
      .passthrough(),
    trust_factor: z.object({ trust_level: z.string(), trust_value: z.number().int() }),
  })
  .openapi("UserStats");
const TotalOnlySchema = z.object({ total_seconds: z.number() }).openapi("UserStatsTotal");

export const userStatsRoute = publicRoute({
  method: "get",
  path: "/api/v1/users/{username}/stats",
  tags,
  summary: "Get user stats",
  description:
    "A user's coding stats over a range (default: the last 10 years). Private users are visible only to themselves (Bearer key). `features` picks the breakdowns: languages (default), projects, editors, operating_systems, machines, categories; and `days` (Tally): each local day the range touches (user's zone), that day's own total and its projects; `branches` and `entities` (files; Tally) in your own stats with exactly one filter_by_project. The filter_by_* parameters narrow every number (Tally's dashboard filters; Hackatime has filter_by_project, and filter_by_category with total_seconds=true only).",
  security: security.userKey,
  request: {
    params: z.object({ username: pathParam("username").openapi({ description: "Username, Slack ID, user ID, or my" }) }),
    query: z.object({
      start_date: queryParam("Start (YYYY-MM-DD or ISO time, UTC)", "2025-01-01"),
      end_date: queryParam("End (YYYY-MM-DD or ISO time, UTC)", "2025-12-31"),
      limit: queryParam("Limit entries per breakdown"),
      features: queryParam("Comma-separated breakdowns", "languages,projects"),
      filter_by_project: queryParam("Only these projects (comma-separated)"),
      filter_by_category: queryParam("Only these categories (comma-separated)"),
      filter_by_language: queryParam("Only these languages (comma-separated, any case)"),
      filter_by_editor: queryParam("Only these editors (comma-separated, any case)"),
      filter_by_operating_system: queryParam("Only these operating systems (comma-separated)"),
      filter_by_machine: queryParam("Only these machines (comma-separated)"),
      boundary_aware: queryParam("With total_seconds=true: credit the first heartbeat its gap to the one before the range"),
      total_seconds: queryParam("Answer only {total_seconds}"),
      no_ai_coding: queryParam("Exclude the 'ai coding' category"),
    }),
  },
  responses: {
    200: jsonResponse(z.union([UserStatsSchema, TotalOnlySchema])),
    403: errorResponse("forbidden"),
    404: errorResponse("user not found"),
    422: errorResponse("invalid date"),
  },
});

export const aggregateStatsRoute = statsKeyRoute(
  {
    method: "get",
    path: "/api/v1/stats",
    tags,
    summary: "Get total coding time (Admin Only)",
    description: "Total coding seconds of all users (or one), as text/plain. Needs an admin key or STATS_API_KEY as Bearer (?api_key= for the legacy key).",
    security: security.userKey,
    request: {
      query: z.object({
        start_date: queryParam("Start date (YYYY-MM-DD), defaults to 10 years ago"),
        end_date: queryParam("End date (YYYY-MM-DD), defaults to today"),
        username: queryParam("Only this user (id, Slack ID or username)"),
        user_email: queryParam("Only the user with this email"),
      }),
    },
    responses: {
      200: { description: "total seconds", content: { "text/plain": { schema: z.string().openapi({ example: "123456" }) } } },
      404: errorResponse("user not found"),
      422: errorResponse("invalid date"),
    },
  },
  { allowQueryParam: true },
);

export const statsRouter = createRouter();

statsRouter.openapi(userStatsRoute, async (c) => {
  const caller = await optionalUser(c.env, c.req.header("authorization"));
  const target = await resolveStatsTarget(c.env.DB, c.req.valid("param").username, caller);
  const body = await targetUserStats(c.env, target, c.req.valid("query"));
  // userStats builds the documented shape field by field (see domain/stats/user-stats.ts).
  return c.json(body as z.infer<typeof UserStatsSchema> | z.infer<typeof TotalOnlySchema>, 200);
});

statsRouter.openapi(aggregateStatsRoute, async (c) => {
  return c.text(String(await aggregateTotal(c.env, c.req.valid("query"))), 200);
});
