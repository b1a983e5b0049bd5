// Tag "Stats": a user's public stats, and the aggregate total for integrations.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { requireStatsKey } from "../auth/stats";
import { optionalUser } from "../auth/user";
import { getDb } from "../db/client";
import { emailAddresses } from "../db/schema";
import { durations } from "../domain/durations/query";
import { referenceAllUsersTotal } from "../domain/durations/reference";
import { userStats } from "../domain/stats/user-stats";
import { findUserByIdentifier, resolveStatsTarget } from "../domain/users/lookup";
import { displayName, loadProfileSource } from "../domain/users/profile";
import { parseStrictDate, utcDayStart, yearsAgoRollingOver } from "../lib/dates";
import { AppError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { DAY_SECONDS, nowSeconds, safeTimeZone } from "../lib/time";
import { errorResponse, security } from "../schemas/common";

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

const q = (description: string, example?: string) => z.string().optional().openapi({ description, example });

export const userStatsRoute = createRoute({
  method: "get",
  path: "/api/v1/users/{username}/stats",
  tags,
  summary: "Get user stats",
  description:
    "A user's coding stats over a range (default: the last 10 years). Private users are visible only to themselves (Bearer key). `features` picks the breakdowns: languages (default), projects, editors, operating_systems, machines, categories; and `days` (Tally): each local day the range touches (user's zone), that day's own total and its projects; `branches` and `entities` (files; Tally) in your own stats with exactly one filter_by_project. The filter_by_* parameters narrow every number (Tally's dashboard filters; Hackatime has filter_by_project, and filter_by_category with total_seconds=true only).",
  security: security.userKey,
  request: {
    params: z.object({ username: z.string().openapi({ param: { name: "username", in: "path" }, description: "Username, Slack ID, user ID, or my" }) }),
    query: z.object({
      start_date: q("Start (YYYY-MM-DD or ISO time, UTC)", "2025-01-01"),
      end_date: q("End (YYYY-MM-DD or ISO time, UTC)", "2025-12-31"),
      limit: q("Limit entries per breakdown"),
      features: q("Comma-separated breakdowns", "languages,projects"),
      filter_by_project: q("Only these projects (comma-separated)"),
      filter_by_category: q("Only these categories (comma-separated)"),
      filter_by_language: q("Only these languages (comma-separated)"),
      filter_by_editor: q("Only these editors (comma-separated)"),
      filter_by_operating_system: q("Only these operating systems (comma-separated)"),
      filter_by_machine: q("Only these machines (comma-separated)"),
      boundary_aware: q("With total_seconds=true: credit the first heartbeat its gap to the one before the range"),
      total_seconds: q("Answer only {total_seconds}"),
      no_ai_coding: q("Exclude the 'ai coding' category"),
    }),
  },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: z.union([UserStatsSchema, TotalOnlySchema]) } } },
    403: errorResponse("forbidden"),
    404: errorResponse("user not found"),
    422: errorResponse("invalid date"),
  },
});

export const aggregateStatsRoute = createRoute({
  method: "get",
  path: "/api/v1/stats",
  tags,
  summary: "Get total coding time (Admin Only)",
  description: "Total coding seconds of all users (or one), as text/plain. Needs an admin key or STATS_API_KEY as Bearer (?api_key= for the legacy key).",
  security: security.userKey,
  middleware: [requireStatsKey({ allowQueryParam: true })] as const,
  request: {
    query: z.object({
      start_date: q("Start date (YYYY-MM-DD), defaults to 10 years ago"),
      end_date: q("End date (YYYY-MM-DD), defaults to today"),
      username: q("Only this user (id, Slack ID or username)"),
      user_email: q("Only the user with this email"),
    }),
  },
  responses: {
    200: { description: "total seconds", content: { "text/plain": { schema: z.string().openapi({ example: "123456" }) } } },
    401: errorResponse("unauthorized"),
    404: errorResponse("user not found"),
    422: errorResponse("invalid date"),
  },
});

export const statsRouter = createRouter();

statsRouter.openapi(userStatsRoute, async (c) => {
  const caller = await optionalUser(c.env.DB, c.req.header("authorization"));
  const target = await resolveStatsTarget(c.env.DB, c.req.valid("param").username, caller);
  const profile = await loadProfileSource(c.env.DB, target.user.id);
  const body = await userStats(c.env, target.user, profile ? displayName(profile) : target.user.username, target.subject, c.req.valid("query"), { owner: target.isOwner });
  // userStats builds the documented shape field by field (see domain/stats/user-stats.ts).
  return c.json(body as z.infer<typeof UserStatsSchema> | z.infer<typeof TotalOnlySchema>, 200);
});

statsRouter.openapi(aggregateStatsRoute, async (c) => {
  const query = c.req.valid("query");
  const now = nowSeconds();
  const parse = (value: string | undefined, name: string, fallback: number) => {
    if (value === undefined || value === "") return fallback;
    const t = parseStrictDate(value);
    if (t === null) throw new AppError("invalid_parameter", `Invalid ${name}`);
    return t;
  };
  const start = parse(query.start_date, "start_date", utcDayStart(yearsAgoRollingOver(10, now)));
  // Date ranges include the end date's whole day.
  const end = parse(query.end_date, "end_date", utcDayStart(now)) + DAY_SECONDS;

  let userId: number | null = null;
  if (query.username) {
    const u = await findUserByIdentifier(c.env.DB, query.username);
    if (!u) throw new AppError("not_found", "User not found");
    userId = u.id;
  }
  if (query.user_email) {
    const row = await getDb(c.env.DB).select({ userId: emailAddresses.userId }).from(emailAddresses).where(eq(emailAddresses.email, query.user_email.toLowerCase())).get();
    if (!row) throw new AppError("not_found", "User not found");
    if (userId !== null && userId !== row.userId) return c.text("0", 200);
    userId = row.userId;
  }
  let total: number;
  if (userId !== null) {
    const u = (await findUserByIdentifier(c.env.DB, String(userId)))!;
    total = (await durations(c.env, { id: u.id, timezone: safeTimeZone(u.timezone) }, { start, end })).total;
  } else {
    total = await referenceAllUsersTotal(c.env.DB, { start, end });
  }
  return c.text(String(total), 200);
});
