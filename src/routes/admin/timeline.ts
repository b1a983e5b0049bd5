// Tag "Admin Timeline": several users' activity on one day, user search and the leaderboard
// shortlist for picking them (hackatime-behavior.md §10). Admin key of viewer+.
import { z } from "@hono/zod-openapi";
import { leaderboardUsers, searchTimelineUsers, timeline } from "../../domain/admin/timeline";
import { createRouter } from "../router";
import { TimelineSchema, UserCardsSchema } from "../../schemas/admin";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json, queryParam as q } from "../../schemas/params";
import { adminRoute } from "../factories";
import { isBlankParam, requiredString, timelineDate, userIdsParam } from "./params";

const tags = ["Admin Timeline"];

export const timelineRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/timeline",
  tags,
  summary: "Get timeline",
  description:
    "Coding activity of the caller and up to 20 more users (user_ids, slack_uids) on one calendar day (default today, UTC), each in their own time zone: spans split where heartbeats are more than 10 minutes apart, and the day's capped-gap total. Commit markers are empty (commits are not stored).",
  request: {
    query: z.object({
      date: q("Day (YYYY-MM-DD)", "2026-08-22"),
      user_ids: q("Comma-separated user ids", "1,2"),
      slack_uids: q("Comma-separated Slack user ids"),
    }),
  },
  responses: { 200: json(TimelineSchema), 422: errorResponse("Invalid date format") },
});

export const timelineSearchUsersRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/timeline/search_users",
  tags,
  summary: "Search timeline users",
  description: "Up to 20 users by id, or by a substring of username, Slack username, id or email (exact username first).",
  request: { query: z.object({ query: q("Search query", "alice") }) },
  responses: { 200: json(UserCardsSchema), 422: errorResponse("Query parameter is required") },
});

export const timelineLeaderboardUsersRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/timeline/leaderboard_users",
  tags,
  summary: "Get leaderboard users for timeline",
  description: "The caller, then the leaders of the latest finished board of the period (daily or last_7_days; default daily), 25 users at most.",
  request: { query: z.object({ period: z.string().optional().openapi({ description: "Leaderboard period", enum: ["daily", "last_7_days"], example: "daily" }) }) },
  responses: { 200: json(UserCardsSchema) },
});

export const adminTimelineRouter = createRouter();

adminTimelineRouter.openapi(timelineRoute, async (c) => {
  const query = c.req.valid("query");
  const date = timelineDate(query.date);
  const slackUids = isBlankParam(query.slack_uids) ? [] : query.slack_uids!.split(",");
  return c.json(await timeline(c.env, c.var.admin, { date, userIds: userIdsParam(query.user_ids), slackUids }), 200);
});

adminTimelineRouter.openapi(timelineSearchUsersRoute, async (c) => {
  const term = requiredString((c.req.valid("query").query ?? "").toLowerCase(), "Query parameter is required");
  return c.json(await searchTimelineUsers(c.env.DB, term), 200);
});

adminTimelineRouter.openapi(timelineLeaderboardUsersRoute, async (c) => {
  const period = c.req.valid("query").period === "last_7_days" ? "last_7_days" : "daily";
  return c.json(await leaderboardUsers(c.env.DB, c.var.admin, period), 200);
});
