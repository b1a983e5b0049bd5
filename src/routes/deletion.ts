// Tag "My Settings": a user's own account-deletion request (hackatime-behavior.md §8.5).
// Hackatime serves these to a browser session and answers with redirects; we accept the user
// API key (docs/architecture.md "Decisions") and redirect to GET /deletion, a JSON view of the request
// the client can follow. The redirect carries the same JSON in its body.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { cancelDeletionRequest, createDeletionRequest, latestDeletionRequest, userDeletionJson, validateDeletionReason } from "../domain/deletion";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { jsonResponse, nullableString } from "../schemas/params";
import { userRoute } from "./factories";
import { ownLocation } from "./location";

const tags = ["My Settings"];
const DELETION_PATH = "/deletion";

const UserDeletionRequestSchema = z
  .object({
    deletion_request: z.object({
      id: z.number().int(),
      user_id: z.number().int(),
      status: z.enum(["pending", "approved", "cancelled", "completed"]),
      status_label: z.string(),
      reason: z.string().nullable(),
      reason_details: z.string().nullable(),
      requested_at: z.string(),
      scheduled_deletion_at: z.string().nullable(),
      days_until_deletion: z.number().int().nullable(),
      can_be_cancelled: z.boolean(),
      cancelled_at: z.string().nullable(),
      completed_at: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
    }),
  })
  .openapi("UserDeletionRequest");

// Lengths are checked in characters (not UTF-16 units) by validateDeletionReason.
const text = (description: string) => nullableString.optional().openapi({ description });
const ReasonFields = {
  reason: text("Why (≤ 100 characters); give it together with reason_details, or neither"),
  reason_details: text("More detail (≤ 1000 characters)"),
};
// Hackatime reads params[:deletion_request][:reason]; the flat form is accepted too.
const CreateJsonBody = z.object({ ...ReasonFields, deletion_request: z.object(ReasonFields).optional() }).openapi("CreateDeletionRequest");
const CreateFormBody = z.object({
  ...ReasonFields,
  "deletion_request[reason]": ReasonFields.reason,
  "deletion_request[reason_details]": ReasonFields.reason_details,
});

const redirect = {
  description: "redirect to GET /deletion; the body is the request it shows",
  headers: z.object({ Location: z.string().openapi({ example: DELETION_PATH }) }),
  content: { "application/json": { schema: UserDeletionRequestSchema } },
};

export const showDeletionRoute = userRoute({
  method: "get",
  path: DELETION_PATH,
  tags,
  summary: "Show Deletion Request",
  description: "Your active deletion request, or else your latest one: status, schedule, and whether it can still be cancelled.",
  responses: {
    200: jsonResponse(UserDeletionRequestSchema),
    404: errorResponse("no deletion request"),
  },
});

export const createDeletionRoute = userRoute({
  method: "post",
  path: DELETION_PATH,
  tags,
  summary: "Create Deletion Request",
  description:
    "Request deletion of your account and data. An admin approves it; the account is anonymised and its heartbeats deleted 30 days later. While the request is active, heartbeat ingest answers 403. Refused (422) while another request is active, or within 365 days of a red (banned) trust-level change.",
  request: {
    body: {
      required: false,
      content: { "application/json": { schema: CreateJsonBody }, "application/x-www-form-urlencoded": { schema: CreateFormBody } },
    },
  },
  responses: {
    302: redirect,
    422: errorResponse("already requested, recently banned, or invalid reason"),
  },
});

export const cancelDeletionRoute = userRoute({
  method: "delete",
  path: DELETION_PATH,
  tags,
  summary: "Cancel Deletion Request",
  description: "Cancel your pending or approved deletion request. Once its scheduled date has passed the deletion is under way and can no longer be cancelled (422).",
  responses: {
    302: redirect,
    404: errorResponse("no active deletion request"),
    422: errorResponse("deletion already under way"),
  },
});

const showLocation = (c: Context<AppEnv>) => ownLocation(c, DELETION_PATH);

export const deletionRouter = createRouter();

deletionRouter.openapi(showDeletionRoute, async (c) => {
  return c.json({ deletion_request: userDeletionJson(await latestDeletionRequest(c.env.DB, c.var.user.id)) }, 200);
});

deletionRouter.openapi(createDeletionRoute, async (c) => {
  const json = c.req.valid("json") as z.infer<typeof CreateJsonBody>;
  const form = c.req.valid("form") as z.infer<typeof CreateFormBody>;
  const reason = json.deletion_request?.reason ?? json.reason ?? form["deletion_request[reason]"] ?? form.reason;
  const details = json.deletion_request?.reason_details ?? json.reason_details ?? form["deletion_request[reason_details]"] ?? form.reason_details;
  const row = await createDeletionRequest(c.env, c.var.user, validateDeletionReason(reason, details));
  return c.json({ deletion_request: userDeletionJson(row) }, 302, { Location: showLocation(c) });
});

deletionRouter.openapi(cancelDeletionRoute, async (c) => {
  const row = await cancelDeletionRequest(c.env, c.var.user.id);
  return c.json({ deletion_request: userDeletionJson(row) }, 302, { Location: showLocation(c) });
});
