// Trust-level audit logs (hackatime-behavior.md §8.4): every trust change, who made it and why.
// Read-only, for any admin level (viewer+).
import { createRoute, z } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/admin";
import { trustLevelName } from "../../auth/levels";
import { adminSummary, parseId, pickUser, searchIdentity, userSummary, userSummaryColumns } from "../../domain/admin/serializers";
import { AppError } from "../../lib/errors";
import { createRouter } from "../router";
import { isBlank } from "../../lib/text";
import { errorResponse, security } from "../../schemas/common";

const tags = ["Admin Resources"];

/** The list shows the latest this many logs (Hackatime's limit). */
export const AUDIT_LOG_LIST_LIMIT = 250;

/** trust_level_filter values → the new trust level they select; any other value filters nothing. */
export const TRUST_LEVEL_FILTERS: Readonly<Record<string, string>> = {
  to_convicted: "red",
  to_trusted: "green",
  to_suspected: "yellow",
  to_unscored: "blue",
};

// ---- schemas ----

const PersonSchema = z.object({ id: z.number().int(), username: z.string(), display_name: z.string() });
const ChangedBySchema = PersonSchema.extend({ admin_level: z.string().openapi({ example: "superadmin" }) })
  .nullable()
  .openapi({ description: "The admin who made the change (null if that account no longer exists)" });

const auditLogFields = {
  id: z.number().int(),
  previous_trust_level: z.string().nullable().openapi({ example: "blue" }),
  new_trust_level: z.string().nullable().openapi({ example: "red" }),
  changed_by: ChangedBySchema,
  reason: z.string().nullable(),
  notes: z.string().nullable(),
  created_at: z.string(),
};

const AuditLogSchema = z.object({ ...auditLogFields, user: PersonSchema }).openapi("TrustLevelAuditLog");
const AuditLogDetailSchema = z
  .object({
    ...auditLogFields,
    user: PersonSchema.extend({ current_trust_level: z.string().openapi({ example: "red" }) }),
    updated_at: z.string(),
  })
  .openapi("TrustLevelAuditLogDetail");

const q = (description: string) => z.string().optional().openapi({ description });

// ---- routes ----

export const listAuditLogsRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/trust_level_audit_logs",
  tags,
  summary: "List Trust Level Audit Logs",
  description: `The latest ${AUDIT_LOG_LIST_LIMIT} trust-level changes, newest first, optionally filtered. total_count is the number returned (at most ${AUDIT_LOG_LIST_LIMIT}), as in Hackatime.`,
  security: security.adminToken,
  middleware: [requireAdmin("viewer")] as const,
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
    200: {
      description: "successful",
      content: { "application/json": { schema: z.object({ audit_logs: z.array(AuditLogSchema), total_count: z.number().int() }) } },
    },
    401: errorResponse("missing or invalid admin key"),
    404: errorResponse("User not found / Admin not found"),
  },
});

export const showAuditLogRoute = createRoute({
  method: "get",
  path: "/api/admin/v1/trust_level_audit_logs/{id}",
  tags,
  summary: "Show Trust Level Audit Log",
  description: "One audit log, with the user's current trust level.",
  security: security.adminToken,
  middleware: [requireAdmin("viewer")] as const,
  request: { params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "1" }) }) },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: AuditLogDetailSchema } } },
    401: errorResponse("missing or invalid admin key"),
    404: errorResponse("Audit log not found"),
  },
});

// ---- data ----

type LogRow = {
  id: number;
  previous_trust_level: string | null;
  new_trust_level: string | null;
  reason: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
} & Record<string, unknown>;

const LOG_SELECT = `SELECT l.id, l.previous_trust_level, l.new_trust_level, l.reason, l.notes, l.created_at, l.updated_at,
    ${userSummaryColumns("u", "u_")}, ${userSummaryColumns("a", "a_")}
  FROM trust_level_audit_logs l
  JOIN users u ON u.id = l.user_id
  LEFT JOIN users a ON a.id = l.changed_by_id`;

function logJson(row: LogRow) {
  const admin = pickUser(row, "a_");
  return {
    id: row.id,
    user: userSummary(pickUser(row, "u_")!),
    previous_trust_level: row.previous_trust_level,
    new_trust_level: row.new_trust_level,
    changed_by: admin ? adminSummary(admin) : null,
    reason: row.reason,
    notes: row.notes,
    created_at: row.created_at,
  };
}

async function userExists(d1: D1Database, raw: string): Promise<number | null> {
  const id = parseId(raw);
  if (id === null) return null;
  const row = await d1.prepare("SELECT id FROM users WHERE id = ?").bind(id).first<{ id: number }>();
  return row?.id ?? null;
}

// ---- handlers ----

export const adminAuditLogsRouter = createRouter();

adminAuditLogsRouter.openapi(listAuditLogsRoute, async (c) => {
  const query = c.req.valid("query");
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (!isBlank(query.user_id)) {
    const id = await userExists(c.env.DB, query.user_id!.trim());
    if (id === null) throw new AppError("not_found", "User not found");
    where.push("l.user_id = ?");
    params.push(id);
  }
  if (!isBlank(query.admin_id)) {
    const id = await userExists(c.env.DB, query.admin_id!.trim());
    if (id === null) throw new AppError("not_found", "Admin not found");
    where.push("l.changed_by_id = ?");
    params.push(id);
  }
  const userSearch = searchIdentity(query.user_search);
  if (userSearch) {
    where.push(`l.user_id IN (${userSearch.sql})`);
    params.push(...userSearch.params);
  }
  const adminSearch = searchIdentity(query.admin_search);
  if (adminSearch) {
    where.push(`l.changed_by_id IN (${adminSearch.sql})`);
    params.push(...adminSearch.params);
  }
  const level = query.trust_level_filter ? TRUST_LEVEL_FILTERS[query.trust_level_filter] : undefined;
  if (level) {
    where.push("l.new_trust_level = ?");
    params.push(level);
  }
  const sql = `${LOG_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY l.created_at DESC, l.id DESC LIMIT ${AUDIT_LOG_LIST_LIMIT}`;
  const { results } = await c.env.DB.prepare(sql)
    .bind(...params)
    .all<LogRow>();
  const auditLogs = results.map(logJson);
  return c.json({ audit_logs: auditLogs, total_count: auditLogs.length }, 200);
});

adminAuditLogsRouter.openapi(showAuditLogRoute, async (c) => {
  const id = parseId(c.req.valid("param").id);
  const row = id === null ? null : await c.env.DB.prepare(`${LOG_SELECT} WHERE l.id = ?`).bind(id).first<LogRow>();
  if (!row) throw new AppError("not_found", "Audit log not found");
  const base = logJson(row);
  const subject = pickUser(row, "u_")!;
  return c.json({ ...base, user: { ...base.user, current_trust_level: trustLevelName(subject.trust_level) }, updated_at: row.updated_at }, 200);
});
