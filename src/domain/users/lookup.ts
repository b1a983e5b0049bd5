// Finding the user a public request is about, and whether the caller may see them
// (hackatime-behavior.md §6.4): numeric id, then slack uid, then username, all exact; "my" is
// the caller; a user with public stats lookup off is visible only to themselves.
import { subjectOf, type DurationSubject } from "../durations/query";
import { maskedTrustLevel } from "../../auth/levels";
import type { AuthUser } from "../../auth/user";
import { isRestricted } from "../../auth/user";
import { userKeyRefused } from "../../auth/failures";
import type { UserRow } from "../../db/schema";
import { userById, userBySlackUid, userByUsername } from "../../db/users";
import { AppError } from "../../lib/errors";

export async function findUserByIdentifier(d1: D1Database, identifier: string): Promise<UserRow | null> {
  if (/^\d{1,15}$/.test(identifier)) {
    const byId = await userById(d1, Number(identifier));
    if (byId) return byId;
  }
  const bySlack = await userBySlackUid(d1, identifier);
  if (bySlack) return bySlack;
  return (await userByUsername(d1, identifier)) ?? null;
}

export interface StatsTarget {
  user: UserRow;
  /** The same user as the (unrestricted) caller. */
  isOwner: boolean;
  /** id + valid zone, for duration queries. */
  subject: DurationSubject;
}

/**
 * Resolves {username} for the public stats routes: 404 {"error":"User not found"}, 403 with
 * `privateMessage` when the target hides their stats from everyone but themselves.
 */
export async function resolveStatsTarget(
  d1: D1Database,
  identifier: string,
  caller: Pick<AuthUser, "id" | "trustLevel" | "deletionActive"> | null,
  privateMessage = "user has disabled public stats",
): Promise<StatsTarget> {
  const owner = caller && !isRestricted(caller) ? caller : null;
  const user = identifier === "my" ? (owner ? await findUserByIdentifier(d1, String(owner.id)) : null) : await findUserByIdentifier(d1, identifier);
  if (!user) throw new AppError("not_found", "User not found");
  const isOwner = owner?.id === user.id;
  if (!user.allowPublicStatsLookup && !isOwner) throw new AppError("forbidden", privateMessage);
  return { user, isOwner, subject: subjectOf(user) };
}

/** A user's public trust level (suspected shows as blue); no privacy check, 404 for nobody. */
export async function publicTrustFactor(d1: D1Database, identifier: string) {
  const user = await findUserByIdentifier(d1, identifier);
  if (!user) throw new AppError("not_found", "User not found");
  return maskedTrustLevel(user.trustLevel);
}

/**
 * `{user}` of the WakaTime-shaped endpoints. "current" is the caller (401 without a key); an id,
 * Slack id or username names that user, seen under the public-stats rule above (403 when they
 * hide their stats, and always for `ownerOnly` data such as heartbeats and goals). A name that
 * is nobody's falls back to the caller, as Hackatime ignores the segment (clients migrated from
 * WakaTime keep its user id there); without a caller it is a 404. The caller's own data is
 * served even when their account is restricted, as the rest of the compat API serves it.
 */
export async function resolveWakaTimeUser(d1: D1Database, identifier: string, caller: AuthUser | null, opts: { ownerOnly?: boolean } = {}): Promise<StatsTarget> {
  const named = identifier === "current" ? null : await findUserByIdentifier(d1, identifier);
  if (named && named.id !== caller?.id) {
    if (opts.ownerOnly) throw new AppError("forbidden", "Only the user themselves can read this");
    if (!named.allowPublicStatsLookup) throw new AppError("forbidden", "user has disabled public stats");
    return { user: named, isOwner: false, subject: subjectOf(named) };
  }
  if (!caller) throw identifier === "current" ? userKeyRefused("missing") : new AppError("not_found", "User not found");
  const own = named ?? (await userById(d1, caller.id));
  if (!own) throw userKeyRefused("unknown_key"); // the user went between the key check and now
  return { user: own, isOwner: true, subject: subjectOf(own) };
}
