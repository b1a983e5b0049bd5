// Tag "Admin Utils": operator endpoints beyond Hackatime's admin API (superadmin): rebuilding
// derived data, moving users between shard databases.
import { z } from "@hono/zod-openapi";
import { queueAggregateRebuilds, queueShardMove } from "../../domain/admin/operations";
import { shardOverview } from "../../domain/shards/move";
import { createRouter } from "../router";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json } from "../../schemas/params";
import { adminRoute } from "../factories";

export const rebuildAggregatesRoute = adminRoute("superadmin", {
  method: "post",
  path: "/api/admin/v1/aggregates/rebuild",
  tags: ["Admin Utils"],
  summary: "Rebuild derived duration data",
  description: "Queues a rebuild of one user's (user_id) or every user's (all: true) status-bar and stats projection from their heartbeats. Superadmin only.",
  request: {
    body: { content: { "application/json": { schema: z.object({ user_id: z.number().int().positive().optional(), all: z.boolean().optional() }) } }, required: true },
  },
  responses: { 202: json(z.object({ queued: z.number().int() }), "queued"), 422: errorResponse("neither user_id nor all") },
});

export const operationsRouter = createRouter();

operationsRouter.openapi(rebuildAggregatesRoute, async (c) => {
  const body = c.req.valid("json");
  return c.json({ queued: await queueAggregateRebuilds(c.env, { userId: body.user_id, all: body.all }) }, 202);
});

export const shardMoveRoute = adminRoute("superadmin", {
  method: "post",
  path: "/api/admin/v1/shards/move",
  tags: ["Admin Utils"],
  summary: "Move a user to another shard database",
  description:
    "Queues an online move of one user's heartbeats to shard `to`: the user keeps posting, the copy is verified (row counts and all-time total) before the switch, then the old rows are deleted. GET /api/admin/v1/shards lists moves under way. Superadmin only.",
  request: {
    body: { content: { "application/json": { schema: z.object({ user_id: z.number().int().positive(), to: z.number().int().nonnegative() }) } }, required: true },
  },
  responses: {
    202: json(z.object({ user_id: z.number().int(), from: z.number().int(), to: z.number().int() }), "queued"),
    404: errorResponse("no such user"),
    409: errorResponse("already on that shard, being moved elsewhere, or an import is running"),
    422: errorResponse("no such shard"),
  },
});

export const shardsRoute = adminRoute("superadmin", {
  method: "get",
  path: "/api/admin/v1/shards",
  tags: ["Admin Utils"],
  summary: "List shard databases and moves under way",
  description: "Each shard database with its number of users, the users being moved (their shard and the shard holding a partial copy), and with user_id that user's shard. Superadmin only.",
  request: { query: z.object({ user_id: z.coerce.number().int().positive().optional() }) },
  responses: {
    200: json(
      z.object({
        shards: z.array(z.object({ index: z.number().int(), users: z.number().int() })),
        moving: z.array(z.object({ user_id: z.number().int(), shard: z.number().int(), stale_shard: z.number().int() })),
        user: z.object({ id: z.number().int(), shard: z.number().int(), stale_shard: z.number().int().nullable() }).optional(),
      }),
      "shards",
    ),
  },
});

operationsRouter.openapi(shardMoveRoute, async (c) => {
  const body = c.req.valid("json");
  return c.json(await queueShardMove(c.env, body.user_id, body.to), 202);
});

operationsRouter.openapi(shardsRoute, async (c) => c.json(await shardOverview(c.env, c.req.valid("query").user_id), 200));
