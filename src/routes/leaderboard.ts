// Tag "Leaderboard": the daily (rolling 24 h) and weekly (last 7 days) boards, served from the
// latest finished snapshot, and the daily board of one zone's calendar today
// (domain/leaderboards.ts). Public: credentials are accepted and ignored.
//
// HTTP caching: a response is named by a tag (the snapshot, who is shadowbanned, the page; for
// a zone's board the zone, the minute and the page). It is the ETag (If-None-Match → 304) and
// the Workers Cache API key, so a page is built once per snapshot and colo, not per visitor.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  boardBody,
  boardHead,
  localBoardTag,
  localDayBoard,
  type LeaderboardBody,
  type LeaderboardPeriod,
  type Paging,
} from "../domain/leaderboards";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { isKnownTimeZone, nowSeconds } from "../lib/time";
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
      avatar_url: z.string().openapi({ example: "https://...", description: "Slack or GitHub avatar, else an image URL (an identicon on this host)" }),
    }),
    total_seconds: z.number().openapi({ example: 14500, description: "Total coding duration in seconds for the period" }),
  })
  .openapi("LeaderboardEntry");

const LeaderboardSchema = z
  .object({
    period: z.enum(["daily", "last_7_days"]).openapi({ example: "daily" }),
    start_date: z.string().openapi({ format: "date", example: "2026-08-22", description: "The UTC date the board is keyed by (a zone's board: that zone's date)" }),
    date_range: z.string().openapi({ example: "Last 24 hours", description: "\"Last 24 hours\", \"Aug 16 - Aug 22, 2026\" for the weekly board, \"Today\" for a zone's board" }),
    generated_at: z.string().openapi({ format: "date-time", example: "2026-08-22T10:00:00Z" }),
    timezone: z.string().optional().openapi({ example: "Europe/Berlin", description: "A zone's board only: its zone" }),
    entries: z.array(LeaderboardEntrySchema),
    page: z.number().int().optional().openapi({ description: "Paged responses only" }),
    limit: z.number().int().optional().openapi({ description: "Paged responses only" }),
    total_entries: z.number().int().optional().openapi({ description: "Paged responses only: entries on every page" }),
  })
  .openapi("Leaderboard");

const pagingQuery = {
  page: z.coerce.number().int().min(1).optional().openapi({ description: "1-based page; paging starts with `page` or `limit` (without both: every entry)", example: "1" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .optional()
    .openapi({ description: `Entries per page (default ${DEFAULT_PAGE_LIMIT} when paging, at most ${MAX_PAGE_LIMIT})`, example: "100" }),
};
const PagingQuery = z.object(pagingQuery);
const DailyQuery = z.object({
  ...pagingQuery,
  timezone: z
    .string()
    .optional()
    .openapi({
      description:
        "An IANA zone (Area/City): the board of the users whose time zone is that zone, over that zone's calendar today (local midnight to now), recomputed every minute",
      example: "Europe/Berlin",
    }),
});

const responses = {
  200: jsonResponse(LeaderboardSchema),
  304: { description: "If-None-Match named this page's ETag: unchanged" },
  503: errorResponse("no finished board yet: {\"error\":\"Leaderboard is being generated\"}"),
};

const route = (path: string, summary: string, description: string, query: typeof PagingQuery | typeof DailyQuery) =>
  publicRoute({ method: "get", path, tags, summary, description, security: security.userKey, request: { query }, responses });

export const leaderboardAliasRoute = route(
  "/api/v1/leaderboard",
  "Get daily leaderboard (Alias)",
  "Alias for /api/v1/leaderboard/daily. Returns the daily leaderboard.",
  DailyQuery,
);
export const dailyLeaderboardRoute = route(
  "/api/v1/leaderboard/daily",
  "Get daily leaderboard",
  "Coding time over the last 24 hours (rolling, UTC), ranked. 503 while the first board is being generated. With `timezone`: the zone's users over the zone's calendar today (422 for an unknown zone).",
  DailyQuery,
);
export const weeklyLeaderboardRoute = route(
  "/api/v1/leaderboard/weekly",
  "Get weekly leaderboard",
  "Coding time over the last 7 days (UTC days, today included), ranked. 503 while the first board is being generated.",
  PagingQuery,
);

function pagingOf(q: { page?: number; limit?: number }): Paging {
  if (q.page === undefined && q.limit === undefined) return { page: 1, limit: null };
  return { page: q.page ?? 1, limit: q.limit ?? DEFAULT_PAGE_LIMIT };
}

/** Clients revalidate every time (a board changes every minute) and get 304 while it has not. */
const CLIENT_CACHE_CONTROL = "public, no-cache";

const etagMatches = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(",").some((v) => v.trim().replace(/^W\//, "") === etag);

/**
 * The page named `tag`: 304 when the client has it, else from the Cache API, else built (null:
 * the snapshot changed under us, ask again) and stored there for `cacheSeconds`.
 */
async function cachedPage(c: Context<AppEnv>, tag: string, cacheSeconds: number, build: () => Promise<LeaderboardBody | null>): Promise<Response | null> {
  const etag = `"${tag}"`;
  const headers = { "Content-Type": "application/json", ETag: etag, "Cache-Control": CLIENT_CACHE_CONTROL };
  if (etagMatches(c.req.header("If-None-Match"), etag)) return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": CLIENT_CACHE_CONTROL } });
  const key = new Request(new URL(`/__cache/leaderboard/${tag}`, c.req.url));
  const hit = await caches.default.match(key);
  if (hit) return new Response(hit.body, { status: 200, headers });
  const body = await build();
  if (!body) return null;
  const json = JSON.stringify(body);
  const stored = caches.default.put(key, new Response(json, { headers: { ...headers, "Cache-Control": `public, max-age=${cacheSeconds}` } }));
  try {
    c.executionCtx.waitUntil(stored);
  } catch {
    await stored; // no execution context (tests calling the app directly)
  }
  return new Response(json, { status: 200, headers });
}

async function serve(c: Context<AppEnv>, period: LeaderboardPeriod, q: { page?: number; limit?: number; timezone?: string }): Promise<Response> {
  const paging = pagingOf(q);
  const origin = new URL(c.req.url).origin;
  if (q.timezone !== undefined) {
    const tz = q.timezone;
    if (!isKnownTimeZone(tz)) throw new AppError("invalid_parameter", "Invalid timezone");
    const now = nowSeconds();
    return (await cachedPage(c, localBoardTag(tz, now, paging), 120, () => localDayBoard(c.env, tz, now, paging, origin)))!;
  }
  // A snapshot superseded between the head and its page is asked for again, once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const head = await boardHead(c.env, period, paging);
    if (!head) break;
    const res = await cachedPage(c, head.tag, 3600, () => boardBody(c.env, head, paging, origin));
    if (res) return res;
  }
  throw new AppError("unavailable", "Leaderboard is being generated");
}

export const leaderboardRouter = createRouter();

leaderboardRouter.openapi(leaderboardAliasRoute, (c) => serve(c, "daily", c.req.valid("query")));
leaderboardRouter.openapi(dailyLeaderboardRoute, (c) => serve(c, "daily", c.req.valid("query")));
leaderboardRouter.openapi(weeklyLeaderboardRoute, (c) => serve(c, "last_7_days", c.req.valid("query")));
