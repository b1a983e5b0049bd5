// WakaTime Compatibility: what editor plugins (wakatime-cli) and the browser extension call,
// under both compat prefixes (Hackatime's /api/hackatime/v1, Wakapi's /api/compat/wakatime/v1).
// The {id} path segment is ignored everywhere: the credential decides the user.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireUser } from "../auth/user";
import { ingestHeartbeats } from "../domain/heartbeats/ingest";
import { FUTURE_TOLERANCE_SECONDS, MAX_BODY_BYTES, MAX_BULK_HEARTBEATS } from "../domain/heartbeats/limits";
import { readBulkPayload, readSinglePayload } from "../domain/heartbeats/payload";
import { heartbeatJson } from "../domain/heartbeats/serialize";
import { statusBarToday } from "../domain/statusbar";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { createRouter } from "./router";
import { errorResponse, security } from "../schemas/common";
import { BulkResponseSchema, HeartbeatInputSchema, HeartbeatSchema, IngestErrorSchema } from "../schemas/heartbeat";
import { StatusBarSchema } from "../schemas/statusbar";
import { COMPAT_PREFIXES, HACKATIME_PREFIX, WAKATIME_TAG, summaryFor, type CompatPrefix } from "../schemas/wakatime";

const tagsFor = (prefix: CompatPrefix) => (prefix === HACKATIME_PREFIX ? ["WakaTime Compatibility"] : [WAKATIME_TAG]);
const userIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, description: 'User ID or "current" (ignored: the key decides)', example: "current" }),
});
const heartbeatBody = {
  description: `JSON, at most ${MAX_BODY_BYTES} bytes of UTF-8: application/json, text/plain (the browser extension) or no Content-Type. Rules: docs/ingest.md.`,
  content: {
    "application/json": { schema: z.union([z.array(HeartbeatInputSchema), HeartbeatInputSchema]) },
    "text/plain": { schema: z.string().openapi({ description: "The same JSON, as the browser extension sends it" }) },
  },
};

const pushHeartbeatRoute = (prefix: CompatPrefix) =>
  createRoute({
    method: "post",
    path: `${prefix}/users/{id}/heartbeats`,
    tags: tagsFor(prefix),
    summary: summaryFor(prefix, "Push heartbeats (WakaTime compatible)"),
    description:
      "Stores one heartbeat (an object, or an array's first element). A heartbeat already stored answers with the existing row. `entity` and `time` are required; string fields have length caps; `time` may be at most " +
      `${FUTURE_TOLERANCE_SECONDS} seconds ahead of the server clock (docs/ingest.md).`,
    security: security.userKey,
    request: { params: userIdParam, body: heartbeatBody },
    responses: {
      202: { description: "accepted", content: { "application/json": { schema: HeartbeatSchema } } },
      400: errorResponse("no data, malformed JSON or invalid UTF-8"),
      401: errorResponse("unauthorized"),
      403: errorResponse("account pending deletion"),
      413: errorResponse(`body over ${MAX_BODY_BYTES} bytes`),
      415: errorResponse("Content-Type other than application/json, text/plain or none, or a charset other than UTF-8"),
      422: { description: "invalid heartbeat (missing entity or time, a field over its cap, time out of range)", content: { "application/json": { schema: IngestErrorSchema } } },
    },
  });

const pushHeartbeatsBulkRoute = (prefix: CompatPrefix) =>
  createRoute({
    method: "post",
    path: `${prefix}/users/{id}/heartbeats.bulk`,
    tags: tagsFor(prefix),
    summary: summaryFor(prefix, "Push heartbeats in bulk (wakatime-cli)"),
    description:
      `Stores up to ${MAX_BULK_HEARTBEATS} heartbeats. Answers 201 with one [body, status] pair per item, in input order; an invalid item (missing entity or time, a field over its cap, time out of range) gets [{error,type},400] and the others are stored. Retried items map to their stored rows. Rules: docs/ingest.md.`,
    security: security.userKey,
    request: { params: userIdParam, body: heartbeatBody },
    responses: {
      201: { description: "created", content: { "application/json": { schema: BulkResponseSchema } } },
      400: errorResponse(`no data, malformed JSON, invalid UTF-8, or more than ${MAX_BULK_HEARTBEATS} heartbeats`),
      401: errorResponse("unauthorized"),
      403: errorResponse("account pending deletion"),
      413: errorResponse(`body over ${MAX_BODY_BYTES} bytes`),
      415: errorResponse("Content-Type other than application/json, text/plain or none, or a charset other than UTF-8"),
    },
  });

const statusBarTodayRoute = (prefix: CompatPrefix) =>
  createRoute({
    method: "get",
    path: `${prefix}/users/{id}/statusbar/today`,
    tags: tagsFor(prefix),
    summary: summaryFor(prefix, "Get status bar today"),
    description:
      "Today's coding time in the user's time zone, for the editor status bar. With an enabled daily goal, data.goal holds today's progress towards it and the text ends in \" / 2h goal\" (docs/wakatime-api.md).",
    security: security.userKey,
    middleware: [requireUser()] as const,
    request: { params: userIdParam },
    responses: {
      200: { description: "successful", content: { "application/json": { schema: StatusBarSchema } } },
      401: errorResponse("unauthorized"),
    },
  });

function requestContext(c: Context<AppEnv>) {
  return {
    userAgentHeader: c.req.header("user-agent") ?? null,
    machineHeader: c.req.header("x-machine-name") ?? null,
    ipAddress: c.req.header("cf-connecting-ip") ?? null,
  };
}

function refuseIfDeletionActive(c: Context<AppEnv>) {
  if (c.var.user.deletionActive) throw new AppError("forbidden", "Account pending deletion");
}

export const wakatimeRouter = createRouter();

for (const prefix of COMPAT_PREFIXES) {
  // Heartbeat bodies are parsed by hand (text/plain, wrapped forms, per-item errors), so these
  // two routes are documented from their createRoute and served without body validation.
  wakatimeRouter.openAPIRegistry.registerPath(pushHeartbeatRoute(prefix));
  wakatimeRouter.openAPIRegistry.registerPath(pushHeartbeatsBulkRoute(prefix));

  wakatimeRouter.post(`${prefix}/users/:id/heartbeats`, requireUser(), async (c) => {
    refuseIfDeletionActive(c);
    const item = await readSinglePayload(c.req.raw);
    const [outcome] = await ingestHeartbeats(c.env, c.var.user, [item], requestContext(c));
    if (!outcome.ok) throw new AppError("invalid_parameter", outcome.error.error, { type: outcome.error.type });
    return c.json(heartbeatJson(outcome.row), 202);
  });

  wakatimeRouter.post(`${prefix}/users/:id/heartbeats.bulk`, requireUser(), async (c) => {
    refuseIfDeletionActive(c);
    const items = await readBulkPayload(c.req.raw);
    const outcomes = await ingestHeartbeats(c.env, c.var.user, items, requestContext(c));
    const responses = outcomes.map((o) => (o.ok ? [heartbeatJson(o.row), 201] : [o.error, 400]));
    return c.json({ responses }, 201);
  });

  wakatimeRouter.openapi(statusBarTodayRoute(prefix), async (c) => c.json(await statusBarToday(c.env, c.var.user), 200));
}
