// Account-deletion requests (deletion_requests). Drizzle, with the state guards in the WHERE of
// each UPDATE (so two concurrent calls cannot both move a request) and rows typed from
// schema.ts. Raw SQL for the one insert that must check "no active request" in the same
// statement (INSERT … SELECT … WHERE NOT EXISTS). Timestamps are ISO strings the caller passes
// (the domain decides "now", so a test can move it).
import { and, asc, desc, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { getDb } from "./client";
import { deletionRequests, trustLevelAuditLogs, users } from "./schema";
import { firstEmailOf } from "./sql";

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

// ---- the admin's view: a request with its user and approving admin, one statement each ----

const requester = alias(users, "u");
const approver = alias(users, "a");
const person = (t: typeof requester | typeof approver, name: "u" | "a") => ({
  id: t.id,
  username: t.username,
  displayNameOverride: t.displayNameOverride,
  slackUsername: t.slackUsername,
  githubUsername: t.githubUsername,
  email: sql<string | null>`${sql.raw(firstEmailOf(name))}`,
});

const adminSelect = (d1: D1Database) =>
  getDb(d1)
    .select({ request: deletionRequests, user: person(requester, "u"), approver: person(approver, "a") })
    .from(deletionRequests)
    .leftJoin(requester, eq(requester.id, deletionRequests.userId))
    .leftJoin(approver, eq(approver.id, deletionRequests.adminApprovedById));

export async function adminDeletionRequestById(d1: D1Database, id: number) {
  return adminSelect(d1).where(eq(deletionRequests.id, id)).get();
}

/**
 * A request with its user and approving admin: what a display name is made of
 * (domain/users/profile.ts displayName). A person whose row is gone is null (drizzle types each
 * of their fields as nullable instead).
 */
export type AdminDeletionRow = NonNullable<Awaited<ReturnType<typeof adminDeletionRequestById>>>;
export type PersonBrief = AdminDeletionRow["user"];

/** Pending requests, oldest first. */
export async function pendingRequests(d1: D1Database): Promise<AdminDeletionRow[]> {
  return adminSelect(d1).where(eq(deletionRequests.status, "pending")).orderBy(asc(deletionRequests.createdAt), asc(deletionRequests.id)).all();
}

/** Approved requests, soonest first (index deletion_requests_status_scheduled). */
export async function approvedRequests(d1: D1Database): Promise<AdminDeletionRow[]> {
  return adminSelect(d1).where(eq(deletionRequests.status, "approved")).orderBy(asc(deletionRequests.scheduledDeletionAt), asc(deletionRequests.id)).all();
}

/** The latest `limit` completed requests (index deletion_requests_status_completed). */
export async function completedRequests(d1: D1Database, limit: number): Promise<AdminDeletionRow[]> {
  return adminSelect(d1).where(eq(deletionRequests.status, "completed")).orderBy(desc(deletionRequests.completedAt), desc(deletionRequests.id)).limit(limit).all();
}
