// Web sessions: signing in (with the user's API key, or GitHub: domain/github-signin.ts),
// resolving the session cookie on each request, listing and ending sessions.
//
// The cookie carries 32 random bytes (hex); only their SHA-256 is stored, so a leaked table
// cannot be replayed as cookies. Each session has its own random CSRF token, which every
// state-changing form carries (src/web/security.ts checks it with the request's Origin).
// A session lasts SESSION_DAYS from sign-in (no sliding renewal): sign in again after that.
// Key rotation, a leaked key's revocation and account deletion end every session of the user in
// the same transaction as the key change (db/api-keys.ts, db/account-deletion.ts).
import { authenticateUserKey, checkedUser, type AuthUser } from "../auth/user";
import { userKeyRefused } from "../auth/failures";
import type { SignInMethod } from "../db/schema";
import { deleteSessionOf, insertSession, sessionByTokenHash, sessionsOf, touchSession } from "../db/sessions";
import { secretsEqual, sha256Hex, toHex } from "../lib/crypto";
import { AppError } from "../lib/errors";

export const SESSION_DAYS = 30;
export const SESSION_SECONDS = SESSION_DAYS * 86_400;
/** last_seen_at is rewritten at most this often per session. */
const TOUCH_EVERY_MS = 3_600_000;
const USER_AGENT_MAX = 300;

/** The signed-in user, as the web pages see them (an API caller without the key id). */
export type WebUser = Omit<AuthUser, "apiKeyId">;

export interface WebSession {
  id: number;
  csrfToken: string;
  signInMethod: SignInMethod;
  user: WebUser;
}

export function randomToken(bytes = 32): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return toHex(b);
}

export interface StartedSession {
  token: string;
  id: number;
  maxAgeSeconds: number;
}

export async function startSession(d1: D1Database, userId: number, method: SignInMethod, userAgent: string | undefined, nowMs = Date.now()): Promise<StartedSession> {
  const token = randomToken();
  const id = await insertSession(d1, {
    userId,
    tokenHash: await sha256Hex(token),
    csrfToken: randomToken(),
    signInMethod: method,
    userAgent: userAgent ? Array.from(userAgent).slice(0, USER_AGENT_MAX).join("") : null,
    expiresAt: new Date(nowMs + SESSION_SECONDS * 1000).toISOString(),
  });
  return { token, id, maxAgeSeconds: SESSION_SECONDS };
}

/** The session a cookie value names, or null (unknown, expired, ended). */
export async function resolveSession(d1: D1Database, token: string | undefined, nowMs = Date.now()): Promise<WebSession | null> {
  if (!token || !/^[0-9a-f]{64}$/.test(token)) return null;
  const row = await sessionByTokenHash(d1, await sha256Hex(token), new Date(nowMs).toISOString());
  if (!row) return null;
  if (Date.parse(row.lastSeenAt) < nowMs - TOUCH_EVERY_MS) await touchSession(d1, row.id, new Date(nowMs - TOUCH_EVERY_MS).toISOString());
  return { id: row.id, csrfToken: row.csrfToken, signInMethod: row.signInMethod, user: checkedUser(row.user) };
}

/** Signing in with an API key: the key's user, or the same 401 reasons the API gives. */
export async function userIdForKey(env: Env, key: string): Promise<number> {
  const found = await authenticateUserKey(env, key.trim());
  if (typeof found === "string") throw userKeyRefused(found);
  return found.id;
}

/** Whether a submitted CSRF token is this session's (constant time). */
export const csrfMatches = (session: Pick<WebSession, "csrfToken">, submitted: unknown) => typeof submitted === "string" && secretsEqual(submitted, session.csrfToken);

export interface SessionListItem {
  id: number;
  current: boolean;
  signInMethod: SignInMethod;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export async function listSessions(d1: D1Database, current: WebSession, nowMs = Date.now()): Promise<SessionListItem[]> {
  const rows = await sessionsOf(d1, current.user.id, new Date(nowMs).toISOString());
  return rows.map((r) => ({
    id: r.id,
    current: r.id === current.id,
    signInMethod: r.signInMethod,
    userAgent: r.userAgent,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    expiresAt: r.expiresAt,
  }));
}

export async function revokeSession(d1: D1Database, userId: number, sessionId: number): Promise<void> {
  if (!(await deleteSessionOf(d1, userId, sessionId))) throw new AppError("not_found", "No such session");
}
