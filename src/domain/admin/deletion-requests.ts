// The admin's side of account deletion (hackatime-behavior.md §8.5; the user's side and the
// anonymisation are domain/deletion.ts): the review lists, approving a pending request (carried
// out GRACE_PERIOD_DAYS later by the daily cron) and rejecting one that is not yet under way.
import { credentialsChanged } from "../credentials";
import {
  approvePendingRequest,
  cancelRequest,
  deletionRequestExists,
  deletionRequestForReview,
  deletionRequestsForReview,
  type AdminDeletionRow,
} from "../../db/deletion-requests";
import { AppError } from "../../lib/errors";
import { GRACE_PERIOD_DAYS } from "../deletion";
import { userSummary } from "./serializers";

const DAY_MS = 86_400_000;

/** Hackatime's deletion_request_json, plus the reason and the approval/cancellation times. */
export function adminDeletionJson(row: AdminDeletionRow) {
  return {
    id: row.id,
    user_id: row.user_id,
    user: row.user ? userSummary(row.user) : null,
    status: row.status,
    reason: row.reason,
    reason_details: row.reason_details,
    requested_at: row.created_at,
    scheduled_deletion_at: row.scheduled_deletion_at,
    completed_at: row.completed_at,
    cancelled_at: row.cancelled_at,
    admin_approved_at: row.admin_approved_at,
    admin_approved_by: row.approvedBy ? userSummary(row.approvedBy) : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
export type AdminDeletionJson = ReturnType<typeof adminDeletionJson>;

export const COMPLETED_LIST_LIMIT = 25;

/** Pending (oldest first), approved (soonest first) and the latest 25 completed requests. */
export async function listDeletionRequests(d1: D1Database) {
  const lists = await deletionRequestsForReview(d1, COMPLETED_LIST_LIMIT);
  return { pending: lists.pending.map(adminDeletionJson), approved: lists.approved.map(adminDeletionJson), completed: lists.completed.map(adminDeletionJson) };
}

/** One request; `id` null (a malformed path id) or unknown: 404. */
export async function findDeletionRequest(d1: D1Database, id: number | null): Promise<AdminDeletionJson> {
  const row = id === null ? null : await deletionRequestForReview(d1, id);
  if (!row) throw new AppError("not_found", "Deletion request not found");
  return adminDeletionJson(row);
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Ruby's strftime("%B %d, %Y") in UTC, as Hackatime's approve message prints it: "August 02, 2026". */
export function scheduleDateText(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, "0")}, ${d.getUTCFullYear()}`;
}

/**
 * A state change guarded in the UPDATE itself (so concurrent calls cannot both succeed); a
 * request that exists in another state answers 422 `refusal`, an unknown one 404.
 */
async function transition(env: Env, id: number | null, change: (id: number) => Promise<boolean>, refusal: string): Promise<AdminDeletionJson> {
  const d1 = env.DB;
  if (id === null) throw new AppError("not_found", "Deletion request not found");
  if (!(await change(id))) {
    throw (await deletionRequestExists(d1, id)) ? new AppError("invalid_parameter", refusal) : new AppError("not_found", "Deletion request not found");
  }
  const request = await findDeletionRequest(d1, id);
  await credentialsChanged(env, request.user_id); // whether the account is restricted
  return request;
}

/** pending → approved, scheduled GRACE_PERIOD_DAYS from now. */
export function approveDeletionRequest(env: Env, id: number | null, adminUserId: number, nowMs = Date.now()): Promise<AdminDeletionJson> {
  const d1 = env.DB;
  const now = new Date(nowMs).toISOString();
  const scheduledAt = new Date(nowMs + GRACE_PERIOD_DAYS * DAY_MS).toISOString();
  return transition(env, id, (n) => approvePendingRequest(d1, n, adminUserId, now, scheduledAt), "Only a pending deletion request can be approved");
}

/** pending, or approved and not yet due → cancelled. */
export function rejectDeletionRequest(env: Env, id: number | null, nowMs = Date.now()): Promise<AdminDeletionJson> {
  return transition(
    env,
    id,
    (n) => cancelRequest(env.DB, n, new Date(nowMs).toISOString()),
    "Only a pending, or approved and not yet due, deletion request can be rejected",
  );
}
