// POST /api/v1/external/slack/oauth (removed from Hackatime in fd5263cb; rebuilt because the
// spec lists it): a Slack user token identifies a Slack user; we create or update the
// matching account and answer {user_id, username, email}.
//
// As Hackatime's ExternalSlackController did: auth.test names the token's user, users.info
// reads the profile (display name, avatar, email, time zone). The account is found by Slack
// UID, else by the profile's email (linking Slack to that account), else created. A new
// account needs an email (Hackatime: 400 "Email not found"); it gets no API key here (nobody
// could be shown it: keys are stored hashed) — the user rotates one in via their settings.
import { AppError } from "../../lib/errors";
import { isValidTimeZone } from "../../lib/time";
import { SlackApiError, SlackUnavailableError, type SlackClient, type SlackUser } from "./client";

export interface SlackLinkResult {
  user_id: number;
  username: string;
  email: string | null;
  created: boolean;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const USERNAME_CHARS = /[^A-Za-z0-9_.-]+/g;

/** Hackatime's slack_username: display name, else real name, else the handle. */
export function slackDisplayName(u: SlackUser): string | null {
  const pick = (v: string | null | undefined) => (v && v.trim() !== "" ? v.trim() : null);
  return pick(u.profile?.display_name_normalized) ?? pick(u.profile?.real_name_normalized) ?? pick(u.name);
}

/** Username candidates for a new account: the Slack handle cleaned, then made unique. */
export function usernameCandidates(u: SlackUser): string[] {
  let base = (u.name ?? slackDisplayName(u) ?? "").replace(USERNAME_CHARS, "-").replace(/^[-.]+|[-.]+$/g, "").slice(0, 40);
  if (base === "") base = "slack-user";
  // All-digit names read as user ids and "my" as the caller in /api/v1/users/{username}.
  if (/^\d+$/.test(base) || base.toLowerCase() === "my") base = `slack-${base}`;
  const uid = u.id.replace(USERNAME_CHARS, "").toLowerCase().slice(0, 20);
  const random = crypto.randomUUID().slice(0, 8);
  return [base, `${base}-${uid}`, `${base}-${random}`];
}

function slackFailure(err: unknown, what: string): never {
  if (err instanceof SlackApiError) throw new AppError("bad_request", `${what}: ${err.code}`);
  if (err instanceof SlackUnavailableError) throw new AppError("upstream_failed", "Slack is unavailable");
  throw err;
}

type UserIdRow = { id: number };

export async function linkSlackAccount(d1: D1Database, slack: SlackClient, token: string): Promise<SlackLinkResult> {
  let slackUid: string;
  try {
    slackUid = (await slack.authTest(token)).user_id;
  } catch (err) {
    if (err instanceof SlackApiError) throw new AppError("bad_request", "Invalid Slack token");
    slackFailure(err, "Invalid Slack token");
  }
  if (!slackUid) throw new AppError("bad_request", "User ID not found");

  const existing = await d1.prepare("SELECT id FROM users WHERE slack_uid = ?").bind(slackUid).first<UserIdRow>();
  let profile: SlackUser | null = null;
  try {
    profile = await slack.usersInfo(token, slackUid);
  } catch (err) {
    // A known account is still answered when its profile cannot be read (Hackatime answered
    // a known Slack UID without reading the profile at all).
    if (!existing) slackFailure(err, "Could not read the Slack profile");
  }
  const email = profile?.profile?.email?.trim().toLowerCase() || null;

  let userId = existing?.id ?? null;
  if (userId === null && email) {
    const byEmail = await d1.prepare("SELECT user_id AS id FROM email_addresses WHERE email = ?").bind(email).first<UserIdRow>();
    userId = byEmail?.id ?? null;
  }
  let created = false;
  if (userId === null) {
    if (!email) throw new AppError("bad_request", "Email not found");
    userId = await createSlackUser(d1, profile!);
    created = true;
  }

  if (profile) {
    const tz = profile.tz && isValidTimeZone(profile.tz) ? profile.tz : null;
    const avatar = profile.profile?.image_192 || profile.profile?.image_72 || null;
    await d1.batch([
      // Slack identity onto the account (a Slack UID another account holds is left there).
      d1
        .prepare(
          `UPDATE users SET slack_uid = CASE WHEN EXISTS (SELECT 1 FROM users o WHERE o.slack_uid = ?2 AND o.id != ?1) THEN slack_uid ELSE ?2 END,
             slack_username = ?3, slack_avatar_url = ?4, timezone = COALESCE(?5, timezone), updated_at = ${NOW}
           WHERE id = ?1`,
        )
        .bind(userId, slackUid, slackDisplayName(profile), avatar, tz),
      ...(email ? [d1.prepare("INSERT INTO email_addresses (user_id, email) VALUES (?, ?) ON CONFLICT (email) DO NOTHING").bind(userId, email)] : []),
    ]);
  }

  const row = await d1
    .prepare("SELECT u.username, (SELECT e.email FROM email_addresses e WHERE e.user_id = u.id ORDER BY e.id LIMIT 1) AS email FROM users u WHERE u.id = ?")
    .bind(userId)
    .first<{ username: string; email: string | null }>();
  if (!row) throw new AppError("internal", "Account vanished");
  return { user_id: userId, username: row.username, email: row.email, created };
}

/** Inserts the account under the first free username candidate; returns its id. */
async function createSlackUser(d1: D1Database, u: SlackUser): Promise<number> {
  for (const username of usernameCandidates(u)) {
    // DO NOTHING covers both unique columns: a concurrent link of the same Slack UID, or a taken name.
    await d1.prepare("INSERT INTO users (username, slack_uid, timezone) VALUES (?, ?, 'UTC') ON CONFLICT DO NOTHING").bind(username, u.id).run();
    const row = await d1.prepare("SELECT id FROM users WHERE slack_uid = ?").bind(u.id).first<UserIdRow>();
    if (row) return row.id;
  }
  throw new AppError("conflict", "Could not choose a username for this Slack account");
}
