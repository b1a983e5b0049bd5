// Users and their e-mail addresses. Drizzle for plain lookups (typed rows from schema.ts);
// raw SQL where a statement needs correlated subqueries or json_each.
import { and, count, eq, gt, inArray, isNotNull, sql } from "drizzle-orm";
import { getDb } from "./client";
import { emailAddresses, users, type UserRow } from "./schema";
import { firstEmailOf, NOW_ISO } from "./sql";

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

/** Runs provisioning statements (firstApiKey's) in one transaction. */
export async function runProvisioningStatements(d1: D1Database, statements: Array<{ sql: string; params: Array<string | number | null> }>): Promise<void> {
  await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.params)));
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

/** What a public profile is built from: the user's naming and avatar fields and first e-mail. */
export interface ProfileSource {
  id: number;
  username: string | null;
  display_name_override: string | null;
  slack_username: string | null;
  slack_avatar_url: string | null;
  github_username: string | null;
  github_avatar_url: string | null;
  timezone: string;
  created_at: string;
  updated_at: string;
  /** The user's first e-mail address, if any. */
  email: string | null;
}

export const PROFILE_SOURCE_SQL = `SELECT u.id, u.username, u.display_name_override, u.slack_username, u.slack_avatar_url, u.github_username,
    u.github_avatar_url, u.timezone, u.created_at, u.updated_at, ${firstEmailOf("u")} AS email
  FROM users u WHERE u.id = ?`;

export async function profileSourceById(d1: D1Database, userId: number): Promise<ProfileSource | null> {
  return d1.prepare(PROFILE_SOURCE_SQL).bind(userId).first<ProfileSource>();
}

/** Ids of the users with these Slack UIDs, by id. */
export async function userIdsBySlackUids(d1: D1Database, slackUids: string[]): Promise<number[]> {
  const rows = await getDb(d1).select({ id: users.id }).from(users).where(inArray(users.slackUid, slackUids)).orderBy(users.id).all();
  return rows.map((r) => r.id);
}

/** One page of user ids after `afterId`, ascending (for walking every user). */
export async function userIdsAfter(d1: D1Database, afterId: number, limit: number): Promise<number[]> {
  const rows = await getDb(d1).select({ id: users.id }).from(users).where(gt(users.id, afterId)).orderBy(users.id).limit(limit).all();
  return rows.map((r) => r.id);
}

export async function userBySlackUid(d1: D1Database, slackUid: string): Promise<UserRow | undefined> {
  return getDb(d1).select().from(users).where(eq(users.slackUid, slackUid)).get();
}

export async function userByUsername(d1: D1Database, username: string): Promise<UserRow | undefined> {
  return getDb(d1).select().from(users).where(eq(users.username, username)).get();
}

/** id, username and time zone of each of these users (any number: one JSON parameter). */
export async function usersByIds(d1: D1Database, ids: number[]): Promise<Array<{ id: number; username: string; timezone: string; shard: number }>> {
  if (ids.length === 0) return [];
  const { results } = await d1
    .prepare("SELECT id, username, timezone, shard FROM users WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids))
    .all<{ id: number; username: string; timezone: string; shard: number }>();
  return results;
}

// ---------------------------------------------------------------- shard moves (domain/shards/move.ts)

/** Marks a user's move as started: `stale` holds a partial copy until the switch. */
export async function setStaleShard(d1: D1Database, userId: number, stale: number | null): Promise<void> {
  await getDb(d1).update(users).set({ staleShard: stale }).where(eq(users.id, userId)).run();
}

/** The switch: the user's rows are read from `to` from now on; `from` is stale until emptied. */
export async function switchUserShard(d1: D1Database, userId: number, from: number, to: number): Promise<void> {
  await getDb(d1).update(users).set({ shard: to, staleShard: from }).where(eq(users.id, userId)).run();
}

/** Users whose rows are being moved, with the shard to leave out of cross-user sums (users_stale_shard). */
export async function usersWithStaleShard(d1: D1Database): Promise<Array<{ id: number; shard: number; staleShard: number }>> {
  const rows = await getDb(d1).select({ id: users.id, shard: users.shard, staleShard: users.staleShard }).from(users).where(isNotNull(users.staleShard)).all();
  return rows.map((r) => ({ id: r.id, shard: r.shard, staleShard: r.staleShard! }));
}

/** Users per shard, by the users_shard index. */
export async function userCountsByShard(d1: D1Database): Promise<Map<number, number>> {
  const rows = await getDb(d1).select({ shard: users.shard, n: count() }).from(users).groupBy(users.shard).all();
  return new Map(rows.map((r) => [r.shard, r.n]));
}
