// POST /api/v1/external/slack/oauth (removed from Hackatime in fd5263cb; rebuilt because the
// spec lists it): a Slack user token identifies a Slack user; we create or update the
// matching account and answer {user_id, username, email}.
//
// As Hackatime's ExternalSlackController did: auth.test names the token's user, users.info
// reads the profile (display name, avatar, email, time zone). The account is found by Slack
// UID, else by the profile's email (linking Slack to that account), else created. A new
// account needs an email (Hackatime: 400 "Email not found"); it gets no API key here (nobody
// could be shown it: keys are stored hashed) — the user rotates one in via their settings.
import { insertSlackUser, saveSlackIdentity } from "../../db/slack";
import { emailsOf, userById, userIdByEmail, userIdBySlackUid } from "../../db/users";
import { AppError } from "../../lib/errors";
import { isValidTimeZone } from "../../lib/time";
import { SlackApiError, type SlackClient, type SlackUser } from "./client";

export interface SlackLinkResult {
  user_id: number;
  username: string;
  email: string | null;
  created: boolean;
}

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

/** A refused Slack call is a 400 naming Slack's code; anything else (an unreachable Slack: 502) goes on as it is. */
function slackFailure(err: unknown, what: string): never {
  if (err instanceof SlackApiError) throw new AppError("bad_request", `${what}: ${err.code}`);
  throw err;
}

export async function linkSlackAccount(d1: D1Database, slack: SlackClient, token: string): Promise<SlackLinkResult> {
  let slackUid: string;
  try {
    slackUid = (await slack.authTest(token)).user_id;
  } catch (err) {
    if (err instanceof SlackApiError) throw new AppError("bad_request", "Invalid Slack token");
    slackFailure(err, "Invalid Slack token");
  }
  if (!slackUid) throw new AppError("bad_request", "User ID not found");

  const existing = await userIdBySlackUid(d1, slackUid);
  let profile: SlackUser | null = null;
  try {
    profile = await slack.usersInfo(token, slackUid);
  } catch (err) {
    // A known account is still answered when its profile cannot be read (Hackatime answered
    // a known Slack UID without reading the profile at all).
    if (existing === null) slackFailure(err, "Could not read the Slack profile");
  }
  const email = profile?.profile?.email?.trim().toLowerCase() || null;

  let userId = existing;
  if (userId === null && email) userId = await userIdByEmail(d1, email);
  let created = false;
  if (userId === null) {
    if (!email) throw new AppError("bad_request", "Email not found");
    userId = await createSlackUser(d1, profile!);
    created = true;
  }

  if (profile) {
    await saveSlackIdentity(d1, userId, {
      slackUid,
      slackUsername: slackDisplayName(profile),
      avatarUrl: profile.profile?.image_192 || profile.profile?.image_72 || null,
      timezone: profile.tz && isValidTimeZone(profile.tz) ? profile.tz : null,
      email,
    });
  }

  const [user, emails] = await Promise.all([userById(d1, userId), emailsOf(d1, userId)]);
  if (!user) throw new AppError("internal", "Account vanished");
  return { user_id: userId, username: user.username, email: emails[0] ?? null, created };
}

/** Inserts the account under the first free username candidate; returns its id. */
async function createSlackUser(d1: D1Database, u: SlackUser): Promise<number> {
  for (const username of usernameCandidates(u)) {
    const id = await insertSlackUser(d1, username, u.id);
    if (id !== null) return id;
  }
  throw new AppError("conflict", "Could not choose a username for this Slack account");
}
