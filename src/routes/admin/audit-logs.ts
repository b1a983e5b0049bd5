// Tag "Admin Resources": trust-level audit logs (hackatime-behavior.md §8.4): every trust change,
// who made it and why. Read-only, for any admin level (viewer+).
import { z } from "@hono/zod-openapi";
import type { TrustLevelName } from "../../auth/levels";
import { AUDIT_LOG_LIST_LIMIT, listAuditLogs, showAuditLog } from "../../domain/admin/audit-logs";
import { createRouter } from "../router";
import { isBlank } from "../../lib/text";
import { AuditLogDetailSchema, AuditLogSchema } from "../../schemas/admin";
import { errorResponse } from "../../schemas/common";
import { jsonResponse as json, pathParam, queryParam as q } from "../../schemas/params";
import { adminRoute } from "../factories";
import { pathId } from "./params";

const tags = ["Admin Resources"];

/** trust_level_filter values → the new trust level they select; any other value filters nothing. */
export const TRUST_LEVEL_FILTERS: Readonly<Record<string, TrustLevelName>> = {
  to_convicted: "red",
  to_trusted: "green",
  to_suspected: "yellow",
  to_unscored: "blue",
};

export const listAuditLogsRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/trust_level_audit_logs",
  tags,
  summary: "List Trust Level Audit Logs",
  description: `The latest ${AUDIT_LOG_LIST_LIMIT} trust-level changes, newest first, optionally filtered. total_count is the number returned (at most ${AUDIT_LOG_LIST_LIMIT}), as in Hackatime.`,
  request: {
    query: z.object({
      user_id: q("Only logs about this user id (404 if there is no such user)"),
      admin_id: q("Only changes made by this admin id (404 if there is no such user)"),
      user_search: q("Only users matching this (Slack UID, or part of username / Slack or GitHub username / email, or id)"),
      admin_search: q("Only admins matching this (as user_search)"),
      trust_level_filter: z
        .string()
        .optional()
        .openapi({ description: "Filter by the new level: to_convicted, to_trusted, to_suspected, to_unscored (all or anything else: no filter)", enum: ["all", ...Object.keys(TRUST_LEVEL_FILTERS)] }),
    }),
  },
  responses: {
    200: json(z.object({ audit_logs: z.array(AuditLogSchema), total_count: z.number().int() })),
    404: errorResponse("User not found / Admin not found"),
  },
});

export const showAuditLogRoute = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/v1/trust_level_audit_logs/{id}",
  tags,
  summary: "Show Trust Level Audit Log",
  description: "One audit log, with the user's current trust level.",
  request: { params: z.object({ id: pathParam("id", "1") }) },
  responses: { 200: json(AuditLogDetailSchema), 404: errorResponse("Audit log not found") },
});

/** A blank parameter is no filter; a malformed id is null (no such user). */
const idFilter = (raw: string | undefined) => (isBlank(raw) ? undefined : pathId(raw.trim()));
const searchFilter = (raw: string | undefined) => (isBlank(raw) ? undefined : raw.trim());

export const adminAuditLogsRouter = createRouter();

adminAuditLogsRouter.openapi(listAuditLogsRoute, async (c) => {
  const query = c.req.valid("query");
  const logs = await listAuditLogs(c.env.DB, {
    userId: idFilter(query.user_id),
    adminId: idFilter(query.admin_id),
    userSearch: searchFilter(query.user_search),
    adminSearch: searchFilter(query.admin_search),
    newTrustLevel: query.trust_level_filter && Object.hasOwn(TRUST_LEVEL_FILTERS, query.trust_level_filter) ? TRUST_LEVEL_FILTERS[query.trust_level_filter] : undefined,
  });
  return c.json(logs, 200);
});

adminAuditLogsRouter.openapi(showAuditLogRoute, async (c) => c.json(await showAuditLog(c.env.DB, pathId(c.req.valid("param").id)), 200));
