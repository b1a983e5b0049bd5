// Tag "Leaderboard": the daily (rolling 24 h) and weekly (last 7 days) boards, served from the
// latest finished snapshot (domain/leaderboards.ts). Public: credentials are accepted and ignored.
import { z } from "@hono/zod-openapi";
import { latestLeaderboard, type LeaderboardPeriod } from "../domain/leaderboards";
import { AppError } from "../lib/errors";
import { errorResponse, security } from "../schemas/common";
import { jsonResponse } from "../schemas/params";
import { publicRoute } from "./factories";
import { createRouter } from "./router";

const tags = ["Leaderboard"];

const LeaderboardEntrySchema = z
  .object({
    rank: z.number().int().openapi({ example: 1 }),
    user: z.object({
      id: z.number().int().openapi({ example: 42 }),
      username: z.string().openapi({ example: "goat_heidi", description: "The user's display name" }),
      avatar_url: z.string().openapi({ example: "https://..." }),
    }),
    total_seconds: z.number().openapi({ example: 14500, description: "Total coding duration in seconds for the period" }),
  })
  .openapi("LeaderboardEntry");

const LeaderboardSchema = z
  .object({
    period: z.enum(["daily", "last_7_days"]).openapi({ example: "daily" }),
    start_date: z.string().openapi({ format: "date", example: "2026-08-22", description: "The UTC date the board is keyed by" }),
    date_range: z.string().openapi({ example: "Last 24 hours", description: "\"Last 24 hours\", or \"Aug 16 - Aug 22, 2026\" for the weekly board" }),
    generated_at: z.string().openapi({ format: "date-time", example: "2026-08-22T10:00:00Z" }),
    entries: z.array(LeaderboardEntrySchema),
  })
  .openapi("Leaderboard");

const responses = {
  200: jsonResponse(LeaderboardSchema),
  503: errorResponse("no finished board yet: {\"error\":\"Leaderboard is being generated\"}"),
};

const route = (path: string, summary: string, description: string) =>
  publicRoute({ method: "get", path, tags, summary, description, security: security.userKey, responses });

export const leaderboardAliasRoute = route(
  "/api/v1/leaderboard",
  "Get daily leaderboard (Alias)",
  "Alias for /api/v1/leaderboard/daily. Returns the daily leaderboard.",
);
export const dailyLeaderboardRoute = route(
  "/api/v1/leaderboard/daily",
  "Get daily leaderboard",
  "Coding time over the last 24 hours (rolling, UTC), ranked. 503 while the first board is being generated.",
);
export const weeklyLeaderboardRoute = route(
  "/api/v1/leaderboard/weekly",
  "Get weekly leaderboard",
  "Coding time over the last 7 days (UTC days, today included), ranked. 503 while the first board is being generated.",
);

async function serve(env: Env, period: LeaderboardPeriod) {
  const board = await latestLeaderboard(env, period);
  if (!board) throw new AppError("unavailable", "Leaderboard is being generated");
  return board;
}

export const leaderboardRouter = createRouter();

leaderboardRouter.openapi(leaderboardAliasRoute, async (c) => c.json(await serve(c.env, "daily"), 200));
leaderboardRouter.openapi(dailyLeaderboardRoute, async (c) => c.json(await serve(c.env, "daily"), 200));
leaderboardRouter.openapi(weeklyLeaderboardRoute, async (c) => c.json(await serve(c.env, "last_7_days"), 200));
