// Slack: accounts found by Slack UID, the Sailor's Log per-channel preferences
// (sailors_log_preferences), a channel's leaderboard inputs, and the identity a Slack sign-in
// writes onto an account. Drizzle for the upserts; raw SQL for the two reads whose plan matters
// (a channel's candidates probe user_active_days by key; the languages batch user ids through
// json_each), their rows mapped to camelCase once, here.
import { sql } from "drizzle-orm";
import { getDb } from "./client";
import { sailorsLogPreferences, users } from "./schema";
import { NOW_ISO } from "./sql";
import { userIdBySlackUid } from "./users";

/** A Slack-linked account: what commands need to name it and add up its time. */
export interface LinkedUser {
  id: number;
  username: string;
  timezone: string;
  slackUid: string;
  slackUsername: string | null;
  displayNameOverride: string | null;
  githubUsername: string | null;
}

const LINKED_COLUMNS = "u.id, u.username, u.timezone, u.slack_uid, u.slack_username, u.display_name_override, u.github_username";
type LinkedRow = { id: number; username: string; timezone: string; slack_uid: string; slack_username: string | null; display_name_override: string | null; github_username: string | null };
const linked = (r: LinkedRow): LinkedUser => ({
  id: r.id,
  username: r.username,
  timezone: r.timezone,
  slackUid: r.slack_uid,
  slackUsername: r.slack_username,
  displayNameOverride: r.display_name_override,
  githubUsername: r.github_username,
});

/** The account linked to a Slack UID (unique index on users.slack_uid). */
export async function linkedUserBySlackUid(d1: D1Database, slackUid: string): Promise<LinkedUser | null> {
  const row = await d1.prepare(`SELECT ${LINKED_COLUMNS} FROM users u WHERE u.slack_uid = ?`).bind(slackUid).first<LinkedRow>();
  return row ? linked(row) : null;
}

/** Saves the per-(user, channel) Sailor's Log preference. */
export async function upsertSailorsLogPreference(d1: D1Database, userId: number, slackChannelId: string, enabled: boolean): Promise<void> {
  await getDb(d1)
    .insert(sailorsLogPreferences)
    .values({ userId, slackChannelId, enabled })
    .onConflictDoUpdate({ target: [sailorsLogPreferences.userId, sailorsLogPreferences.slackChannelId], set: { enabled, updatedAt: sql.raw(NOW_ISO) } })
    .run();
}

/**
 * The channel's opted-in, Slack-linked users active on UTC `day` (?2), by id, at most ?3.
 * Index sailors_log_preferences_channel for the channel, then the user_active_days primary
 * key (day, user_id) per candidate.
 */
export const CHANNEL_CANDIDATES_SQL = `SELECT ${LINKED_COLUMNS} FROM sailors_log_preferences p JOIN users u ON u.id = p.user_id
  WHERE p.slack_channel_id = ?1 AND p.enabled = 1 AND u.slack_uid IS NOT NULL
    AND EXISTS (SELECT 1 FROM user_active_days d WHERE d.day = ?2 AND d.user_id = u.id)
  ORDER BY u.id LIMIT ?3`;

export async function channelCandidates(d1: D1Database, channelId: string, day: string, limit: number): Promise<LinkedUser[]> {
  const { results } = await d1.prepare(CHANNEL_CANDIDATES_SQL).bind(channelId, day, limit).all<LinkedRow>();
  return results.map(linked);
}

/**
 * Heartbeat counts per (user, project, language) of the users in ?1 (a JSON array) over
 * [?2, ?3), languages set only. Index heartbeats_user_time per user.
 */
export const LANGUAGE_COUNTS_SQL = `SELECT user_id, project, language, COUNT(*) AS n FROM heartbeats
  WHERE user_id IN (SELECT value FROM json_each(?1)) AND time >= ?2 AND time < ?3 AND deleted_at IS NULL
    AND language IS NOT NULL AND language != ''
  GROUP BY user_id, project, language`;

export async function languageCounts(d1: D1Database, userIds: number[], start: number, end: number): Promise<Array<{ userId: number; project: string | null; language: string; n: number }>> {
  const { results } = await d1
    .prepare(LANGUAGE_COUNTS_SQL)
    .bind(JSON.stringify(userIds), start, end)
    .all<{ user_id: number; project: string | null; language: string; n: number }>();
  return results.map((r) => ({ userId: r.user_id, project: r.project, language: r.language, n: r.n }));
}

// ---- signing in with Slack (POST /api/v1/external/slack/oauth) ----

/**
 * Inserts an account named `username` for a Slack UID unless the name or the UID is taken (a
 * concurrent link of the same UID); the UID's account id, or null when only the name was taken.
 */
export async function insertSlackUser(d1: D1Database, username: string, slackUid: string): Promise<number | null> {
  await getDb(d1).insert(users).values({ username, slackUid, timezone: "UTC" }).onConflictDoNothing().run();
  return userIdBySlackUid(d1, slackUid);
}

export interface SlackIdentity {
  slackUid: string;
  slackUsername: string | null;
  avatarUrl: string | null;
  /** A valid IANA zone, or null to keep the account's. */
  timezone: string | null;
  /** Lower-case; added to the account unless another account has it. */
  email: string | null;
}

/**
 * Writes the Slack identity onto the account, in one transaction: a Slack UID another account
 * holds is left there (checked in the UPDATE itself), an e-mail address another account holds
 * stays with it.
 */
export async function saveSlackIdentity(d1: D1Database, userId: number, s: SlackIdentity): Promise<void> {
  await d1.batch([
    d1
      .prepare(
        `UPDATE users SET slack_uid = CASE WHEN EXISTS (SELECT 1 FROM users o WHERE o.slack_uid = ?2 AND o.id != ?1) THEN slack_uid ELSE ?2 END,
           slack_username = ?3, slack_avatar_url = ?4, timezone = COALESCE(?5, timezone), updated_at = ${NOW_ISO}
         WHERE id = ?1`,
      )
      .bind(userId, s.slackUid, s.slackUsername, s.avatarUrl, s.timezone),
    ...(s.email ? [d1.prepare("INSERT INTO email_addresses (user_id, email) VALUES (?, ?) ON CONFLICT (email) DO NOTHING").bind(userId, s.email)] : []),
  ]);
}
