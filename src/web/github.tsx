// "Sign in with GitHub": GET /auth/github sends the browser to GitHub with a random state
// (kept in a short-lived __Host- cookie, compared on the way back: a callback this browser did
// not start is refused); GET /auth/github/callback exchanges the code and signs in
// (domain/github-signin.ts decides which account). Started while signed in, it links GitHub
// to the signed-in account instead.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { accountForGithub, authorizeUrl, exchangeCode, githubConfigured, githubIdentity } from "../domain/github-signin";
import { randomToken } from "../domain/sessions";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { secretsEqual } from "../lib/crypto";
import { EditorSnippet, originOf, safeNext } from "./pages/public";
import { page } from "./layout";
import { Card } from "./ui";
import { currentSession, setFlash, signIn } from "./session";

const STATE_COOKIE = "__Host-tally_oauth";

const callbackUrl = (c: Context<AppEnv>) => `${originOf(c)}/auth/github/callback`;

export function startGithub(c: Context<AppEnv>) {
  if (!githubConfigured(c.env)) throw new AppError("unavailable", "GitHub sign-in is not configured on this server.");
  const state = randomToken(16);
  const next = safeNext(c.req.query("next"));
  // Lax, not Strict: the callback is a top-level navigation coming back from github.com.
  setCookie(c, STATE_COOKIE, `${state}.${encodeURIComponent(next)}`, { path: "/", secure: true, httpOnly: true, sameSite: "Lax", maxAge: 600 });
  return c.redirect(authorizeUrl(c.env, state, callbackUrl(c)), 302);
}

export async function githubCallback(c: Context<AppEnv>) {
  if (!githubConfigured(c.env)) throw new AppError("unavailable", "GitHub sign-in is not configured on this server.");
  const cookie = getCookie(c, STATE_COOKIE) ?? "";
  deleteCookie(c, STATE_COOKIE, { path: "/", secure: true });
  const dot = cookie.indexOf(".");
  const [expected, next] = dot > 0 ? [cookie.slice(0, dot), safeNext(decodeURIComponent(cookie.slice(dot + 1)))] : ["", "/dashboard"];
  const state = c.req.query("state") ?? "";
  if (!expected || !secretsEqual(state, expected)) throw new AppError("forbidden", "This GitHub sign-in was not started here, or it took too long. Start again from the sign-in page.");
  if (c.req.query("error")) throw new AppError("forbidden", "GitHub sign-in was cancelled.");
  const code = c.req.query("code");
  if (!code) throw new AppError("bad_request", "GitHub did not send a sign-in code.");

  const token = await exchangeCode(c.env, code, callbackUrl(c));
  const identity = await githubIdentity(c.env, token);
  const session = currentSession(c);
  const result = await accountForGithub(c.env, identity, session?.user.id ?? null);
  if (session && session.user.id === result.userId) {
    setFlash(c, { kind: "notice", text: `GitHub account ${identity.login} is linked.` });
    return c.redirect("/settings", 303);
  }
  await signIn(c, result.userId, "github");
  if (!result.created) return c.redirect(next, 303);
  // A new account: its API key is shown here, once (only its hash is stored).
  return page(
    c,
    { title: "Welcome" },
    <Card id="welcome" title={<>Welcome, {result.created.username}</>} level={1}>
      <p>Your account is ready. This is your API key; it is shown only now. Put it in <code>~/.wakatime.cfg</code>:</p>
      <EditorSnippet origin={originOf(c)} apiKey={result.created.apiKey} />
      <p>
        Lost it? Rotate it in <a href="/settings">settings</a>. <a class="button" href="/dashboard">Go to your dashboard</a>
      </p>
    </Card>,
  );
}
