// Account-deletion requests (deletion_requests, hackatime-behavior.md §8.5). Drizzle, with the
// state guards in the WHERE of each UPDATE (so two concurrent calls cannot both move a request)
// and rows typed from schema.ts. Raw SQL for the one insert that must check "no active request"
// in the same statement (INSERT … SELECT … WHERE NOT EXISTS), and for the admin's review rows,
// which carry the requester's and the approving admin's summaries (joins with correlated
// first-e-mail subqueries; rows keep the columns' snake_case names). Timestamps are ISO strings the caller passes
// (the domain decides "now", so a test can move it).
import { and, asc, desc, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { pickUser, userSummaryColumns, type UserSummaryRow } from "./admin-users";
import { getDb } from "./client";
import { deletionRequests, trustLevelAuditLogs } from "./schema";
import type { RawRow } from "./sql";

export type DeletionRequestRow = typeof deletionRequests.$inferSelect;

const ACTIVE = ["pending", "approved"] as const;
const active = () => inArray(deletionRequests.status, [...ACTIVE]);
/** Cancellable at `now`: pending, or approved and not yet due (a due one may be being anonymised). */
const cancellable = (now: string) =>
  or(eq(deletionRequests.status, "pending"), and(eq(deletionRequests.status, "approved"), gt(deletionRequests.scheduledDeletionAt, now)));

export async function deletionRequestById(d1: D1Database, id: number): Promise<DeletionRequestRow | undefined> {
  return getDb(d1).select().from(deletionRequests).where(eq(deletionRequests.id, id)).get();
}

/** Whether the user was convicted red (trust_level_audit_logs) after `since` (index trust_level_audit_logs_user). */
export async function convictedRedSince(d1: D1Database, userId: number, since: string): Promise<boolean> {
  const row = await getDb(d1)
    .select({ hit: sql<number>`1` })
    .from(trustLevelAuditLogs)
    .where(and(eq(trustLevelAuditLogs.userId, userId), eq(trustLevelAuditLogs.newTrustLevel, "red"), gt(trustLevelAuditLogs.createdAt, since)))
    .limit(1)
    .get();
  return row !== undefined;
}

/** A pending request, unless the user has an active one (checked in the same statement); its id or null. */
export async function insertPendingUnlessActive(d1: D1Database, userId: number, reason: string | null, details: string | null, now: string): Promise<number | null> {
  const row = await d1
    .prepare(
      `INSERT INTO deletion_requests (user_id, status, reason, reason_details, created_at, updated_at)
       SELECT ?1, 'pending', ?2, ?3, ?4, ?4
       WHERE NOT EXISTS (SELECT 1 FROM deletion_requests WHERE user_id = ?1 AND status IN ('pending', 'approved'))
       RETURNING id`,
    )
    .bind(userId, reason, details, now)
    .first<{ id: number }>();
  return row?.id ?? null;
}

/** The user's active request, else their latest one (index deletion_requests_user_status). */
export async function latestRequestOf(d1: D1Database, userId: number): Promise<DeletionRequestRow | undefined> {
  return getDb(d1)
    .select()
    .from(deletionRequests)
    .where(eq(deletionRequests.userId, userId))
    .orderBy(desc(sql`${deletionRequests.status} IN ('pending', 'approved')`), desc(deletionRequests.id))
    .limit(1)
    .get();
}

export async function hasActiveRequest(d1: D1Database, userId: number): Promise<boolean> {
  const row = await getDb(d1)
    .select({ id: deletionRequests.id })
    .from(deletionRequests)
    .where(and(eq(deletionRequests.userId, userId), active()))
    .limit(1)
    .get();
  return row !== undefined;
}

/** Cancels the user's cancellable request; the row, or undefined when none was. */
export async function cancelUsersRequest(d1: D1Database, userId: number, now: string): Promise<DeletionRequestRow | undefined> {
  return getDb(d1)
    .update(deletionRequests)
    .set({ status: "cancelled", cancelledAt: now, updatedAt: now })
    .where(and(eq(deletionRequests.userId, userId), cancellable(now)))
    .returning()
    .get();
}

/** Cancels request `id` if it is cancellable; whether it was. */
export async function cancelRequest(d1: D1Database, id: number, now: string): Promise<boolean> {
  const res = await getDb(d1)
    .update(deletionRequests)
    .set({ status: "cancelled", cancelledAt: now, updatedAt: now })
    .where(and(eq(deletionRequests.id, id), cancellable(now)))
    .run();
  return res.meta.changes > 0;
}

/** pending → approved by `adminUserId`, scheduled at `scheduledAt`; whether it was pending. */
export async function approvePendingRequest(d1: D1Database, id: number, adminUserId: number, now: string, scheduledAt: string): Promise<boolean> {
  const res = await getDb(d1)
    .update(deletionRequests)
    .set({ status: "approved", adminApprovedById: adminUserId, adminApprovedAt: now, scheduledDeletionAt: scheduledAt, updatedAt: now })
    .where(and(eq(deletionRequests.id, id), eq(deletionRequests.status, "pending")))
    .run();
  return res.meta.changes > 0;
}

/** Approved requests due at `now`, soonest first (index deletion_requests_status_scheduled). */
export async function dueRequests(d1: D1Database, now: string, limit: number): Promise<Array<{ id: number; userId: number }>> {
  return getDb(d1)
    .select({ id: deletionRequests.id, userId: deletionRequests.userId })
    .from(deletionRequests)
    .where(and(eq(deletionRequests.status, "approved"), lte(deletionRequests.scheduledDeletionAt, now)))
    .orderBy(asc(deletionRequests.scheduledDeletionAt), asc(deletionRequests.id))
    .limit(limit)
    .all();
}

export async function markCompleted(d1: D1Database, id: number, now: string): Promise<void> {
  await getDb(d1)
    .update(deletionRequests)
    .set({ status: "completed", completedAt: now, updatedAt: now })
    .where(and(eq(deletionRequests.id, id), eq(deletionRequests.status, "approved")))
    .run();
}

// ---- the admin's review rows ----

// requested_at is the created_at column (the schema names it twice).
type RequestColumns = Omit<RawRow<typeof deletionRequests.$inferSelect>, "requested_at">;

// ---- the admin's side ----

/** A request with its user and approving admin (null when the join finds nobody). */
export type AdminDeletionRow = RequestColumns & { user: UserSummaryRow | null; approvedBy: UserSummaryRow | null };

const REQUEST_COLUMNS = [
  "id",
  "user_id",
  "status",
  "reason",
  "reason_details",
  "created_at",
  "scheduled_deletion_at",
  "admin_approved_by_id",
  "admin_approved_at",
  "cancelled_at",
  "completed_at",
  "updated_at",
] as const satisfies ReadonlyArray<keyof RequestColumns>;

const ADMIN_SELECT = `SELECT ${REQUEST_COLUMNS.map((c) => `d.${c}`).join(", ")}, ${userSummaryColumns("u", "u_")}, ${userSummaryColumns("a", "a_")}
  FROM deletion_requests d
  LEFT JOIN users u ON u.id = d.user_id
  LEFT JOIN users a ON a.id = d.admin_approved_by_id`;

function adminRow(row: Record<string, unknown>): AdminDeletionRow {
  const request = Object.fromEntries(REQUEST_COLUMNS.map((c) => [c, row[c]])) as RequestColumns;
  return { ...request, user: pickUser(row, "u_"), approvedBy: pickUser(row, "a_") };
}

/** Pending (oldest first), approved (soonest deletion first) and the latest `completedLimit` completed requests, in one batch. */
export async function deletionRequestsForReview(d1: D1Database, completedLimit: number) {
  const [pending, approved, completed] = await d1.batch<Record<string, unknown>>([
    d1.prepare(`${ADMIN_SELECT} WHERE d.status = 'pending' ORDER BY d.created_at, d.id`),
    d1.prepare(`${ADMIN_SELECT} WHERE d.status = 'approved' ORDER BY d.scheduled_deletion_at, d.id`),
    d1.prepare(`${ADMIN_SELECT} WHERE d.status = 'completed' ORDER BY d.completed_at DESC, d.id DESC LIMIT ?`).bind(completedLimit),
  ]);
  return { pending: pending.results.map(adminRow), approved: approved.results.map(adminRow), completed: completed.results.map(adminRow) };
}

export async function deletionRequestForReview(d1: D1Database, id: number): Promise<AdminDeletionRow | null> {
  const row = await d1.prepare(`${ADMIN_SELECT} WHERE d.id = ?`).bind(id).first<Record<string, unknown>>();
  return row ? adminRow(row) : null;
}

export async function deletionRequestExists(d1: D1Database, id: number): Promise<boolean> {
  return (await d1.prepare("SELECT id FROM deletion_requests WHERE id = ?").bind(id).first()) !== null;
}
