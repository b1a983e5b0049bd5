// Tag "Admin Resources": account-deletion requests (hackatime-behavior.md §8.5), superadmin
// only — Hackatime's require_superadmin answers 401 "lmao no perms" to lower admins.
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/admin";
import { approveDeletionRequest, findDeletionRequest, listDeletionRequests, rejectDeletionRequest, scheduleDateText } from "../../domain/deletion";
import { createRouter } from "../router";
import { errorResponse, security } from "../../schemas/common";

const tags = ["Admin Resources"];
const superadminOnly = () => requireAdmin("superadmin", { code: "level_too_low_hidden", message: "lmao no perms" });

const UserBrief = z.object({ id: z.number().int(), username: z.string(), display_name: z.string() });
const DeletionRequestSchema = z
  .object({
    id: z.number().int().openapi({ example: 101 }),
    user_id: z.number().int().openapi({ example: 42 }),
    user: UserBrief.nullable(),
    status: z.enum(["pending", "approved", "cancelled", "completed"]),
    reason: z.string().nullable(),
    reason_details: z.string().nullable(),
    requested_at: z.string(),
    scheduled_deletion_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    admin_approved_at: z.string().nullable(),
    admin_approved_by: UserBrief.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("DeletionRequest");
const ListSchema = z.object({ pending: z.array(DeletionRequestSchema), approved: z.array(DeletionRequestSchema), completed: z.array(DeletionRequestSchema) });
const ActionSchema = z.object({ success: z.boolean(), message: z.string(), deletion_request: DeletionRequestSchema });
const idParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "101" }) });

const denied = { 401: errorResponse("no admin key, or not a superadmin (\"lmao no perms\")") };
const json = <T extends z.ZodType>(schema: T) => ({ description: "successful", content: { "application/json": { schema } } });

export const listDeletionRequestsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/deletion_requests",
  tags,
  summary: "List Deletion Requests",
  description: "Pending requests (oldest first), approved ones (soonest deletion first) and the latest 25 completed.",
  security: security.adminToken,
  middleware: [superadminOnly()] as const,
  responses: { 200: json(ListSchema), ...denied },
});

export const showDeletionRequestRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/deletion_requests/{id}",
  tags,
  summary: "Show Deletion Request",
  description: "Show details of a deletion request.",
  security: security.adminToken,
  middleware: [superadminOnly()] as const,
  request: { params: idParam },
  responses: { 200: json(DeletionRequestSchema), ...denied, 404: errorResponse("Deletion request not found") },
});

export const approveDeletionRequestRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/deletion_requests/{id}/approve",
  tags,
  summary: "Approve Deletion Request",
  description: "Approve a pending request: the account is anonymised and its heartbeats deleted by the daily job 30 days from now.",
  security: security.adminToken,
  middleware: [superadminOnly()] as const,
  request: { params: idParam },
  responses: { 200: json(ActionSchema), ...denied, 404: errorResponse("Deletion request not found"), 422: errorResponse("not pending") },
});

export const rejectDeletionRequestRoute = createRoute({
  method: "post",
  path: "/api/admin/v1/deletion_requests/{id}/reject",
  tags,
  summary: "Reject Deletion Request",
  description: "Reject (cancel) a pending request, or an approved one whose scheduled date has not yet come.",
  security: security.adminToken,
  middleware: [superadminOnly()] as const,
  request: { params: idParam },
  responses: { 200: json(ActionSchema), ...denied, 404: errorResponse("Deletion request not found"), 422: errorResponse("already cancelled, completed, or under way") },
});

export const adminDeletionRequestsRouter = createRouter();

adminDeletionRequestsRouter.openapi(listDeletionRequestsRoute, async (c) => c.json(await listDeletionRequests(c.env.DB), 200));

adminDeletionRequestsRouter.openapi(showDeletionRequestRoute, async (c) => c.json(await findDeletionRequest(c.env.DB, c.req.valid("param").id), 200));

adminDeletionRequestsRouter.openapi(approveDeletionRequestRoute, async (c) => {
  const request = await approveDeletionRequest(c.env.DB, c.req.valid("param").id, c.var.admin.userId);
  const message = `Deletion request approved. Scheduled for ${scheduleDateText(request.scheduled_deletion_at!)}`;
  return c.json({ success: true, message, deletion_request: request }, 200);
});

adminDeletionRequestsRouter.openapi(rejectDeletionRequestRoute, async (c) => {
  const request = await rejectDeletionRequest(c.env.DB, c.req.valid("param").id);
  return c.json({ success: true, message: "Deletion request rejected", deletion_request: request }, 200);
});
