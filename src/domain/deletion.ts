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
import { TRUST_LEVELS } from "../auth/levels";
import type { DELETION_STATUSES } from "../db/schema";
import { AppError } from "../lib/errors";
import { isBlank } from "../lib/text";
import { rebuildUser } from "../queues/rebuild-aggregates";
import { endAllSessions } from "./sessions";
import { displayName } from "./users/profile";

export type DeletionStatus = (typeof DELETION_STATUSES)[number];

/** A deletion_requests row as D1 returns it (requested_at is the created_at column). */
export interface DeletionRequestRow {
  id: number;
  user_id: number;
  status: DeletionStatus;
  reason: string | null;
  reason_details: string | null;
  created_at: string;
  scheduled_deletion_at: string | null;
  admin_approved_by_id: number | null;
  admin_approved_at: string | null;
  cancelled_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

export const GRACE_PERIOD_DAYS = 30;
export const RED_DELETION_BAN_DAYS = 365;
export const REASON_MAX = 100;
export const REASON_DETAILS_MAX = 1000;
const DAY_MS = 86_400_000;

/** Timestamps are stored as the schema's defaults write them: 2026-08-22T10:00:00.000Z. */
export const isoMillis = (ms: number) => new Date(ms).toISOString();

const ACTIVE = "status IN ('pending', 'approved')";
/** Cancellable: pending, or approved and not yet due (a due one may be being anonymised). */
const cancellable = (now: string) => `(status = 'pending' OR (status = 'approved' AND scheduled_deletion_at > ${now}))`;

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
  const row = await d1
    .prepare("SELECT 1 AS hit FROM trust_level_audit_logs WHERE user_id = ? AND new_trust_level = 'red' AND created_at > ? LIMIT 1")
    .bind(user.id, isoMillis(nowMs - RED_DELETION_BAN_DAYS * DAY_MS))
    .first<{ hit: number }>();
  return row !== null;
}

/**
 * Creates a pending request. 422 when one is already active or the user was convicted red
 * within a year. The insert itself re-checks "no active request", so two concurrent calls
 * cannot both create one.
 */
export async function createDeletionRequest(
  d1: D1Database,
  user: { id: number; trustLevel: number },
  reason: { reason: string | null; reasonDetails: string | null },
  nowMs = Date.now(),
): Promise<DeletionRequestRow> {
  if (await bannedFromDeletion(d1, user, nowMs)) throw new AppError("invalid_parameter", "You can not request data deletion due to a recent ban");
  const now = isoMillis(nowMs);
  const row = await d1
    .prepare(
      `INSERT INTO deletion_requests (user_id, status, reason, reason_details, created_at, updated_at)
       SELECT ?1, 'pending', ?2, ?3, ?4, ?4
       WHERE NOT EXISTS (SELECT 1 FROM deletion_requests WHERE user_id = ?1 AND ${ACTIVE})
       RETURNING *`,
    )
    .bind(user.id, reason.reason, reason.reasonDetails, now)
    .first<DeletionRequestRow>();
  if (!row) throw new AppError("invalid_parameter", "You already have an active deletion request");
  return row;
}

/** The user's active request, else their latest one; null if they never asked. */
export function latestDeletionRequest(d1: D1Database, userId: number): Promise<DeletionRequestRow | null> {
  return d1
    .prepare(`SELECT * FROM deletion_requests WHERE user_id = ? ORDER BY (${ACTIVE}) DESC, id DESC LIMIT 1`)
    .bind(userId)
    .first<DeletionRequestRow>();
}

/** The user cancels their pending or approved (not yet due) request. */
export async function cancelDeletionRequest(d1: D1Database, userId: number, nowMs = Date.now()): Promise<DeletionRequestRow> {
  const now = isoMillis(nowMs);
  const row = await d1
    .prepare(
      `UPDATE deletion_requests SET status = 'cancelled', cancelled_at = ?2, updated_at = ?2
       WHERE user_id = ?1 AND ${cancellable("?2")} RETURNING *`,
    )
    .bind(userId, now)
    .first<DeletionRequestRow>();
  if (row) return row;
  const active = await d1.prepare(`SELECT id FROM deletion_requests WHERE user_id = ? AND ${ACTIVE} LIMIT 1`).bind(userId).first();
  if (active) throw new AppError("invalid_parameter", "Your account deletion is already being processed and can no longer be cancelled");
  throw new AppError("not_found", "No active deletion request");
}

/** Whole UTC days until the scheduled deletion, never negative (DeletionRequest#days_until_deletion). */
export function daysUntilDeletion(scheduledAt: string | null, nowMs = Date.now()): number | null {
  if (!scheduledAt) return null;
  const day = (ms: number) => Math.floor(ms / DAY_MS);
  return Math.max(day(Date.parse(scheduledAt)) - day(nowMs), 0);
}

export function canBeCancelled(r: Pick<DeletionRequestRow, "status" | "scheduled_deletion_at">, nowMs = Date.now()): boolean {
  if (r.status === "pending") return true;
  return r.status === "approved" && r.scheduled_deletion_at !== null && Date.parse(r.scheduled_deletion_at) > nowMs;
}

/** What GET /deletion shows the user (Hackatime's deletion page props, machine-readable). */
export function userDeletionJson(r: DeletionRequestRow, nowMs = Date.now()) {
  return {
    id: r.id,
    user_id: r.user_id,
    status: r.status,
    status_label: r.status.charAt(0).toUpperCase() + r.status.slice(1),
    reason: r.reason,
    reason_details: r.reason_details,
    requested_at: r.created_at,
    scheduled_deletion_at: r.scheduled_deletion_at,
    days_until_deletion: daysUntilDeletion(r.scheduled_deletion_at, nowMs),
    can_be_cancelled: canBeCancelled(r, nowMs),
    cancelled_at: r.cancelled_at,
    completed_at: r.completed_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

// ---- The admin's side -----------------------------------------------------------------------

export interface UserBrief {
  id: number;
  username: string;
  display_name: string;
}

type AdminListRow = DeletionRequestRow & {
  u_username: string | null;
  u_display_name_override: string | null;
  u_slack_username: string | null;
  u_github_username: string | null;
  u_email: string | null;
  a_id: number | null;
  a_username: string | null;
  a_display_name_override: string | null;
  a_slack_username: string | null;
  a_github_username: string | null;
  a_email: string | null;
};

const briefColumns = (alias: "u" | "a") =>
  `${alias}.username AS ${alias}_username, ${alias}.display_name_override AS ${alias}_display_name_override,
   ${alias}.slack_username AS ${alias}_slack_username, ${alias}.github_username AS ${alias}_github_username,
   (SELECT e.email FROM email_addresses e WHERE e.user_id = ${alias}.id ORDER BY e.id LIMIT 1) AS ${alias}_email`;

/** A request with its user and approving admin, in one statement. */
const ADMIN_SELECT = `SELECT d.*, ${briefColumns("u")}, a.id AS a_id, ${briefColumns("a")}
  FROM deletion_requests d
  LEFT JOIN users u ON u.id = d.user_id
  LEFT JOIN users a ON a.id = d.admin_approved_by_id`;

function brief(id: number | null, row: AdminListRow, alias: "u" | "a"): UserBrief | null {
  const username = row[`${alias}_username`];
  if (id === null || username === null) return null;
  const name = displayName({
    username,
    display_name_override: row[`${alias}_display_name_override`],
    slack_username: row[`${alias}_slack_username`],
    github_username: row[`${alias}_github_username`],
    email: row[`${alias}_email`],
  });
  return { id, username, display_name: name };
}

/** Hackatime's deletion_request_json, plus the reason and the approval/cancellation times. */
export function adminDeletionJson(row: AdminListRow) {
  return {
    id: row.id,
    user_id: row.user_id,
    user: brief(row.user_id, row, "u"),
    status: row.status,
    reason: row.reason,
    reason_details: row.reason_details,
    requested_at: row.created_at,
    scheduled_deletion_at: row.scheduled_deletion_at,
    completed_at: row.completed_at,
    cancelled_at: row.cancelled_at,
    admin_approved_at: row.admin_approved_at,
    admin_approved_by: brief(row.a_id, row, "a"),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
export type AdminDeletionJson = ReturnType<typeof adminDeletionJson>;

export const COMPLETED_LIST_LIMIT = 25;

/** Pending (oldest first), approved (soonest first) and the latest 25 completed requests. */
export async function listDeletionRequests(d1: D1Database) {
  const [pending, approved, completed] = await d1.batch<AdminListRow>([
    d1.prepare(`${ADMIN_SELECT} WHERE d.status = 'pending' ORDER BY d.created_at, d.id`),
    d1.prepare(`${ADMIN_SELECT} WHERE d.status = 'approved' ORDER BY d.scheduled_deletion_at, d.id`),
    d1.prepare(`${ADMIN_SELECT} WHERE d.status = 'completed' ORDER BY d.completed_at DESC, d.id DESC LIMIT ?`).bind(COMPLETED_LIST_LIMIT),
  ]);
  return {
    pending: pending.results.map(adminDeletionJson),
    approved: approved.results.map(adminDeletionJson),
    completed: completed.results.map(adminDeletionJson),
  };
}

/** Path ids are strings; anything but a positive integer is simply not found. */
function parseId(id: string): number | null {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : null;
}

export async function findDeletionRequest(d1: D1Database, id: string): Promise<AdminDeletionJson> {
  const n = parseId(id);
  const row = n === null ? null : await d1.prepare(`${ADMIN_SELECT} WHERE d.id = ?`).bind(n).first<AdminListRow>();
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
 * request that exists in another state answers 422, an unknown one 404.
 */
async function transition(d1: D1Database, id: string, sql: string, params: unknown[], refusal: string): Promise<AdminDeletionJson> {
  const n = parseId(id);
  if (n === null) throw new AppError("not_found", "Deletion request not found");
  const updated = await d1
    .prepare(sql)
    .bind(n, ...params)
    .first<{ id: number }>();
  if (!updated) {
    const exists = await d1.prepare("SELECT id FROM deletion_requests WHERE id = ?").bind(n).first();
    throw exists ? new AppError("invalid_parameter", refusal) : new AppError("not_found", "Deletion request not found");
  }
  return findDeletionRequest(d1, String(n));
}

/** pending → approved, scheduled GRACE_PERIOD_DAYS from now. */
export function approveDeletionRequest(d1: D1Database, id: string, adminUserId: number, nowMs = Date.now()): Promise<AdminDeletionJson> {
  const now = isoMillis(nowMs);
  return transition(
    d1,
    id,
    `UPDATE deletion_requests SET status = 'approved', admin_approved_by_id = ?2, admin_approved_at = ?3,
       scheduled_deletion_at = ?4, updated_at = ?3
     WHERE id = ?1 AND status = 'pending' RETURNING id`,
    [adminUserId, now, isoMillis(nowMs + GRACE_PERIOD_DAYS * DAY_MS)],
    "Only a pending deletion request can be approved",
  );
}

/** pending, or approved and not yet due → cancelled. */
export function rejectDeletionRequest(d1: D1Database, id: string, nowMs = Date.now()): Promise<AdminDeletionJson> {
  return transition(
    d1,
    id,
    `UPDATE deletion_requests SET status = 'cancelled', cancelled_at = ?2, updated_at = ?2
     WHERE id = ?1 AND ${cancellable("?2")} RETURNING id`,
    [isoMillis(nowMs)],
    "Only a pending, or approved and not yet due, deletion request can be rejected",
  );
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
 *      admin level reset; API keys, admin keys, email addresses and project mappings deleted
 *      (from here on no credential of theirs works, so nothing new can arrive); then their web
 *      sessions ended;
 *   2. every live heartbeat soft-deleted (deleted_at), HEARTBEAT_DELETE_BATCH rows per statement;
 *   3. the UserActivity projection rebuilt from the (now empty) live heartbeats, so the status
 *      bar and stats count nothing;
 *   4. their user_active_days and leaderboard_entries rows removed.
 *
 * Each step is idempotent, so a run cut short (budget, failure) is finished by the next one.
 */
export async function anonymizeUser(env: Env, userId: number, opts: AnonymizeOptions = {}): Promise<AnonymizeResult> {
  const d1 = env.DB;
  const now = isoMillis(opts.nowMs ?? Date.now());
  const batchSize = opts.batchSize ?? HEARTBEAT_DELETE_BATCH;
  const maxRows = opts.maxHeartbeatRows ?? Number.POSITIVE_INFINITY;

  await d1.batch([
    d1
      .prepare(
        `UPDATE users SET
           username = CASE WHEN EXISTS (SELECT 1 FROM users o WHERE o.username = 'deleted_user_' || users.id AND o.id != users.id)
                      THEN 'deleted_user_' || users.id || '_' || lower(hex(randomblob(4))) ELSE 'deleted_user_' || users.id END,
           display_name_override = NULL, slack_uid = NULL, slack_username = NULL, slack_avatar_url = NULL,
           github_uid = NULL, github_username = NULL, github_avatar_url = NULL, country_code = NULL,
           allow_public_stats_lookup = 0, admin_level = 'default', updated_at = ?2
         WHERE id = ?1`,
      )
      .bind(userId, now),
    d1.prepare("DELETE FROM api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM revoked_api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM admin_api_keys WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM email_addresses WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM project_repo_mappings WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM sailors_log_preferences WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM heartbeat_exports WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM heartbeat_import_slices WHERE import_id IN (SELECT id FROM heartbeat_imports WHERE user_id = ?)").bind(userId),
    d1.prepare("DELETE FROM heartbeat_imports WHERE user_id = ?").bind(userId),
  ]);
  await endAllSessions(d1, userId);

  let heartbeatsDeleted = 0;
  for (;;) {
    const limit = Math.min(batchSize, maxRows - heartbeatsDeleted);
    if (limit <= 0) return { done: false, heartbeatsDeleted };
    const { meta } = await d1.prepare(SOFT_DELETE_HEARTBEATS_SQL).bind(userId, now, limit).run();
    heartbeatsDeleted += meta.changes;
    if (meta.changes < limit) break;
  }

  await rebuildUser(env, userId);

  await d1.batch([
    d1.prepare(DELETE_ACTIVE_DAYS_SQL).bind(userId),
    d1.prepare(DELETE_LEADERBOARD_ENTRIES_SQL).bind(userId),
  ]);
  return { done: true, heartbeatsDeleted };
}

/**
 * One batch of a user's live heartbeats. Ordering by fields_hash walks the partial dedup index
 * (user_id, fields_hash) WHERE deleted_at IS NULL, which holds only live rows: each batch reads
 * just the rows it deletes, never the ones earlier batches already marked.
 */
export const SOFT_DELETE_HEARTBEATS_SQL = `UPDATE heartbeats SET deleted_at = ?2, updated_at = ?2
  WHERE id IN (SELECT id FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL ORDER BY fields_hash LIMIT ?3)`;

/**
 * user_active_days is keyed (day, user_id): probe each UTC day between the user's first and
 * last heartbeat (two index lookups) instead of scanning the table for the user. Times outside
 * the years 0000–9999 have no date() (so no active-day row) and are left out of the span.
 */
const DATEABLE = "time >= -62167219200 AND time < 253402300800";
export const DELETE_ACTIVE_DAYS_SQL = `WITH RECURSIVE span(day) AS (
    SELECT date(MIN(time), 'unixepoch') FROM heartbeats WHERE user_id = ?1 AND ${DATEABLE}
    UNION ALL
    SELECT date(day, '+1 day') FROM span
    WHERE day < (SELECT date(MAX(time), 'unixepoch') FROM heartbeats WHERE user_id = ?1 AND ${DATEABLE})
  )
  DELETE FROM user_active_days WHERE user_id = ?1 AND day IN (SELECT day FROM span)`;

/** leaderboard_entries is keyed (leaderboard_id, user_id): one probe per board, no scan. */
export const DELETE_LEADERBOARD_ENTRIES_SQL = "DELETE FROM leaderboard_entries WHERE leaderboard_id IN (SELECT id FROM leaderboards) AND user_id = ?";

// ---- The cron's side ------------------------------------------------------------------------

/** Approved requests due at `nowMs`, soonest first. */
export async function dueDeletionRequests(d1: D1Database, nowMs: number, limit: number): Promise<Array<{ id: number; user_id: number }>> {
  const { results } = await d1
    .prepare("SELECT id, user_id FROM deletion_requests WHERE status = 'approved' AND scheduled_deletion_at <= ? ORDER BY scheduled_deletion_at, id LIMIT ?")
    .bind(isoMillis(nowMs), limit)
    .all<{ id: number; user_id: number }>();
  return results;
}

export async function markDeletionCompleted(d1: D1Database, requestId: number, nowMs = Date.now()): Promise<void> {
  const now = isoMillis(nowMs);
  await d1
    .prepare("UPDATE deletion_requests SET status = 'completed', completed_at = ?2, updated_at = ?2 WHERE id = ?1 AND status = 'approved'")
    .bind(requestId, now)
    .run();
}
