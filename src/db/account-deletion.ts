// Anonymising an account (the deletion cron): the statements that erase one user's identity and
// data across tables. Raw SQL: the identity UPDATE picks a free "deleted_user_<id>" name in the
// statement itself, the heartbeat soft-delete runs in bounded batches over the partial dedup
// index, and the derived rows are deleted by key probes instead of scans (each statement's
// index is noted where it is defined; test/cron/deletions.test.ts EXPLAINs them).
import type { ShardDb } from "./shards";

/**
 * One transaction in the main database: identity fields nulled, username "deleted_user_<id>"
 * (suffixed when that name is taken), stats private, admin level reset; API keys (and retired
 * ones), admin keys, email addresses, project mappings, Slack preferences, exports, imports, goals
 * and web sessions deleted. The imports' staged slices live in the user's shard: deleteImportSlices, first.
 */
export async function eraseIdentity(d1: D1Database, userId: number, now: string): Promise<void> {
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
    d1.prepare("DELETE FROM heartbeat_imports WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM goals WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM web_sessions WHERE user_id = ?").bind(userId),
  ]);
}

/**
 * One batch of a user's live heartbeats. Ordering by fields_hash walks the partial dedup index
 * (user_id, fields_hash) WHERE deleted_at IS NULL, which holds only live rows: each batch reads
 * just the rows it deletes, never the ones earlier batches already marked.
 */
export const SOFT_DELETE_HEARTBEATS_SQL = `UPDATE heartbeats SET deleted_at = ?2, updated_at = ?2
  WHERE id IN (SELECT id FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL ORDER BY fields_hash LIMIT ?3)`;

/** Soft-deletes up to `limit` live heartbeats of the user; how many it did. */
export async function softDeleteHeartbeats(d1: ShardDb, userId: number, now: string, limit: number): Promise<number> {
  const { meta } = await d1.prepare(SOFT_DELETE_HEARTBEATS_SQL).bind(userId, now, limit).run();
  return meta.changes;
}

/** leaderboard_entries is keyed (leaderboard_id, user_id): one probe per board, no scan. */
export const DELETE_LEADERBOARD_ENTRIES_SQL = "DELETE FROM leaderboard_entries WHERE leaderboard_id IN (SELECT id FROM leaderboards) AND user_id = ?";

/** The staged slices of these imports (heartbeat_import_slices, in the importing user's shard). */
export async function deleteImportSlices(d1: ShardDb, importIds: number[]): Promise<void> {
  await d1.prepare("DELETE FROM heartbeat_import_slices WHERE import_id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(importIds)).run();
}

/**
 * The user's leaderboard entries. (Their leaderboard inputs, the buckets next to their heartbeats,
 * are replaced by the rebuild of their projection from no heartbeats: durable/user-activity.ts.)
 */
export async function deleteLeaderboardRows(d1: D1Database, userId: number): Promise<void> {
  await d1.prepare(DELETE_LEADERBOARD_ENTRIES_SQL).bind(userId).run();
}
