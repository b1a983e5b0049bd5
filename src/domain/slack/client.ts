// A small Slack Web API client (https://api.slack.com/web): methods are called as
// GET {SLACK_API_BASE_URL}/{method}?args with the token as "Authorization: Bearer"; every answer
// is JSON with "ok" (false + "error" on failure, often with HTTP 200). The fetch function is a
// parameter so tests and other callers can substitute it.
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Slack answered ok:false (a bad or revoked token, a missing scope …). A subclass because
 * callers branch on it and read its code: a refused token is the caller's fault (400, the code
 * in the message), where an unreachable Slack is ours (AppError upstream_failed, 502).
 */
export class SlackApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`Slack ${method} failed: ${code}`);
  }
}

/** Slack could not be reached or did not answer JSON (the cause goes to the log). */
function slackUnavailable(method: string, cause: string): AppError {
  log.warn("slack unavailable", { method, error: cause });
  return new AppError("upstream_failed", "Slack is unavailable");
}

export interface SlackProfile {
  email?: string | null;
  image_192?: string | null;
  image_72?: string | null;
  display_name_normalized?: string | null;
  real_name_normalized?: string | null;
}

/** The fields of Slack's user object (users.info) that we read. */
export interface SlackUser {
  id: string;
  name?: string | null;
  tz?: string | null;
  profile?: SlackProfile | null;
}

export interface SlackAuthTest {
  user_id: string;
  team_id?: string;
  user?: string;
}

/** Each Slack call is bounded: a hung upstream must not hold the request. */
const SLACK_TIMEOUT_MS = 5_000;

export interface SlackClient {
  /** auth.test: whose token this is. */
  authTest(token: string): Promise<SlackAuthTest>;
  /** users.info: the user's profile (email needs the users:read.email scope). */
  usersInfo(token: string, userId: string): Promise<SlackUser>;
}

export function slackClient(baseUrl: string, fetchFn: FetchFn = (input, init) => fetch(input, init)): SlackClient {
  const base = baseUrl.replace(/\/+$/, "");
  async function call<T>(method: string, token: string, args: Record<string, string> = {}): Promise<T & { ok: true }> {
    const query = new URLSearchParams(args).toString();
    let body: unknown;
    try {
      const res = await fetchFn(`${base}/${method}${query ? `?${query}` : ""}`, {
        method: "GET",
        headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
        signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
      });
      body = await res.json();
    } catch (err) {
      throw slackUnavailable(method, String((err as Error)?.message ?? err));
    }
    if (!body || typeof body !== "object") throw slackUnavailable(method, "answered no object");
    const b = body as { ok?: unknown; error?: unknown };
    if (b.ok !== true) throw new SlackApiError(method, typeof b.error === "string" ? b.error : "unknown_error");
    return body as T & { ok: true };
  }
  return {
    async authTest(token) {
      return call<SlackAuthTest>("auth.test", token);
    },
    async usersInfo(token, userId) {
      const body = await call<{ user?: SlackUser }>("users.info", token, { user: userId });
      if (!body.user || typeof body.user.id !== "string") throw new SlackApiError("users.info", "user_not_found");
      return body.user;
    },
  };
}

/** Slack's response_url hosts; anything else is refused (the URL comes from the request body). */
const RESPONSE_URL_HOST = /(^|\.)slack(-gov)?\.com$/i;

export function isSlackResponseUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && RESPONSE_URL_HOST.test(url.hostname);
  } catch {
    return false;
  }
}

/** Posts a message to a slash command's response_url (valid 30 min, up to 5 times). */
export async function postToResponseUrl(responseUrl: string, message: Record<string, unknown>, fetchFn: FetchFn = (input, init) => fetch(input, init)): Promise<void> {
  if (!isSlackResponseUrl(responseUrl)) return;
  const res = await fetchFn(responseUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
  });
  // Drain the body so the connection is released.
  await res.arrayBuffer().catch(() => undefined);
}
