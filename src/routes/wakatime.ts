// WakaTime Compatibility: what editor plugins (wakatime-cli) and the browser extension call.
// The {id} path segment is ignored everywhere: the credential decides the user.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireUser } from "../auth/user";
import { ingestHeartbeats } from "../domain/heartbeats/ingest";
import { FUTURE_TOLERANCE_SECONDS, MAX_BODY_BYTES, MAX_BULK_HEARTBEATS } from "../domain/heartbeats/limits";
import { readBulkPayload, readSinglePayload } from "../domain/heartbeats/payload";
import { heartbeatJson } from "../domain/heartbeats/serialize";
import { statusBarToday } from "../domain/statusbar";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { errorResponse } from "../schemas/common";
import { BulkResponseSchema, HeartbeatInputSchema, HeartbeatSchema, IngestErrorSchema } from "../schemas/heartbeat";
import { jsonResponse, wakatimeUserIdParams } from "../schemas/params";
import { StatusBarSchema } from "../schemas/statusbar";
import { userRoute } from "./factories";
import { createRouter } from "./router";

const tags = ["WakaTime Compatibility"];
const heartbeatBody = {
  description: `JSON, at most ${MAX_BODY_BYTES} bytes of UTF-8: application/json, text/plain (the browser extension) or no Content-Type. Rules: docs/ingest.md.`,
  content: {
    "application/json": { schema: z.union([z.array(HeartbeatInputSchema), HeartbeatInputSchema]) },
    "text/plain": { schema: z.string().openapi({ description: "The same JSON, as the browser extension sends it" }) },
  },
};

export const pushHeartbeatRoute = userRoute({
  method: "post",
  path: "/api/hackatime/v1/users/{id}/heartbeats",
  tags,
  summary: "Push heartbeats (WakaTime compatible)",
  description:
    "Stores one heartbeat (an object, or an array's first element). A heartbeat already stored answers with the existing row. `entity` and `time` are required; string fields have length caps; `time` may be at most " +
    `${FUTURE_TOLERANCE_SECONDS} seconds ahead of the server clock (docs/ingest.md).`,
  request: { params: wakatimeUserIdParams, body: heartbeatBody },
  responses: {
    202: jsonResponse(HeartbeatSchema, "accepted"),
    400: errorResponse("no data, malformed JSON or invalid UTF-8"),
    403: errorResponse("account pending deletion"),
    413: errorResponse(`body over ${MAX_BODY_BYTES} bytes`),
    415: errorResponse("Content-Type other than application/json, text/plain or none, or a charset other than UTF-8"),
    422: jsonResponse(IngestErrorSchema, "invalid heartbeat (missing entity or time, a field over its cap, time out of range)"),
  },
});

export const pushHeartbeatsBulkRoute = userRoute({
  method: "post",
  path: "/api/hackatime/v1/users/{id}/heartbeats.bulk",
  tags,
  summary: "Push heartbeats in bulk (wakatime-cli)",
  description:
    `Stores up to ${MAX_BULK_HEARTBEATS} heartbeats. Answers 201 with one [body, status] pair per item, in input order; an invalid item (missing entity or time, a field over its cap, time out of range) gets [{error,type},400] and the others are stored. Retried items map to their stored rows. Rules: docs/ingest.md.`,
  request: { params: wakatimeUserIdParams, body: heartbeatBody },
  responses: {
    201: jsonResponse(BulkResponseSchema, "created"),
    400: errorResponse(`no data, malformed JSON, invalid UTF-8, or more than ${MAX_BULK_HEARTBEATS} heartbeats`),
    403: errorResponse("account pending deletion"),
    413: errorResponse(`body over ${MAX_BODY_BYTES} bytes`),
    415: errorResponse("Content-Type other than application/json, text/plain or none, or a charset other than UTF-8"),
  },
});

export const statusBarTodayRoute = userRoute({
  method: "get",
  path: "/api/hackatime/v1/users/{id}/statusbar/today",
  tags,
  summary: "Get status bar today",
  description: "Today's coding time in the user's time zone, for the editor status bar.",
  request: { params: wakatimeUserIdParams },
  responses: { 200: jsonResponse(StatusBarSchema) },
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

// Heartbeat bodies are parsed by hand (text/plain, wrapped forms, per-item errors), so these
// two routes are documented from their route definitions and served without body validation.
wakatimeRouter.openAPIRegistry.registerPath(pushHeartbeatRoute);
wakatimeRouter.openAPIRegistry.registerPath(pushHeartbeatsBulkRoute);

wakatimeRouter.post("/api/hackatime/v1/users/:id/heartbeats", requireUser(), async (c) => {
  refuseIfDeletionActive(c);
  const item = await readSinglePayload(c.req.raw);
  const [outcome] = await ingestHeartbeats(c.env, c.var.user, [item], requestContext(c));
  if (!outcome.ok) throw new AppError("invalid_parameter", outcome.error.error, { type: outcome.error.type });
  return c.json(heartbeatJson(outcome.row), 202);
});

wakatimeRouter.post("/api/hackatime/v1/users/:id/heartbeats.bulk", requireUser(), async (c) => {
  refuseIfDeletionActive(c);
  const items = await readBulkPayload(c.req.raw);
  const outcomes = await ingestHeartbeats(c.env, c.var.user, items, requestContext(c));
  const responses = outcomes.map((o) => (o.ok ? [heartbeatJson(o.row), 201] : [o.error, 400]));
  return c.json({ responses }, 201);
});

wakatimeRouter.openapi(statusBarTodayRoute, async (c) => c.json(await statusBarToday(c.env, c.var.user), 200));
