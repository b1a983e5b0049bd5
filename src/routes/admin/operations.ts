// Operator endpoints beyond Hackatime's admin API (superadmin): rebuilding derived data.
import { createRoute, z } from "@hono/zod-openapi";
import { gt } from "drizzle-orm";
import { requireAdmin } from "../../auth/admin";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { rebuildMessage } from "../../queues/rebuild-aggregates";
import { AppError } from "../../lib/errors";
import { createRouter } from "../router";
import { errorResponse, security } from "../../schemas/common";

export const rebuildAggregatesRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/aggregates/rebuild",
  tags: ["Admin Utils"],
  summary: "Rebuild derived duration data",
  description: "Queues a rebuild of one user's (user_id) or every user's (all: true) status-bar and stats projection from their heartbeats. Superadmin only.",
  security: security.adminToken,
  middleware: [requireAdmin("superadmin")] as const,
  request: {
    body: { content: { "application/json": { schema: z.object({ user_id: z.number().int().positive().optional(), all: z.boolean().optional() }) } }, required: true },
  },
  responses: {
    202: { description: "queued", content: { "application/json": { schema: z.object({ queued: z.number().int() }) } } },
    401: errorResponse("unauthorized"),
    403: errorResponse("not a superadmin"),
    422: errorResponse("neither user_id nor all"),
  },
});

export const operationsRouter = createRouter();

operationsRouter.openapi(rebuildAggregatesRoute, async (c) => {
  const body = c.req.valid("json");
  if (body.user_id) {
    await c.env.IMPORTS.send(rebuildMessage(body.user_id));
    return c.json({ queued: 1 }, 202);
  }
  if (!body.all) throw new AppError("invalid_parameter", "give user_id or all: true");
  // Page through users by id; one queue batch (≤ 100 messages) per page.
  const db = getDb(c.env.DB);
  let after = 0;
  let queued = 0;
  for (;;) {
    const page = await db.select({ id: users.id }).from(users).where(gt(users.id, after)).orderBy(users.id).limit(100).all();
    if (page.length === 0) break;
    await c.env.IMPORTS.sendBatch(page.map((u) => ({ body: rebuildMessage(u.id) })));
    queued += page.length;
    after = page[page.length - 1].id;
  }
  return c.json({ queued }, 202);
});
