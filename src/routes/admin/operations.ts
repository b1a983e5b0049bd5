// Tag "Admin Utils": operator endpoints beyond Hackatime's admin API (superadmin): rebuilding
// derived data.
import { z } from "@hono/zod-openapi";
import { queueAggregateRebuilds } from "../../domain/admin/operations";
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
