// Trust-level audit logs (hackatime-behavior.md §8.4): every trust change, who made it and why.
import { trustLevelName, type TrustLevelName } from "../../auth/levels";
import { auditLogById, auditLogs, type AuditLogRow } from "../../db/audit-logs";
import { userById } from "../../db/users";
import { AppError } from "../../lib/errors";
import { adminSummary, userSummary } from "./serializers";

/** The list shows the latest this many logs (Hackatime's limit). */
export const AUDIT_LOG_LIST_LIMIT = 250;

function logJson(row: AuditLogRow) {
  return {
    id: row.id,
    user: userSummary(row.user),
    previous_trust_level: row.previous_trust_level,
    new_trust_level: row.new_trust_level,
    changed_by: row.changedBy ? adminSummary(row.changedBy) : null,
    reason: row.reason,
    notes: row.notes,
    created_at: row.created_at,
  };
}

export interface AuditLogQuery {
  /** Only logs about this user; null: a malformed id (no such user). */
  userId?: number | null;
  /** Only changes made by this admin; null: a malformed id. */
  adminId?: number | null;
  /** Identity searches (trimmed, not blank). */
  userSearch?: string;
  adminSearch?: string;
  newTrustLevel?: TrustLevelName;
}

/** A filter by user id: 404 `message` when no user has it. */
async function existingUser(d1: D1Database, id: number | null, message: string): Promise<number> {
  if (id === null || !(await userById(d1, id))) throw new AppError("not_found", message);
  return id;
}

/** The latest 250 logs matching every filter given, newest first; total_count is their number, as in Hackatime. */
export async function listAuditLogs(d1: D1Database, q: AuditLogQuery) {
  const rows = await auditLogs(
    d1,
    {
      userId: q.userId === undefined ? undefined : await existingUser(d1, q.userId, "User not found"),
      changedById: q.adminId === undefined ? undefined : await existingUser(d1, q.adminId, "Admin not found"),
      userSearch: q.userSearch,
      adminSearch: q.adminSearch,
      newTrustLevel: q.newTrustLevel,
    },
    AUDIT_LOG_LIST_LIMIT,
  );
  const logs = rows.map(logJson);
  return { audit_logs: logs, total_count: logs.length };
}

/** One log, with the user's current trust level. */
export async function showAuditLog(d1: D1Database, id: number | null) {
  const row = id === null ? null : await auditLogById(d1, id);
  if (!row) throw new AppError("not_found", "Audit log not found");
  const base = logJson(row);
  return { ...base, user: { ...base.user, current_trust_level: trustLevelName(row.user.trust_level) }, updated_at: row.updated_at };
}
