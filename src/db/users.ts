// Users and their e-mail addresses. Drizzle for plain lookups (typed rows from schema.ts);
// raw SQL where a statement needs correlated subqueries or json_each.
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "./client";
import { emailAddresses, users, type UserRow } from "./schema";
import { NOW_ISO } from "./sql";

export async function userById(d1: D1Database, id: number): Promise<UserRow | undefined> {
  return getDb(d1).select().from(users).where(eq(users.id, id)).get();
}

/** The user owning an e-mail address (addresses are stored lower-case). */
export async function userIdByEmail(d1: D1Database, email: string): Promise<number | null> {
  const row = await getDb(d1).select({ userId: emailAddresses.userId }).from(emailAddresses).where(eq(emailAddresses.email, email.trim().toLowerCase())).get();
  return row?.userId ?? null;
}

export async function userIdBySlackUid(d1: D1Database, slackUid: string): Promise<number | null> {
  const row = await getDb(d1).select({ id: users.id }).from(users).where(eq(users.slackUid, slackUid)).get();
  return row?.id ?? null;
}

/** A user's e-mail addresses, oldest first. */
export async function emailsOf(d1: D1Database, userId: number): Promise<string[]> {
  const rows = await getDb(d1).select({ email: emailAddresses.email }).from(emailAddresses).where(eq(emailAddresses.userId, userId)).orderBy(emailAddresses.id).all();
  return rows.map((r) => r.email);
}

// ---- web app: GitHub sign-in, settings (raw SQL only for the provisioning statements, which
// domain/users/provision.ts writes for `wrangler d1 execute` as well) ----

export async function userIdByGithubUid(d1: D1Database, githubUid: string): Promise<number | null> {
  const row = await getDb(d1).select({ id: users.id }).from(users).where(eq(users.githubUid, githubUid)).get();
  return row?.id ?? null;
}

export async function usernameTaken(d1: D1Database, username: string): Promise<boolean> {
  return (await getDb(d1).select({ id: users.id }).from(users).where(eq(users.username, username)).get()) !== undefined;
}

/** Runs provisionUser's statements in one transaction; returns the new user's id. */
export async function insertProvisionedUser(d1: D1Database, statements: Array<{ sql: string; params: Array<string | number | null> }>): Promise<number> {
  const results = await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.params)));
  return (results[results.length - 1].results[0] as { id: number }).id;
}

export async function setGithubIdentity(d1: D1Database, userId: number, g: { uid: string; username: string; avatarUrl: string | null }): Promise<void> {
  await getDb(d1)
    .update(users)
    .set({ githubUid: g.uid, githubUsername: g.username, githubAvatarUrl: g.avatarUrl, updatedAt: sql`${sql.raw(NOW_ISO)}` })
    .where(eq(users.id, userId))
    .run();
}

export async function setTimezone(d1: D1Database, userId: number, timezone: string): Promise<void> {
  await getDb(d1).update(users).set({ timezone, updatedAt: sql`${sql.raw(NOW_ISO)}` }).where(eq(users.id, userId)).run();
}

export async function setPublicStatsLookup(d1: D1Database, userId: number, allow: boolean): Promise<void> {
  await getDb(d1).update(users).set({ allowPublicStatsLookup: allow, updatedAt: sql`${sql.raw(NOW_ISO)}` }).where(eq(users.id, userId)).run();
}

/** Which of these users show their stats publicly (profile links on the leaderboards). */
export async function publicStatsUserIds(d1: D1Database, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await getDb(d1)
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.allowPublicStatsLookup, true)))
    .all();
  return new Set(rows.map((r) => r.id));
}
