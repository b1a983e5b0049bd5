// Account deletion (hackatime-behavior.md §8.5): a user's request, an admin's approval or
// rejection, and the anonymisation the daily cron runs once an approved request is due.
//
//   pending ──approve──▶ approved ──(scheduled_deletion_at ≤ now, cron)──▶ completed
//      │                    │
//      └──cancel / reject───┴──▶ cancelled
//
// Once an approved request is due it can no longer be cancelled or rejected: the cron may be
// anonymising the account at that moment, and a half-deleted account must not come back.
// The anonymisation is idempotent and resumable: a run that stops half-way (row budget, error)
// leaves the request approved, and the next run picks it up where it stopped.
import { credentialsChanged } from "./credentials";
import { TRUST_LEVELS } from "../auth/levels";
import { deleteImportSlices, deleteLeaderboardRows, eraseIdentity, softDeleteHeartbeats } from "../db/account-deletion";
import { importIdsOf } from "../db/imports";
import { shardAt } from "../db/shards";
import {
  cancelUsersRequest,
  convictedRedSince,
  deletionRequestById,
  dueRequests,
  hasActiveRequest,
  insertPendingUnlessActive,
  latestRequestOf,
  markCompleted,
  type DeletionRequestRow,
} from "../db/deletion-requests";
import { userById } from "../db/users";
import { userActivity } from "../durable/stub";
import { AppError } from "../lib/errors";
import { isBlank } from "../lib/text";
import { isoFromEpochMillis, safeTimeZone } from "../lib/time";

export type { DeletionRequestRow };

export const GRACE_PERIOD_DAYS = 30;
export const RED_DELETION_BAN_DAYS = 365;
export const REASON_MAX = 100;
export const REASON_DETAILS_MAX = 1000;
const DAY_MS = 86_400_000;


// ---- The user's side ------------------------------------------------------------------------

const length = (v: string) => Array.from(v).length;

/** Optional reason (≤ 100) and details (≤ 1000): both or neither. Returns the values to store. */
export function validateDeletionReason(reason: string | null | undefined, details: string | null | undefined): { reason: string | null; reasonDetails: string | null } {
  if (isBlank(reason) && isBlank(details)) return { reason: null, reasonDetails: null };
  if (isBlank(reason) || isBlank(details)) throw new AppError("invalid_parameter", "Give both reason and reason_details, or neither");
  if (length(reason!) > REASON_MAX) throw new AppError("invalid_parameter", `reason is too long (maximum is ${REASON_MAX} characters)`);
  if (length(details!) > REASON_DETAILS_MAX) throw new AppError("invalid_parameter", `reason_details is too long (maximum is ${REASON_DETAILS_MAX} characters)`);
  return { reason: reason!, reasonDetails: details! };
}

/** Red users may not request deletion within 365 days of the red audit log that convicted them. */
async function bannedFromDeletion(d1: D1Database, user: { id: number; trustLevel: number }, nowMs: number): Promise<boolean> {
  if (user.trustLevel !== TRUST_LEVELS.red) return false;
  return convictedRedSince(d1, user.id, isoFromEpochMillis(nowMs - RED_DELETION_BAN_DAYS * DAY_MS));
}

/**
 * Creates a pending request. 422 when one is already active or the user was convicted red
 * within a year. The insert itself re-checks "no active request", so two concurrent calls
 * cannot both create one.
 */
export async function createDeletionRequest(
  env: Env,
  user: { id: number; trustLevel: number },
  reason: { reason: string | null; reasonDetails: string | null },
  nowMs = Date.now(),
): Promise<DeletionRequestRow> {
  const d1 = env.DB;
  if (await bannedFromDeletion(d1, user, nowMs)) throw new AppError("invalid_parameter", "You can not request data deletion due to a recent ban");
  const id = await insertPendingUnlessActive(d1, user.id, reason.reason, reason.reasonDetails, isoFromEpochMillis(nowMs));
  if (id === null) throw new AppError("invalid_parameter", "You already have an active deletion request");
  await credentialsChanged(env, user.id); // restricted from the next request on
  return (await deletionRequestById(d1, id))!;
}

/** The user's active request, else their latest one (404 if they never asked). */
export async function latestDeletionRequest(d1: D1Database, userId: number): Promise<DeletionRequestRow> {
  const row = await latestRequestOf(d1, userId);
  if (!row) throw new AppError("not_found", "No deletion request");
  return row;
}

/** The user cancels their pending or approved (not yet due) request. */
export async function cancelDeletionRequest(env: Env, userId: number, nowMs = Date.now()): Promise<DeletionRequestRow> {
  const d1 = env.DB;
  const row = await cancelUsersRequest(d1, userId, isoFromEpochMillis(nowMs));
  if (row) {
    await credentialsChanged(env, userId);
    return row;
  }
  if (await hasActiveRequest(d1, userId)) throw new AppError("invalid_parameter", "Your account deletion is already being processed and can no longer be cancelled");
  throw new AppError("not_found", "No active deletion request");
}

/** Whole UTC days until the scheduled deletion, never negative (DeletionRequest#days_until_deletion). */
export function daysUntilDeletion(scheduledAt: string | null, nowMs = Date.now()): number | null {
  if (!scheduledAt) return null;
  const day = (ms: number) => Math.floor(ms / DAY_MS);
  return Math.max(day(Date.parse(scheduledAt)) - day(nowMs), 0);
}

export function canBeCancelled(r: Pick<DeletionRequestRow, "status" | "scheduledDeletionAt">, nowMs = Date.now()): boolean {
  if (r.status === "pending") return true;
  return r.status === "approved" && r.scheduledDeletionAt !== null && Date.parse(r.scheduledDeletionAt) > nowMs;
}

/** What GET /deletion shows the user (Hackatime's deletion page props, machine-readable). */
export function userDeletionJson(r: DeletionRequestRow, nowMs = Date.now()) {
  return {
    id: r.id,
    user_id: r.userId,
    status: r.status,
    status_label: r.status.charAt(0).toUpperCase() + r.status.slice(1),
    reason: r.reason,
    reason_details: r.reasonDetails,
    requested_at: r.requestedAt,
    scheduled_deletion_at: r.scheduledDeletionAt,
    days_until_deletion: daysUntilDeletion(r.scheduledDeletionAt, nowMs),
    can_be_cancelled: canBeCancelled(r, nowMs),
    cancelled_at: r.cancelledAt,
    completed_at: r.completedAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

// ---- Completion: anonymising the account ----------------------------------------------------

/** Rows soft-deleted per UPDATE: one statement stays well inside D1's per-query limits. */
export const HEARTBEAT_DELETE_BATCH = 5000;

export interface AnonymizeOptions {
  /** The time written to deleted_at / updated_at (epoch ms). */
  nowMs?: number;
  batchSize?: number;
  /** Stop soft-deleting after about this many rows (the caller's per-run budget). */
  maxHeartbeatRows?: number;
}

export interface AnonymizeResult {
  /** Everything is gone and the projection rebuilt; false when the row budget ran out first. */
  done: boolean;
  heartbeatsDeleted: number;
}

/**
 * AnonymizeUserService: the user keeps their id (audit logs and the deletion request point at
 * it) and their trust level (ban tracking), and loses everything else.
 *
 *   1. one transaction: identity fields nulled, username "deleted_user_<id>", stats private,
 *      admin level reset; API keys, admin keys, email addresses, project mappings and web
 *      sessions deleted (from here on no credential of theirs works, so nothing new can arrive);
 *   2. every live heartbeat soft-deleted (deleted_at), HEARTBEAT_DELETE_BATCH rows per statement;
 *   3. the UserActivity projection rebuilt from the (now empty) live heartbeats, so the status
 *      bar and stats count nothing (and their leaderboard buckets are replaced by none);
 *   4. their leaderboard_entries rows removed.
 *
 * Each step is idempotent, so a run cut short (budget, failure) is finished by the next one.
 */
export async function anonymizeUser(env: Env, userId: number, opts: AnonymizeOptions = {}): Promise<AnonymizeResult> {
  const d1 = env.DB;
  const now = isoFromEpochMillis(opts.nowMs ?? Date.now());
  const batchSize = opts.batchSize ?? HEARTBEAT_DELETE_BATCH;
  const maxRows = opts.maxHeartbeatRows ?? Number.POSITIVE_INFINITY;

  const owner = await userById(d1, userId);
  const shard = shardAt(env, owner?.shard ?? 0).db;
  await deleteImportSlices(shard, await importIdsOf(d1, userId));
  await eraseIdentity(d1, userId, now);
  await credentialsChanged(env, userId); // no key of theirs is accepted from here on

  let heartbeatsDeleted = 0;
  for (;;) {
    const limit = Math.min(batchSize, maxRows - heartbeatsDeleted);
    if (limit <= 0) return { done: false, heartbeatsDeleted };
    const changes = await softDeleteHeartbeats(shard, userId, now, limit);
    heartbeatsDeleted += changes;
    if (changes < limit) break;
  }

  if (owner) await userActivity(env, userId).rebuild(userId, safeTimeZone(owner.timezone));

  await deleteLeaderboardRows(d1, userId);
  return { done: true, heartbeatsDeleted };
}

// ---- The cron's side ------------------------------------------------------------------------

/** Approved requests due at `nowMs`, soonest first. */
export function dueDeletionRequests(d1: D1Database, nowMs: number, limit: number): Promise<Array<{ id: number; userId: number }>> {
  return dueRequests(d1, isoFromEpochMillis(nowMs), limit);
}

export async function markDeletionCompleted(env: Env, request: { id: number; userId: number }, nowMs = Date.now()): Promise<void> {
  await markCompleted(env.DB, request.id, isoFromEpochMillis(nowMs));
  await credentialsChanged(env, request.userId);
}
