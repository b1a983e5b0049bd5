// Account-deletion requests (hackatime-behavior.md §8.5). Raw SQL: the admin's rows carry the
// requesting user's and the approving admin's summaries (joins with correlated first-email
// subqueries), and every state change is guarded in its UPDATE so that concurrent calls cannot
// both succeed. Rows keep the columns' snake_case names.
import { pickUser, userSummaryColumns, type UserSummaryRow } from "./admin-users";
import type { deletionRequests } from "./schema";
import type { RawRow } from "./sql";

// requested_at is the created_at column (the schema names it twice).
type RequestColumns = Omit<RawRow<typeof deletionRequests.$inferSelect>, "requested_at">;

/** Cancellable at `now` (an SQL expression): pending, or approved and not yet due (a due one may be being anonymised). */
export const cancellable = (now: string) => `(status = 'pending' OR (status = 'approved' AND scheduled_deletion_at > ${now}))`;

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

/** pending → approved, by `adminId` at `now`, to be carried out at `scheduledAt`; false when it was not pending. */
export async function approvePendingRequest(d1: D1Database, id: number, adminId: number, now: string, scheduledAt: string): Promise<boolean> {
  const row = await d1
    .prepare(
      `UPDATE deletion_requests SET status = 'approved', admin_approved_by_id = ?2, admin_approved_at = ?3,
         scheduled_deletion_at = ?4, updated_at = ?3
       WHERE id = ?1 AND status = 'pending' RETURNING id`,
    )
    .bind(id, adminId, now, scheduledAt)
    .first();
  return row !== null;
}

/** pending, or approved and not yet due at `now` → cancelled; false when it was neither. */
export async function cancelRequestById(d1: D1Database, id: number, now: string): Promise<boolean> {
  const row = await d1
    .prepare(
      `UPDATE deletion_requests SET status = 'cancelled', cancelled_at = ?2, updated_at = ?2
       WHERE id = ?1 AND ${cancellable("?2")} RETURNING id`,
    )
    .bind(id, now)
    .first();
  return row !== null;
}
