// Web sessions (web_sessions). Drizzle for the plain inserts, lists and deletes; raw SQL for the
// per-request lookup, which joins the user and asks whether a deletion is active in one
// statement (the same columns auth/user.ts reads for an API key).
import { and, desc, eq, gt, lt } from "drizzle-orm";
import { getDb } from "./client";
import { webSessions, type SignInMethod, type WebSessionRow } from "./schema";
import { AUTH_USER_COLUMNS, credentialUserOf, NOW_ISO, type AuthUserRow, type CredentialUser } from "./sql";

export interface NewSession {
  userId: number;
  tokenHash: string;
  csrfToken: string;
  signInMethod: SignInMethod;
  userAgent: string | null;
  expiresAt: string;
}

/** Stores a session; the user's expired sessions are dropped in the same transaction. */
export async function insertSession(d1: D1Database, s: NewSession): Promise<number> {
  const db = getDb(d1);
  const now = new Date().toISOString();
  const [, inserted] = await db.batch([
    db.delete(webSessions).where(and(eq(webSessions.userId, s.userId), lt(webSessions.expiresAt, now))),
    db.insert(webSessions).values(s).returning({ id: webSessions.id }),
  ]);
  return inserted[0].id;
}

/** The per-request lookup: by the token's hash (unique index), unexpired, with its user. */
export const SESSION_LOOKUP_SQL = `SELECT s.id AS session_id, s.csrf_token, s.sign_in_method, s.last_seen_at, ${AUTH_USER_COLUMNS}
  FROM web_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.token_hash = ?1 AND s.expires_at > ?2`;

interface SessionLookupRow extends AuthUserRow {
  session_id: number;
  csrf_token: string;
  sign_in_method: SignInMethod;
  last_seen_at: string;
}

export interface SessionLookup {
  id: number;
  csrfToken: string;
  signInMethod: SignInMethod;
  lastSeenAt: string;
  user: CredentialUser;
}

export async function sessionByTokenHash(d1: D1Database, tokenHash: string, nowIso: string): Promise<SessionLookup | null> {
  const row = await d1.prepare(SESSION_LOOKUP_SQL).bind(tokenHash, nowIso).first<SessionLookupRow>();
  return row ? { id: row.session_id, csrfToken: row.csrf_token, signInMethod: row.sign_in_method, lastSeenAt: row.last_seen_at, user: credentialUserOf(row) } : null;
}

/** Records activity, at most once per `olderThanIso` (so most requests write nothing). */
export async function touchSession(d1: D1Database, id: number, olderThanIso: string): Promise<void> {
  await d1.prepare(`UPDATE web_sessions SET last_seen_at = ${NOW_ISO} WHERE id = ?1 AND last_seen_at < ?2`).bind(id, olderThanIso).run();
}

/** A user's unexpired sessions, newest first. */
export async function sessionsOf(d1: D1Database, userId: number, nowIso: string): Promise<WebSessionRow[]> {
  return getDb(d1)
    .select()
    .from(webSessions)
    .where(and(eq(webSessions.userId, userId), gt(webSessions.expiresAt, nowIso)))
    .orderBy(desc(webSessions.id))
    .all();
}

/** Deletes one of the user's sessions; false when it is not theirs or already gone. */
export async function deleteSessionOf(d1: D1Database, userId: number, sessionId: number): Promise<boolean> {
  const rows = await getDb(d1)
    .delete(webSessions)
    .where(and(eq(webSessions.id, sessionId), eq(webSessions.userId, userId)))
    .returning({ id: webSessions.id });
  return rows.length > 0;
}
