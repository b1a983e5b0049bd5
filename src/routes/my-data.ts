// Tag "My Data": the caller's raw heartbeats. User API key (Bearer, Basic or ?api_key);
// restricted users (red trust or an active deletion) get 401 {"error":"Unauthorized"}.
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requireUser } from "../auth/user";
import { durations } from "../domain/durations/query";
import { heartbeatJson } from "../domain/heartbeats/serialize";
import {
  PAGE_DEFAULT_LIMIT,
  PAGE_MAX_LIMIT,
  decodeCursor,
  isoMillis,
  mostRecentHeartbeat,
  pageHeartbeats,
  parseTimeParam,
  timeAgo,
} from "../domain/stats/recent";
import { daysAgoStartOfDay, endOfTodayUtc } from "../domain/stats/windows";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { nowSeconds } from "../lib/time";
import { errorResponse, security } from "../schemas/common";
import { HeartbeatSchema } from "../schemas/heartbeat";

const tags = ["My Data"];

const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header("Cache-Control", "no-store");
  await next();
};
const unrestricted = () => [noStore, requireUser({ allowRestricted: false })];
/** Inclusive ends are turned into the exclusive ends `durations` takes by one microsecond. */
const MICROSECOND = 1e-6;

const HeartbeatListSchema = z
  .object({
    start_time: z.string().openapi({ format: "date-time", example: "2024-03-20T00:00:00.000Z" }),
    end_time: z.string().openapi({ format: "date-time", example: "2024-03-20T23:59:59.999Z" }),
    total_seconds: z.number().openapi({ description: "Capped-gap seconds over the whole range, not just this page", example: 3600 }),
    heartbeats: z.array(HeartbeatSchema),
    limit: z.number().int(),
    has_more: z.boolean(),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `after` for the next page; null on the last page" }),
  })
  .openapi("HeartbeatList");

const MostRecentSchema = z
  .object({
    has_heartbeat: z.boolean(),
    heartbeat: HeartbeatSchema.nullable(),
    editor: z.string().nullable(),
    time_ago: z.string().nullable().openapi({ example: "5 minutes ago" }),
  })
  .openapi("MostRecentHeartbeat");

export const myHeartbeatsRoute = createRoute({
  method: "get",
  path: "/api/v1/my/heartbeats",
  tags,
  summary: "Get heartbeats",
  description:
    "The caller's heartbeats with start_time ≤ time ≤ end_time, oldest first, in pages of `limit` (default 1000, at most 5000): pass `next_cursor` back as `after` until it is null. Times are ISO 8601 datetimes, YYYY-MM-DD dates or epoch seconds (UTC unless a zone is given); defaults: today in UTC. total_seconds covers the whole range.",
  security: security.userKey,
  middleware: unrestricted(),
  request: {
    query: z.object({
      start_time: z.string().optional().openapi({ description: "Start time (ISO 8601, date, or epoch seconds)", example: "2024-03-20T00:00:00Z" }),
      end_time: z.string().optional().openapi({ description: "End time, inclusive (ISO 8601, date, or epoch seconds)", example: "2024-03-20T23:59:59Z" }),
      limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).optional().openapi({ description: `Page size (default ${PAGE_DEFAULT_LIMIT}, max ${PAGE_MAX_LIMIT})`, example: PAGE_DEFAULT_LIMIT }),
      after: z.string().optional().openapi({ description: "Cursor: the next_cursor of the previous page" }),
    }),
  },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: HeartbeatListSchema } } },
    401: errorResponse("unauthorized"),
    422: errorResponse("invalid start_time, end_time, limit or cursor"),
  },
});

export const mostRecentRoute = createRoute({
  method: "get",
  path: "/api/v1/my/heartbeats/most_recent",
  tags,
  summary: "Get most recent heartbeat",
  description:
    "The caller's newest heartbeat (of `source_type` if given, else anything but test entries; of `editor` if given, case-insensitively), with how long ago it was. Useful for checking if the user is currently active.",
  security: security.userKey,
  middleware: unrestricted(),
  request: {
    query: z.object({
      source_type: z.string().optional().openapi({ description: 'Filter by source type (e.g. "direct_entry")' }),
      editor: z.string().optional().openapi({ description: 'Filter by editor name (e.g. "VSCode")' }),
    }),
  },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: MostRecentSchema } } },
    401: errorResponse("unauthorized"),
  },
});

export const myDataRouter = createRouter();

myDataRouter.openapi(myHeartbeatsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = c.var.user;
  const time = (value: string | undefined, name: string, fallback: number) => {
    if (value === undefined || value.trim() === "") return fallback;
    const t = parseTimeParam(value);
    if (t === null) throw new ApiError(422, `Invalid ${name}`);
    return t;
  };
  // Defaults: today's bounds in UTC (the app zone), the end inclusive as Rails' end_of_day.
  const now = nowSeconds();
  const start = time(query.start_time, "start_time", daysAgoStartOfDay(0, now));
  const end = time(query.end_time, "end_time", endOfTodayUtc(now));
  let after = null;
  if (query.after !== undefined && query.after !== "") {
    after = decodeCursor(query.after);
    if (!after) throw new ApiError(422, "Invalid after");
  }
  const limit = query.limit ?? PAGE_DEFAULT_LIMIT;
  const [page, total] = await Promise.all([
    pageHeartbeats(c.env.DB, user.id, { start, end }, after, limit),
    durations(c.env, user, { start, end: end + MICROSECOND }),
  ]);
  return c.json(
    {
      start_time: isoMillis(start),
      end_time: isoMillis(end),
      total_seconds: total.total,
      heartbeats: page.rows.map(heartbeatJson) as Array<z.infer<typeof HeartbeatSchema>>,
      limit,
      has_more: page.hasMore,
      next_cursor: page.nextCursor,
    },
    200,
  );
});

myDataRouter.openapi(mostRecentRoute, async (c) => {
  const { source_type, editor } = c.req.valid("query");
  const hb = await mostRecentHeartbeat(c.env.DB, c.var.user.id, { sourceType: source_type?.trim() ? source_type : undefined, editor: editor?.trim() ? editor : undefined });
  return c.json(
    {
      has_heartbeat: hb !== null,
      heartbeat: hb ? (heartbeatJson(hb) as z.infer<typeof HeartbeatSchema>) : null,
      editor: hb ? ((hb.editor as string | null) ?? null) : null,
      time_ago: hb ? timeAgo(hb.time, nowSeconds()) : null,
    },
    200,
  );
});
