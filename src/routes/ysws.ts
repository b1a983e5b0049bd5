// Tag "YSWS Programs" (hackatime-behavior.md §12): the program list (public) and claiming a
// user's heartbeats for a program (stats key: an admin key or STATS_API_KEY, Bearer or ?api_key).
import { z } from "@hono/zod-openapi";
import { claimHeartbeats, parseClaim, YSWS_PROGRAMS } from "../domain/ysws";
import { createRouter } from "./router";
import { errorResponse, security } from "../schemas/common";
import { jsonResponse } from "../schemas/params";
import { publicRoute, statsKeyRoute } from "./factories";

const tags = ["YSWS Programs"];

// Loosely typed on purpose: the handler answers bad values with Hackatime's 400 messages.
const ClaimBody = z
  .object({
    program_id: z.unknown().optional().openapi({ type: "integer", description: "YSWS Program ID (its enum value, 0–58; the name is accepted too)", example: 2 }),
    user_id: z.unknown().optional().openapi({ type: "string", description: "User ID or Slack UID", example: "U0123456" }),
    start_time: z.unknown().optional().openapi({ type: "string", format: "date-time", description: "Start time of the claim period (ISO 8601, UTC unless zoned; or epoch seconds)", example: "2025-01-01T00:00:00Z" }),
    end_time: z.unknown().optional().openapi({ type: "string", format: "date-time", description: "End time of the claim period (inclusive)", example: "2025-01-31T23:59:59Z" }),
    project: z.unknown().optional().openapi({ type: "string", description: "Project name (optional; null or blank = every project)" }),
  })
  .openapi("YswsClaimRequest");

const ClaimedSchema = z.object({
  message: z.string().openapi({ example: "Successfully claimed 100 heartbeats" }),
  claimed_count: z.number().int().openapi({ example: 100 }),
});
const ConflictSchema = z.object({
  error: z.string().openapi({ example: "Some heartbeats are already claimed" }),
  conflicts: z.array(z.tuple([z.number().int(), z.string()])).openapi({ description: "[heartbeat id, program name] of claimed heartbeats (first 1000 by id)", example: [[123, "arcade"]] }),
  conflict_count: z.number().int().openapi({ description: "How many heartbeats in the range are already claimed" }),
});

export const listProgramsRoute = publicRoute({
  method: "get",
  path: "/api/v1/ysws_programs",
  tags,
  summary: "List YSWS Programs",
  description: "List available YSWS (Your Ship We Ship) programs: the program names, in the order of their ids (0 = nothing … 58 = neighborhood).",
  responses: {
    200: jsonResponse(z.array(z.string().openapi({ example: "onboard" }))),
  },
});

// The spec lists the user-key scheme here; the stats key is what is checked.
export const claimRoute = statsKeyRoute(
  {
    method: "post",
    path: "/api/v1/ysws_programs/claim",
    tags,
    summary: "Claim YSWS Program",
    description:
      "Claim a YSWS program reward: marks the user's heartbeats with start_time ≤ time ≤ end_time (and the project, if given) as claimed by the program. If any of them is already claimed, nothing changes and 409 lists them. An unknown user claims 0 heartbeats. Requires the stats key (an admin key or STATS_API_KEY as Bearer; STATS_API_KEY also as ?api_key).",
    security: security.userKey,
    request: {
      body: { required: false, content: { "application/json": { schema: ClaimBody }, "application/x-www-form-urlencoded": { schema: ClaimBody } } },
    },
    responses: {
      200: jsonResponse(ClaimedSchema),
      400: errorResponse("missing parameters, invalid program_id or invalid time"),
      409: jsonResponse(ConflictSchema, "conflict"),
    },
  },
  { allowQueryParam: true },
);

export const yswsRouter = createRouter();

yswsRouter.openapi(listProgramsRoute, (c) => c.json([...YSWS_PROGRAMS], 200));

yswsRouter.openapi(claimRoute, async (c) => {
  // Rails merges query and body params; so do we (the body wins).
  const params = { ...c.req.query(), ...(c.req.valid("form") as object), ...(c.req.valid("json") as object) };
  const claimed = await claimHeartbeats(c.env.DB, parseClaim(params));
  return c.json({ message: `Successfully claimed ${claimed} heartbeats`, claimed_count: claimed }, 200);
});
