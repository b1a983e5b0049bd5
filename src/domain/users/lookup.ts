// Finding the user a public request is about, and whether the caller may see them
// (hackatime-behavior.md §6.4): numeric id, then slack uid, then username, all exact; "my" is
// the caller; a user with public stats lookup off is visible only to themselves.
import { eq } from "drizzle-orm";
import type { AuthUser } from "../../auth/user";
import { isRestricted } from "../../auth/user";
import { getDb } from "../../db/client";
import { users, type UserRow } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { safeTimeZone } from "../../lib/time";

export async function findUserByIdentifier(d1: D1Database, identifier: string): Promise<UserRow | null> {
  const db = getDb(d1);
  if (/^\d{1,15}$/.test(identifier)) {
    const byId = await db.select().from(users).where(eq(users.id, Number(identifier))).get();
    if (byId) return byId;
  }
  const bySlack = await db.select().from(users).where(eq(users.slackUid, identifier)).get();
  if (bySlack) return bySlack;
  return (await db.select().from(users).where(eq(users.username, identifier)).get()) ?? null;
}

export interface StatsTarget {
  user: UserRow;
  /** The same user as the (unrestricted) caller. */
  isOwner: boolean;
  /** id + valid zone, for duration queries. */
  subject: { id: number; timezone: string };
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
  return { user, isOwner, subject: { id: user.id, timezone: safeTimeZone(user.timezone) } };
}
