// WakaTime Compatibility, read side: the profile, daily summaries and last-7-days stats that
// the browser extension and WakaTime dashboards read, and a one-day heartbeat listing
// (Hackatime issue #1260). The {id} path segment is ignored: the key decides.
import { shardFor } from "../db/shards";
import { z } from "@hono/zod-openapi";
import { userKeyRefused } from "../auth/failures";
import { last7DaysOf } from "../domain/stats/last-7-days";
import { dailySummaries, heartbeatsOfDay, parseSummariesQuery } from "../domain/stats/summaries";
import { userProfile } from "../domain/users/profile";
import { errorResponse } from "../schemas/common";
import { HeartbeatSchema } from "../schemas/heartbeat";
import { jsonResponse, lastQueryParam, wakatimeUserIdParams } from "../schemas/params";
import { userRoute } from "./factories";
import { createRouter } from "./router";

const tags = ["WakaTime Compatibility"];

const ProfileSchema = z
  .object({
    data: z.object({
      id: z.string().openapi({ example: "42" }),
      username: z.string().nullable(),
      display_name: z.string(),
      full_name: z.string(),
      photo: z.string(),
      timezone: z.string(),
      created_at: z.string(),
      modified_at: z.string(),
      plan: z.literal("free"),
    }),
  })
  .openapi("WakaTimeUser");

/** A breakdown Hackatime never fills in daily summaries. */
const EmptyList = z.array(z.object({})).max(0).openapi({ description: "Always empty" });

const SummaryDuration = z.object({
  total_seconds: z.number().int(),
  hours: z.number().int(),
  minutes: z.number().int(),
  seconds: z.number().int(),
  digital: z.string().openapi({ example: "00:03:00" }),
  decimal: z.string().openapi({ example: "0.05" }),
  text: z.string().openapi({ example: "3m" }),
});

const DailySummariesSchema = z
  .object({
    data: z.array(
      z.object({
        grand_total: SummaryDuration.extend({
          ai_input_tokens: z.number().int().optional(),
          ai_output_tokens: z.number().int().optional(),
          ai_model_breakdown: z.array(z.object({ name: z.string(), lines: z.number().int() })).optional(),
        }),
        branches: EmptyList,
        categories: EmptyList,
        dependencies: EmptyList,
        editors: EmptyList,
        entities: EmptyList,
        languages: EmptyList,
        machines: EmptyList,
        operating_systems: EmptyList,
        projects: z.array(SummaryDuration.extend({ name: z.string(), percent: z.number() })),
        range: z.object({ date: z.string(), start: z.string(), end: z.string(), text: z.string(), timezone: z.string() }),
      }),
    ),
    cumulative_total: SummaryDuration.omit({ total_seconds: true }),
    daily_average: z.object({
      holidays: z.number().int(),
      days_including_holidays: z.number().int(),
      days_minus_holidays: z.number().int(),
      seconds: z.number().int(),
      seconds_including_other_language: z.number().int(),
      text: z.string(),
      text_including_other_language: z.string(),
    }),
    start: z.string(),
    end: z.string(),
  })
  .openapi("DailySummaries");

const StatsEntry = z.object({
  name: z.string(),
  total_seconds: z.number().int(),
  percent: z.number(),
  digital: z.string().openapi({ example: "7:00:00" }),
  text: z.string().openapi({ example: "7 hrs 0 mins" }),
  hours: z.number().int(),
  minutes: z.number().int(),
  seconds: z.number().int(),
});

const Last7DaysSchema = z
  .object({
    data: z.object({
      username: z.string().openapi({ description: "The Slack id (the username without one)" }),
      user_id: z.string().openapi({ description: "The Slack id (the numeric id without one)" }),
      start: z.string().openapi({ example: "2026-08-15T00:00:00-04:00" }),
      end: z.string().openapi({ example: "2026-08-22T23:59:59-04:00" }),
      status: z.string(),
      total_seconds: z.number(),
      daily_average: z.number(),
      days_including_holidays: z.number().int(),
      range: z.string(),
      human_readable_range: z.string(),
      human_readable_total: z.string(),
      human_readable_daily_average: z.string(),
      is_coding_activity_visible: z.boolean(),
      is_other_usage_visible: z.boolean(),
      editors: z.array(StatsEntry),
      languages: z.array(StatsEntry),
      machines: z.array(StatsEntry),
      projects: z.array(StatsEntry),
      operating_systems: z.array(StatsEntry),
      categories: z.array(StatsEntry),
    }),
  })
  .openapi("Last7DaysStats");

const HeartbeatListSchema = z
  .object({
    data: z.array(HeartbeatSchema),
    start: z.string().openapi({ example: "2026-08-10T04:00:00Z" }),
    end: z.string().openapi({ example: "2026-08-11T03:59:59Z" }),
    timezone: z.string(),
  })
  .openapi("HeartbeatsOfDay");

export const showUserRoute = userRoute({
  method: "get",
  path: "/api/hackatime/v1/users/{id}",
  tags,
  summary: "Get current user (WakaTime compatible)",
  description: "Profile of the user the API key belongs to (the browser extension's login check).",
  request: { params: wakatimeUserIdParams },
  responses: {
    200: jsonResponse(ProfileSchema),
  },
});

export const summariesRoute = userRoute({
  method: "get",
  path: "/api/hackatime/v1/users/{id}/summaries",
  tags,
  summary: "Get daily summaries (WakaTime compatible)",
  description:
    "One entry per local day of an inclusive date range (at most 366 days), including empty days. Each heartbeat is credited min(gap to the next heartbeat of the same local day, 120 s) to its own project; only projects are filled.",
  request: {
    params: wakatimeUserIdParams,
    query: z.object({
      start: lastQueryParam("Inclusive start date, YYYY-MM-DD", "2026-08-10"),
      end: lastQueryParam("Inclusive end date, YYYY-MM-DD; at most 366 days in all", "2026-08-11"),
      project: lastQueryParam("Only this project"),
      timezone: lastQueryParam("IANA zone the days are cut in; default the user's", "UTC"),
    }),
  },
  responses: {
    200: jsonResponse(DailySummariesSchema),
    400: errorResponse("invalid dates, range over 366 days, or invalid timezone"),
  },
});

export const last7DaysRoute = userRoute({
  method: "get",
  path: "/api/hackatime/v1/users/current/stats/last_7_days",
  tags,
  summary: "Get last 7 days stats",
  description: "Returns coding statistics for the last 7 days. Used by some WakaTime dashboards.",
  responses: {
    200: jsonResponse(Last7DaysSchema),
  },
});

export const heartbeatsOfDayRoute = userRoute({
  method: "get",
  path: "/api/hackatime/v1/users/{id}/heartbeats",
  tags,
  summary: "List one day's heartbeats (WakaTime compatible)",
  description: "The user's heartbeats of one local day (the user's time zone), in time order, as WakaTime's GET users/current/heartbeats answers them.",
  request: { params: wakatimeUserIdParams, query: z.object({ date: lastQueryParam("The local day, YYYY-MM-DD", "2026-08-10") }) },
  responses: {
    200: jsonResponse(HeartbeatListSchema),
    400: errorResponse("missing or invalid date"),
  },
});

export const wakatimeStatsRouter = createRouter();

wakatimeStatsRouter.openapi(showUserRoute, async (c) => {
  const profile = await userProfile(c.env.DB, c.var.user.id);
  if (!profile) throw userKeyRefused("unknown_key"); // the user went between the key check and now
  return c.json({ data: profile }, 200);
});

wakatimeStatsRouter.openapi(summariesRoute, async (c) => {
  const req = parseSummariesQuery(c.req.valid("query"), c.var.user.timezone);
  return c.json(await dailySummaries(shardFor(c.env, c.var.user).db, c.var.user.id, req), 200);
});

wakatimeStatsRouter.openapi(last7DaysRoute, async (c) => {
  const user = c.var.user;
  return c.json(await last7DaysOf(c.env, { id: user.id, timezone: user.timezone, username: user.username, shard: user.shard }), 200);
});

wakatimeStatsRouter.openapi(heartbeatsOfDayRoute, async (c) => {
  const user = c.var.user;
  const listing = await heartbeatsOfDay(shardFor(c.env, user).db, user.id, c.req.valid("query").date, user.timezone);
  // Rows come from SELECT * through heartbeatJson (the same serialisation as ingest answers).
  return c.json(listing, 200);
});
