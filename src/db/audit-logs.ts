// Trust-level audit logs (hackatime-behavior.md §8.1–8.4): the trust change with its audit row,
// the filtered list, one log, a user's latest changes. Raw SQL: each log row carries two joined
// user summaries (the subject and the admin who acted, with their first e-mails), and the
// filters are chosen per request. Rows keep the columns' snake_case names.
import { pickUser, searchIdentity, userSummaryColumns, type UserSummaryRow } from "./admin-users";
import { TRUST_LEVELS, type TrustLevelName, type trustLevelAuditLogs, type UserRow } from "./schema";
import { NOW_ISO, type RawRow } from "./sql";

type LogColumns = RawRow<typeof trustLevelAuditLogs.$inferSelect>;

// The stored integer as Hackatime's enum name, computed in SQL so the audit row records the
// level the UPDATE actually replaced.
const LEVEL_NAME_SQL = `CASE trust_level ${Object.entries(TRUST_LEVELS)
  .map(([name, value]) => `WHEN ${value} THEN '${name}'`)
  .join(" ")} ELSE 'blue' END`;

export type AuditLogRow = Pick<LogColumns, "id" | "previous_trust_level" | "new_trust_level" | "reason" | "notes" | "created_at" | "updated_at"> & {
  user: UserSummaryRow;
  /** Null when that account no longer exists. */
  changedBy: UserSummaryRow | null;
};

const LOG_SELECT = `SELECT l.id, l.previous_trust_level, l.new_trust_level, l.reason, l.notes, l.created_at, l.updated_at,
    ${userSummaryColumns("u", "u_")}, ${userSummaryColumns("a", "a_")}
  FROM trust_level_audit_logs l
  JOIN users u ON u.id = l.user_id
  LEFT JOIN users a ON a.id = l.changed_by_id`;

const logRow = (row: Record<string, unknown>): AuditLogRow => ({
  id: row.id as number,
  previous_trust_level: row.previous_trust_level as string,
  new_trust_level: row.new_trust_level as string,
  reason: row.reason as string | null,
  notes: row.notes as string | null,
  created_at: row.created_at as string,
  updated_at: row.updated_at as string,
  user: pickUser(row, "u_")!,
  changedBy: pickUser(row, "a_"),
});

export interface AuditLogFilters {
  userId?: number;
  changedById?: number;
  /** searchIdentity terms (trimmed, not blank). */
  userSearch?: string;
  adminSearch?: string;
  newTrustLevel?: TrustLevelName;
}

/** The latest `limit` logs matching every filter given, newest first. */
export async function auditLogs(d1: D1Database, filters: AuditLogFilters, limit: number): Promise<AuditLogRow[]> {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (filters.userId !== undefined) {
    where.push("l.user_id = ?");
    params.push(filters.userId);
  }
  if (filters.changedById !== undefined) {
    where.push("l.changed_by_id = ?");
    params.push(filters.changedById);
  }
  if (filters.userSearch !== undefined) {
    const search = searchIdentity(filters.userSearch);
    where.push(`l.user_id IN (${search.sql})`);
    params.push(...search.params);
  }
  if (filters.adminSearch !== undefined) {
    const search = searchIdentity(filters.adminSearch);
    where.push(`l.changed_by_id IN (${search.sql})`);
    params.push(...search.params);
  }
  if (filters.newTrustLevel !== undefined) {
    where.push("l.new_trust_level = ?");
    params.push(filters.newTrustLevel);
  }
  const sql = `${LOG_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY l.created_at DESC, l.id DESC LIMIT ${limit}`;
  const { results } = await d1
    .prepare(sql)
    .bind(...params)
    .all<Record<string, unknown>>();
  return results.map(logRow);
}

export async function auditLogById(d1: D1Database, id: number): Promise<AuditLogRow | null> {
  const row = await d1.prepare(`${LOG_SELECT} WHERE l.id = ?`).bind(id).first<Record<string, unknown>>();
  return row ? logRow(row) : null;
}

/** Served by trust_level_audit_logs_user (user_id, created_at). */
export const LATEST_TRUST_CHANGES_SQL = `SELECT id, changed_by_id, previous_trust_level, new_trust_level, reason, notes, created_at FROM trust_level_audit_logs
  WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`;

/** A user's latest `limit` trust changes, newest first. */
export async function latestTrustChanges(d1: D1Database, userId: number, limit: number) {
  const { results } = await d1
    .prepare(LATEST_TRUST_CHANGES_SQL)
    .bind(userId, limit)
    .all<Pick<LogColumns, "id" | "changed_by_id" | "previous_trust_level" | "new_trust_level" | "reason" | "notes" | "created_at">>();
  return results;
}

/**
 * Sets a user's trust level and writes its audit row, in one batch (one transaction: both
 * statements see the same row state), only when the level actually changes; the audit row
 * records the level it replaces. The user's id, level and updated_at afterwards, or null when
 * the user is gone.
 */
export async function changeTrustLevel(d1: D1Database, change: { userId: number; changedById: number; level: TrustLevelName; reason: string; notes: string | null }) {
  const value = TRUST_LEVELS[change.level];
  const [, , current] = await d1.batch<Pick<RawRow<UserRow>, "id" | "trust_level" | "updated_at">>([
    d1
      .prepare(
        `INSERT INTO trust_level_audit_logs (user_id, changed_by_id, previous_trust_level, new_trust_level, reason, notes)
         SELECT id, ?2, ${LEVEL_NAME_SQL}, ?3, ?4, ?5 FROM users WHERE id = ?1 AND trust_level != ?6`,
      )
      .bind(change.userId, change.changedById, change.level, change.reason, change.notes, value),
    d1.prepare(`UPDATE users SET trust_level = ?2, updated_at = ${NOW_ISO} WHERE id = ?1 AND trust_level != ?2`).bind(change.userId, value),
    d1.prepare("SELECT id, trust_level, updated_at FROM users WHERE id = ?").bind(change.userId),
  ]);
  return current.results[0] ?? null;
}
