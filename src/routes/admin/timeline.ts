// Tag "Admin Timeline": several users' activity on one day, user search and the leaderboard
// shortlist for picking them (hackatime-behavior.md §10). Admin key of viewer+.
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/admin";
import { leaderboardUsers, searchTimelineUsers, timeline } from "../../domain/admin/timeline";
import { createRouter } from "../router";
import { errorResponse, security } from "../../schemas/common";

const tags = ["Admin Timeline"];
const q = (description: string, example?: string) => z.string().optional().openapi({ description, ...(example ? { example } : {}) });
const nstr = z.string().nullable();

const UserCardSchema = z.object({ id: z.number().int(), display_name: nstr, avatar_url: nstr }).openapi("TimelineUser");
const UserCardsSchema = z.object({ users: z.array(UserCardSchema) });

const TimelineSpanSchema = z.object({
  start_time: z.number(),
  end_time: z.number(),
  duration: z.number().openapi({ description: "end_time − start_time (no padding)" }),
  files_edited: z.array(z.string()),
  projects_edited_details: z.array(z.object({ name: z.string(), repo_url: nstr })),
  editors: z.array(z.string()),
  languages: z.array(z.string()),
});

const TimelineSchema = z
  .object({
    date: z.string(),
    next_date: z.string(),
    prev_date: z.string(),
    users: z.array(
      z.object({
        user: z.object({ id: z.number().int(), username: z.string(), display_name: nstr, slack_username: nstr, github_username: nstr, timezone: nstr, avatar_url: nstr }),
        spans: z.array(TimelineSpanSchema),
        total_coded_time: z.number(),
      }),
    ),
    commit_markers: z.array(
      z.object({ user_id: z.number().int(), timestamp: z.number(), additions: z.number().int().nullable(), deletions: z.number().int().nullable(), github_url: nstr }),
    ),
  })
  .openapi("Timeline");

const authResponses = { 401: errorResponse("missing or invalid admin key") };

export const timelineRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/timeline",
  tags,
  summary: "Get timeline",
  description:
    "Coding activity of the caller and up to 20 more users (user_ids, slack_uids) on one calendar day (default today, UTC), each in their own time zone: spans split where heartbeats are more than 10 minutes apart, and the day's capped-gap total. Commit markers are empty (commits are not stored).",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: {
    query: z.object({
      date: q("Day (YYYY-MM-DD)", "2026-08-22"),
      user_ids: q("Comma-separated user ids", "1,2"),
      slack_uids: q("Comma-separated Slack user ids"),
    }),
  },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: TimelineSchema } } },
    ...authResponses,
    422: errorResponse("Invalid date format"),
  },
});

export const timelineSearchUsersRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/timeline/search_users",
  tags,
  summary: "Search timeline users",
  description: "Up to 20 users by id, or by a substring of username, Slack username, id or email (exact username first).",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ query: q("Search query", "alice") }) },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: UserCardsSchema } } },
    ...authResponses,
    422: errorResponse("Query parameter is required"),
  },
});

export const timelineLeaderboardUsersRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/timeline/leaderboard_users",
  tags,
  summary: "Get leaderboard users for timeline",
  description: "The caller, then the leaders of the latest finished board of the period (daily or last_7_days; default daily), 25 users at most.",
  security: security.adminToken,
  middleware: [requireAdmin()] as const,
  request: { query: z.object({ period: z.string().optional().openapi({ description: "Leaderboard period", enum: ["daily", "last_7_days"], example: "daily" }) }) },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: UserCardsSchema } } },
    ...authResponses,
  },
});

export const adminTimelineRouter = createRouter();

adminTimelineRouter.openapi(timelineRoute, async (c) => c.json(await timeline(c.env, c.var.admin, c.req.valid("query")), 200));

adminTimelineRouter.openapi(timelineSearchUsersRoute, async (c) => c.json(await searchTimelineUsers(c.env.DB, c.req.valid("query").query), 200));

adminTimelineRouter.openapi(timelineLeaderboardUsersRoute, async (c) => c.json(await leaderboardUsers(c.env.DB, c.var.admin, c.req.valid("query").period), 200));
