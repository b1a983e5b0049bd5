// The session cookie and the middleware that resolves it for every web page.
//
// Cookie: "__Host-tally_session" = a random token (only its hash is stored, domain/sessions.ts),
// HttpOnly (no script reads it), Secure (HTTPS only; browsers treat http://localhost and
// 127.0.0.1 as secure, so `npm start` works), SameSite=Lax (not sent on cross-site POSTs or
// subresource requests), Path=/, no Domain (the __Host- prefix makes the browser enforce
// Secure, Path=/ and no Domain), Max-Age 30 days.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { SignInMethod } from "../db/schema";
import { resolveSession, startSession, type WebSession } from "../domain/sessions";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";

declare module "hono" {
  interface ContextVariableMap {
    webSession: WebSession | null;
  }
}

export const SESSION_COOKIE = "__Host-tally_session";
const FLASH_COOKIE = "__Host-tally_flash";
const baseCookie = { path: "/", secure: true, httpOnly: true, sameSite: "Lax" } as const;

/** Resolves the session cookie (if any) into c.var.webSession. */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("webSession", await resolveSession(c.env.DB, getCookie(c, SESSION_COOKIE)));
  await next();
};

export function currentSession(c: Context<AppEnv>): WebSession | null {
  return c.get("webSession") ?? null;
}

/** Signs the browser in: a new session and its cookie. Returns the session (for this response). */
export async function signIn(c: Context<AppEnv>, userId: number, method: SignInMethod): Promise<WebSession | null> {
  const s = await startSession(c.env.DB, userId, method, c.req.header("user-agent"));
  setCookie(c, SESSION_COOKIE, s.token, { ...baseCookie, maxAge: s.maxAgeSeconds });
  return resolveSession(c.env.DB, s.token);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
}

// ---- flash: one message shown on the next page (after a form's redirect) ----

export interface Flash {
  kind: "notice" | "error";
  text: string;
}

export function setFlash(c: Context<AppEnv>, flash: Flash): void {
  const value = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(flash)))).replace(/=+$/, "");
  setCookie(c, FLASH_COOKIE, value, { ...baseCookie, maxAge: 120 });
}

/** The pending flash message, cleared as it is read. */
export function takeFlash(c: Context<AppEnv>): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, { path: "/", secure: true });
  try {
    const bytes = Uint8Array.from(atob(raw), (ch) => ch.charCodeAt(0));
    const f = JSON.parse(new TextDecoder().decode(bytes)) as Flash;
    return (f.kind === "notice" || f.kind === "error") && typeof f.text === "string" ? { kind: f.kind, text: f.text.slice(0, 500) } : null;
  } catch {
    return null;
  }
}

/**
 * Pages for signed-in users: without a session a page visit goes to the sign-in page (and
 * comes back after), anything else is refused.
 */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("webSession")) {
    if (c.req.method === "GET" || c.req.method === "HEAD") {
      const url = new URL(c.req.url);
      return c.redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    throw new AppError("unauthorized", "You are signed out. Sign in again and retry.");
  }
  await next();
};

/** The session of a page behind requireSession. */
export function sessionOf(c: Context<AppEnv>): WebSession {
  const s = c.get("webSession");
  if (!s) throw new AppError("unauthorized", "You are signed out. Sign in again and retry.");
  return s;
}
