// WakaTime Compatibility, read side: the profile, daily summaries, stats of every range,
// all_time_since_today and a one-day heartbeat listing, under both compat prefixes
// (/api/hackatime/v1 and Wakapi's /api/compat/wakatime/v1). {id} names the user: "current" is the
// key's user; another user's data follows the public-stats rule (domain/users/lookup.ts
// resolveWakaTimeUser). Hackatime's spec'd operations keep their tag under the Hackatime prefix;
// the rest are documented under WAKATIME_TAG.
import { z } from "@hono/zod-openapi";
import { dailySummaries, heartbeatsOfDay, parseSummariesQuery } from "../domain/stats/summaries";
import { resolveWakaTimeUser } from "../domain/users/lookup";
import { userProfile } from "../domain/users/profile";
import { allTimeSinceToday, last7DaysStats, rangeStats } from "../domain/wakatime/stats";
import { STATS_RANGES } from "../domain/wakatime/ranges";
import { userKeyRefused } from "../auth/failures";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { jsonResponse, pathParam } from "../schemas/params";
import {
  AllTimeSinceTodaySchema,
  COMPAT_PREFIXES,
  DailySummariesSchema,
  HACKATIME_PREFIX,
  HeartbeatListSchema,
  Last7DaysSchema,
  WAKATIME_TAG,
  WakaTimeStatsSchema,
  WakaTimeUserSchema,
  lastValueParam,
  userIdParam,
  summaryFor,
  type CompatPrefix,
} from "../schemas/wakatime";
import { callerOf, optionalUserRoute, userRoute } from "./factories";

/** Hackatime's spec'd operations keep its tag under its prefix; their Wakapi-prefix twins and the rest get ours. */
const tagsFor = (prefix: CompatPrefix, specd: boolean) => (specd && prefix === HACKATIME_PREFIX ? ["WakaTime Compatibility"] : [WAKATIME_TAG]);
const PRIVACY = { 403: errorResponse("the user hides their stats"), 404: errorResponse("no such user (without a key)") };

const showUserRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}`,
    tags: tagsFor(prefix, true),
    summary: summaryFor(prefix, "Get current user (WakaTime compatible)"),
    description: "The user's profile in WakaTime's shape (the browser extension's login check uses users/current).",
    request: { params: userIdParam },
    responses: { 200: jsonResponse(WakaTimeUserSchema), ...PRIVACY },
  });

const summariesRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}/summaries`,
    tags: tagsFor(prefix, true),
    summary: summaryFor(prefix, "Get daily summaries (WakaTime compatible)"),
    description:
      "One entry per local day of an inclusive date range (at most 366 days), including empty days: start and end, or WakaTime's range (Today, Yesterday, Last 7 Days, Last 7 Days from Yesterday, Last 14 Days, Last 30 Days, This Week, Last Week, This Month, Last Month; weeks start on Monday) in the zone. Each heartbeat is credited min(gap to the next heartbeat of the same local day, 120 s) to its own project; only projects are filled.",
    request: {
      params: userIdParam,
      query: z.object({
        start: lastValueParam("Inclusive start date, YYYY-MM-DD", "2026-08-10"),
        end: lastValueParam("Inclusive end date, YYYY-MM-DD; at most 366 days in all", "2026-08-11"),
        range: lastValueParam("Instead of start and end: Today, Yesterday, Last 7 Days, …, Last Month", "Last 7 Days"),
        project: lastValueParam("Only this project"),
        branches: lastValueParam("Only these branches (comma-separated)", "main"),
        timezone: lastValueParam("IANA zone the days are cut in; default the user's", "UTC"),
      }),
    },
    responses: { 200: jsonResponse(DailySummariesSchema), 400: errorResponse("invalid dates or range, range over 366 days, or invalid timezone"), ...PRIVACY },
  });

const last7DaysRoute = (prefix: CompatPrefix) =>
  userRoute({
    method: "get",
    path: `${prefix}/users/current/stats/last_7_days`,
    tags: tagsFor(prefix, true),
    summary: summaryFor(prefix, "Get last 7 days stats"),
    description: "Returns coding statistics for the last 7 days. Used by some WakaTime dashboards.",
    responses: { 200: jsonResponse(Last7DaysSchema) },
  });

const statsRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}/stats/{range}`,
    tags: [WAKATIME_TAG],
    summary: summaryFor(prefix, "Get stats of a range (WakaTime compatible)"),
    description: `${STATS_RANGES.join(", ")}, a year (YYYY) or a month (YYYY-MM), in the user's time zone, answered at once (is_up_to_date: true). last_7_days answers as Hackatime's last_7_days does (Last7DaysStats), with WakaTime's fields added.`,
    request: { params: userIdParam.extend({ range: pathParam("range", "last_30_days") }) },
    responses: {
      200: jsonResponse(z.union([WakaTimeStatsSchema, Last7DaysSchema])),
      403: PRIVACY[403],
      404: errorResponse("unknown range, or no such user (without a key)"),
    },
  });

const defaultStatsRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}/stats`,
    tags: [WAKATIME_TAG],
    summary: summaryFor(prefix, "Get stats of the default range (WakaTime compatible)"),
    description: "stats/last_7_days (WakaTime's default range).",
    request: { params: userIdParam },
    responses: { 200: jsonResponse(Last7DaysSchema), ...PRIVACY },
  });

const allTimeRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}/all_time_since_today`,
    tags: [WAKATIME_TAG],
    summary: summaryFor(prefix, "Get all time since today (WakaTime compatible)"),
    description: "Total time from the day of the first heartbeat (of the project, when given) to the end of today, in the user's time zone.",
    request: { params: userIdParam, query: z.object({ project: lastValueParam("Only this project") }) },
    responses: { 200: jsonResponse(AllTimeSinceTodaySchema), ...PRIVACY },
  });

const heartbeatsOfDayRoute = (prefix: CompatPrefix) =>
  userRoute({
    method: "get",
    path: `${prefix}/users/{id}/heartbeats`,
    tags: tagsFor(prefix, true),
    summary: summaryFor(prefix, "List one day's heartbeats (WakaTime compatible)"),
    description: "The user's heartbeats of one local day (the user's time zone), in time order, as WakaTime's GET users/current/heartbeats answers them. The user's own only.",
    request: { params: userIdParam, query: z.object({ date: lastValueParam("The local day, YYYY-MM-DD", "2026-08-10") }) },
    responses: { 200: jsonResponse(HeartbeatListSchema), 400: errorResponse("missing or invalid date"), 403: errorResponse("another user's heartbeats") },
  });

export const wakatimeStatsRouter = createRouter();

for (const prefix of COMPAT_PREFIXES) {
  wakatimeStatsRouter.openapi(showUserRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, callerOf(c));
    const profile = await userProfile(c.env.DB, target.user.id);
    if (!profile) throw userKeyRefused("unknown_key"); // the user went between the lookup and now
    return c.json({ data: profile }, 200);
  });

  wakatimeStatsRouter.openapi(summariesRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, callerOf(c));
    const req = parseSummariesQuery(c.req.valid("query"), target.subject.timezone);
    return c.json(await dailySummaries(c.env.DB, target.user.id, req), 200);
  });

  // Before stats/{range}: the spec'd path answers "current" with the key required.
  wakatimeStatsRouter.openapi(last7DaysRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, "current", c.var.user);
    return c.json(await last7DaysStats(c.env, target), 200);
  });

  wakatimeStatsRouter.openapi(statsRoute(prefix), async (c) => {
    const { id, range } = c.req.valid("param");
    const target = await resolveWakaTimeUser(c.env.DB, id, callerOf(c));
    return c.json(await rangeStats(c.env, target, range), 200);
  });

  wakatimeStatsRouter.openapi(defaultStatsRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, callerOf(c));
    return c.json(await last7DaysStats(c.env, target), 200);
  });

  wakatimeStatsRouter.openapi(allTimeRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, callerOf(c));
    const project = c.req.valid("query").project;
    return c.json(await allTimeSinceToday(c.env, target, project === "" ? undefined : project), 200);
  });

  wakatimeStatsRouter.openapi(heartbeatsOfDayRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, c.var.user, { ownerOnly: true });
    const listing = await heartbeatsOfDay(c.env.DB, target.user.id, c.req.valid("query").date, target.subject.timezone);
    // Rows come from SELECT * through heartbeatJson (the same serialisation as ingest answers).
    return c.json(listing as z.infer<typeof HeartbeatListSchema>, 200);
  });
}
