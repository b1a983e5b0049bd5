// What every web page answers with, and the CSRF check of every state-changing form.
//
// Content-Security-Policy: everything from this origin only, no inline script and no inline
// style (charts are SVG with presentation attributes; the little JavaScript there is is a static
// file), no framing (frame-ancestors 'none'), forms post only here. img-src allows data: for the
// locally drawn avatars.
//
// CSRF: two checks on every POST, plus SameSite=Lax on the session cookie.
//   1. Origin: the request's Origin header (Referer when a browser sends no Origin) must be this
//      site's origin. Referrer-Policy is same-origin, not no-referrer, because under no-referrer
//      browsers send "Origin: null" on same-site form posts.
//   2. Token: the form's hidden "_csrf" field must equal the session's own random token
//      (synchronizer token, domain/sessions.ts). Before sign-in there is no session, so the
//      sign-in form carries a random value that must equal a __Host- cookie set with the form
//      (double submit): a login-CSRF post from another site has neither.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { csrfMatches, randomToken, type WebSession } from "../domain/sessions";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { secretsEqual } from "../lib/crypto";

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Security headers for every web response. Pages carry the signed-in user's data, so unless a
 * handler says otherwise (public badges do) nothing is stored by any cache.
 */
export const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header("Content-Security-Policy", PAGE_CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "private, no-store");
  c.header("Vary", "Cookie");
};

export const CSRF_FIELD = "_csrf";
const PRE_SESSION_COOKIE = "__Host-tally_csrf";
const CSRF_REFUSED = "This form did not come from this site, or it is out of date (CSRF check). Reload the page and try again.";

/** The request comes from a page of this origin (Origin, else Referer; neither → no). */
export function isSameOrigin(c: Context<AppEnv>): boolean {
  const self = new URL(c.req.url).origin;
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === self;
  const referer = c.req.header("referer");
  if (!referer) return false;
  try {
    return new URL(referer).origin === self;
  } catch {
    return false;
  }
}

export function requireSameOrigin(c: Context<AppEnv>): void {
  if (!isSameOrigin(c)) throw new AppError("forbidden", CSRF_REFUSED);
}

/** Checks the session's token; throws 403 otherwise. */
export function requireCsrfToken(session: WebSession, submitted: unknown): void {
  if (!csrfMatches(session, submitted)) throw new AppError("forbidden", CSRF_REFUSED);
}

/** A url-encoded (or small multipart) form of a signed-in user, after both CSRF checks. */
export async function checkedForm(c: Context<AppEnv>, session: WebSession): Promise<Record<string, string>> {
  requireSameOrigin(c);
  const body = await c.req.parseBody();
  requireCsrfToken(session, body[CSRF_FIELD]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

/** The pre-session token for the sign-in form: set as a cookie and rendered into the form. */
export function preSessionToken(c: Context<AppEnv>): string {
  const existing = getCookie(c, PRE_SESSION_COOKIE);
  if (existing && /^[0-9a-f]{32}$/.test(existing)) return existing;
  const token = randomToken(16);
  setCookie(c, PRE_SESSION_COOKIE, token, { path: "/", secure: true, httpOnly: true, sameSite: "Strict", maxAge: 3600 });
  return token;
}

/** The sign-in form after both checks (Origin, and the double-submitted pre-session token). */
export async function checkedPreSessionForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  requireSameOrigin(c);
  const body = await c.req.parseBody();
  const cookie = getCookie(c, PRE_SESSION_COOKIE);
  const field = body[CSRF_FIELD];
  if (!cookie || typeof field !== "string" || !secretsEqual(cookie, field)) throw new AppError("forbidden", CSRF_REFUSED);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}
