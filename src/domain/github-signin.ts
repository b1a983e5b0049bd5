// Signing in to the web app with GitHub (OAuth web flow): the authorize URL, the code exchange,
// the GitHub identity, and which Tally account it signs in to.
//
// Which account, in this order (Hackatime's rules, as the Slack sign-in here follows them):
//   1. the account already linked to this GitHub user id;
//   2. the signed-in account, when the flow started from settings ("link GitHub");
//   3. the account owning the GitHub user's verified primary e-mail address (linked now);
//   4. a new account, when the operator allows sign-ups (SIGNUPS=open);
//   otherwise refused.
// The upstream URLs come from GITHUB_OAUTH_BASE_URL / GITHUB_API_BASE_URL so tests can point
// them at a fake provider; every call is bounded by a timeout.
import { shards } from "../db/shards";
import { insertProvisionedUser, runProvisioningStatements, setGithubIdentity, userIdByEmail, userIdByGithubUid, usernameTaken } from "../db/users";
import { AppError } from "../lib/errors";
import { firstApiKey, provisionUser } from "./users/provision";

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 5_000;
const USER_AGENT = "Tally (Hackatime-compatible server)";

type GithubEnv = Pick<Env, "GITHUB_CLIENT_ID" | "GITHUB_CLIENT_SECRET" | "GITHUB_OAUTH_BASE_URL" | "GITHUB_API_BASE_URL" | "SIGNUPS">;

export const githubConfigured = (env: GithubEnv) => Boolean(env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET);
export const signupsAllowed = (env: GithubEnv) => String(env.SIGNUPS ?? "").trim().toLowerCase() === "open";

const trimSlash = (u: string) => u.replace(/\/+$/, "");

/** Where the browser is sent to approve the sign-in. `read:user user:email`: the profile and e-mails. */
export function authorizeUrl(env: GithubEnv, state: string, redirectUri: string): string {
  const q = new URLSearchParams({ client_id: env.GITHUB_CLIENT_ID ?? "", redirect_uri: redirectUri, state, scope: "read:user user:email", allow_signup: "true" });
  return `${trimSlash(env.GITHUB_OAUTH_BASE_URL)}/login/oauth/authorize?${q}`;
}

export interface GithubIdentity {
  uid: string;
  login: string;
  avatarUrl: string | null;
  /** The verified primary e-mail address, if GitHub gave one. */
  email: string | null;
}

const upstream = (message: string) => new AppError("upstream_failed", message);

async function getJson(fetchFn: FetchFn, url: string, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw upstream("GitHub could not be reached. Try again in a moment.");
  }
  if (!res.ok) throw upstream(`GitHub answered ${res.status}.`);
  try {
    return await res.json();
  } catch {
    throw upstream("GitHub did not answer JSON.");
  }
}

/** The code GitHub handed back → an access token (never stored: used for two reads and dropped). */
export async function exchangeCode(env: GithubEnv, code: string, redirectUri: string, fetchFn: FetchFn = fetch): Promise<string> {
  const body = await getJson(fetchFn, `${trimSlash(env.GITHUB_OAUTH_BASE_URL)}/login/oauth/access_token`, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json", "User-Agent": USER_AGENT },
    body: JSON.stringify({ client_id: env.GITHUB_CLIENT_ID, client_secret: env.GITHUB_CLIENT_SECRET, code, redirect_uri: redirectUri }),
  });
  const token = (body as { access_token?: unknown }).access_token;
  if (typeof token !== "string" || token === "") throw new AppError("unauthorized", "GitHub did not confirm the sign-in (the code was refused or has expired). Try again.");
  return token;
}

/** The GitHub user behind the token, with their verified primary e-mail. */
export async function githubIdentity(env: GithubEnv, token: string, fetchFn: FetchFn = fetch): Promise<GithubIdentity> {
  const headers = { Accept: "application/vnd.github+json", Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT };
  const api = trimSlash(env.GITHUB_API_BASE_URL);
  const user = (await getJson(fetchFn, `${api}/user`, { headers })) as { id?: unknown; login?: unknown; avatar_url?: unknown };
  if ((typeof user.id !== "number" && typeof user.id !== "string") || typeof user.login !== "string") throw upstream("GitHub did not say who you are.");
  let email: string | null = null;
  try {
    const emails = (await getJson(fetchFn, `${api}/user/emails`, { headers })) as Array<{ email?: unknown; primary?: unknown; verified?: unknown }>;
    const primary = Array.isArray(emails) ? emails.find((e) => e.primary === true && e.verified === true && typeof e.email === "string") : undefined;
    email = primary ? String(primary.email).trim().toLowerCase() : null;
  } catch {
    email = null; // the e-mail only links or labels an account; sign-in works without it
  }
  return { uid: String(user.id), login: user.login, avatarUrl: typeof user.avatar_url === "string" ? user.avatar_url : null, email };
}

/** A free username for a new account: the GitHub login, else login-2, login-3 … */
async function freeUsername(d1: D1Database, login: string): Promise<string> {
  const base = login.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 56) || "github-user";
  for (let i = 1; i <= 50; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await usernameTaken(d1, candidate))) return candidate;
  }
  throw new AppError("conflict", "Could not choose a username for this GitHub account");
}

export interface GithubSignIn {
  userId: number;
  /** A new account: its first API key (shown once; only its hash is stored). */
  created: { apiKey: string; username: string } | null;
}

export async function accountForGithub(env: Env, g: GithubIdentity, signedInUserId: number | null): Promise<GithubSignIn> {
  const d1 = env.DB;
  const identity = { uid: g.uid, username: g.login, avatarUrl: g.avatarUrl };
  const linked = await userIdByGithubUid(d1, g.uid);
  if (linked !== null) {
    if (signedInUserId !== null && signedInUserId !== linked) throw new AppError("conflict", "This GitHub account is already linked to another Tally account.");
    await setGithubIdentity(d1, linked, identity); // login and avatar may have changed
    return { userId: linked, created: null };
  }
  if (signedInUserId !== null) {
    await setGithubIdentity(d1, signedInUserId, identity);
    return { userId: signedInUserId, created: null };
  }
  const byEmail = g.email ? await userIdByEmail(d1, g.email) : null;
  if (byEmail !== null) {
    await setGithubIdentity(d1, byEmail, identity);
    return { userId: byEmail, created: null };
  }
  if (!signupsAllowed(env)) {
    throw new AppError("forbidden", "Sign-ups are closed on this server: no Tally account is linked to this GitHub account. Ask the operator for an account, then link GitHub in settings.");
  }
  const username = await freeUsername(d1, g.login);
  const p = await provisionUser({ username, email: g.email, githubUsername: g.login }, shards(env).length);
  const userId = await insertProvisionedUser(d1, p.statements);
  const key = await firstApiKey(userId);
  await runProvisioningStatements(d1, [key.statement]);
  await setGithubIdentity(d1, userId, identity);
  return { userId, created: { apiKey: key.apiKey, username } };
}
