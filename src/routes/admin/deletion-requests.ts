// Tag "Admin Resources": account-deletion requests (hackatime-behavior.md §8.5), superadmin
// only — Hackatime's require_superadmin answers 401 "lmao no perms" to lower admins.
import { z } from "@hono/zod-openapi";
import { approveDeletionRequest, findDeletionRequest, listDeletionRequests, rejectDeletionRequest, scheduleDateText } from "../../domain/admin/deletion-requests";
import { createRouter } from "../router";
import { DeletionRequestSchema } from "../../schemas/admin";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json, pathParam } from "../../schemas/params";
import { adminRoute } from "../factories";
import { pathId } from "./params";

const tags = ["Admin Resources"];
const hidden = { hidden: true };

const ListSchema = z.object({ pending: z.array(DeletionRequestSchema), approved: z.array(DeletionRequestSchema), completed: z.array(DeletionRequestSchema) });
const ActionSchema = z.object({ success: z.boolean(), message: z.string(), deletion_request: DeletionRequestSchema });
const idParam = z.object({ id: pathParam("id", "101") });
/** Path ids are strings; anything but a positive integer without leading zeros is simply not found. */
const requestId = (id: string) => pathId(id, { leadingZeros: false });

export const listDeletionRequestsRoute = adminRoute(
  "superadmin",
  {
    method: "get",
    path: "/api/admin/v1/deletion_requests",
    tags,
    summary: "List Deletion Requests",
    description: "Pending requests (oldest first), approved ones (soonest deletion first) and the latest 25 completed.",
    responses: { 200: json(ListSchema) },
  },
  hidden,
);

export const showDeletionRequestRoute = adminRoute(
  "superadmin",
  {
    method: "get",
    path: "/api/admin/v1/deletion_requests/{id}",
    tags,
    summary: "Show Deletion Request",
    description: "Show details of a deletion request.",
    request: { params: idParam },
    responses: { 200: json(DeletionRequestSchema), 404: errorResponse("Deletion request not found") },
  },
  hidden,
);

export const approveDeletionRequestRoute = adminRoute(
  "superadmin",
  {
    method: "post",
    path: "/api/admin/v1/deletion_requests/{id}/approve",
    tags,
    summary: "Approve Deletion Request",
    description: "Approve a pending request: the account is anonymised and its heartbeats deleted by the daily job 30 days from now.",
    request: { params: idParam },
    responses: { 200: json(ActionSchema), 404: errorResponse("Deletion request not found"), 422: errorResponse("not pending") },
  },
  hidden,
);

export const rejectDeletionRequestRoute = adminRoute(
  "superadmin",
  {
    method: "post",
    path: "/api/admin/v1/deletion_requests/{id}/reject",
    tags,
    summary: "Reject Deletion Request",
    description: "Reject (cancel) a pending request, or an approved one whose scheduled date has not yet come.",
    request: { params: idParam },
    responses: { 200: json(ActionSchema), 404: errorResponse("Deletion request not found"), 422: errorResponse("already cancelled, completed, or under way") },
  },
  hidden,
);

export const adminDeletionRequestsRouter = createRouter();

adminDeletionRequestsRouter.openapi(listDeletionRequestsRoute, async (c) => c.json(await listDeletionRequests(c.env.DB), 200));

adminDeletionRequestsRouter.openapi(showDeletionRequestRoute, async (c) => c.json(await findDeletionRequest(c.env.DB, requestId(c.req.valid("param").id)), 200));

adminDeletionRequestsRouter.openapi(approveDeletionRequestRoute, async (c) => {
  const request = await approveDeletionRequest(c.env, requestId(c.req.valid("param").id), c.var.admin.userId);
  const message = `Deletion request approved. Scheduled for ${scheduleDateText(request.scheduled_deletion_at!)}`;
  return c.json({ success: true, message, deletion_request: request }, 200);
});

adminDeletionRequestsRouter.openapi(rejectDeletionRequestRoute, async (c) => {
  const request = await rejectDeletionRequest(c.env, requestId(c.req.valid("param").id));
  return c.json({ success: true, message: "Deletion request rejected", deletion_request: request }, 200);
});
