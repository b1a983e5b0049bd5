// Users and their e-mail addresses. Drizzle for plain lookups (typed rows from schema.ts);
// raw SQL where a statement needs correlated subqueries or json_each.
import { eq } from "drizzle-orm";
import { getDb } from "./client";
import { emailAddresses, users, type UserRow } from "./schema";

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

/** id, username and time zone of each of these users (any number: one JSON parameter). */
export async function usersByIds(d1: D1Database, ids: number[]): Promise<Array<{ id: number; username: string; timezone: string }>> {
  if (ids.length === 0) return [];
  const { results } = await d1
    .prepare("SELECT id, username, timezone FROM users WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids))
    .all<{ id: number; username: string; timezone: string }>();
  return results;
}
