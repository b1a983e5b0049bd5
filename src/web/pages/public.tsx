// Pages anyone may see: the landing page, sign in / sign out, and the HTML 404 and error pages.
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import { userIdForKey } from "../../domain/sessions";
import type { AppEnv } from "../../env";
import { AppError, ERROR_STATUS } from "../../lib/errors";
import { log } from "../../lib/log";
import { githubConfigured, signupsAllowed } from "../../domain/github-signin";
import { page, type PageOptions } from "../layout";
import { CSRF_FIELD, checkedForm, checkedPreSessionForm, preSessionToken } from "../security";
import { clearSessionCookie, currentSession, signIn } from "../session";
import { deleteSessionOf } from "../../db/sessions";
import { Card } from "../ui";

/** The ~/.wakatime.cfg lines for this server; the key itself only when it is known (just rotated). */
export const EditorSnippet: FC<{ origin: string; apiKey?: string; id?: string }> = ({ origin, apiKey, id }) => (
  <pre id={id}>
    <code>{`[settings]\napi_url = ${origin}/api/hackatime/v1\napi_key = ${apiKey ?? "<your API key>"}`}</code>
  </pre>
);

export const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

/**
 * A same-site path to go to after sign-in, never another host: "//x" and "/\\x" are refused, and
 * so is any control character, space or backslash (browsers drop tabs and newlines from URLs, so
 * "/\t/x" would become "//x").
 */
export function safeNext(raw: string | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || /[\u0000-\u0020\u007f\\]/.test(raw)) return "/dashboard";
  return raw;
}

export function landing(c: Context<AppEnv>) {
  const session = currentSession(c);
  return page(
    c,
    { title: "Coding activity, measured" },
    <>
      <section class="hero">
        <h1>Tally</h1>
        <p>
          Tally counts the time you spend coding, from the same plugins WakaTime and Hackatime use. Point your editor at this server and see your day, your week,
          your projects and languages, a year of activity, and where you stand on the leaderboards.
        </p>
        <p>{session ? <a class="button" href="/dashboard">Open your dashboard</a> : <a class="button" href="/signin">Sign in</a>}</p>
      </section>
      <div class="grid">
        <Card id="setup" title="Set up your editor">
          <p>
            Install the WakaTime plugin for your editor, then put this server into <code>~/.wakatime.cfg</code>:
          </p>
          <EditorSnippet origin={originOf(c)} />
          <p class="small muted">Your API key comes from whoever runs this server (or from your settings once you are signed in).</p>
        </Card>
        <Card id="what" title="What you get">
          <ul>
            <li>Today, this week and your streak at a glance</li>
            <li>Any range: languages, projects, editors, machines, categories</li>
            <li>A one-year calendar of your activity</li>
            <li>Public profile and badges, if you want them</li>
            <li>Your data: import a WakaTime or Hackatime dump, export everything</li>
          </ul>
          <p>
            The same numbers are in the <a href="/api-docs">API</a>.
          </p>
        </Card>
      </div>
    </>,
  );
}

function signInPage(c: Context<AppEnv>, opts: { error?: string; next?: string; status?: PageOptions["status"] }) {
  const token = preSessionToken(c);
  const github = githubConfigured(c.env);
  return page(
    c,
    { title: "Sign in", status: opts.status },
    <div class="grid">
      <Card id="with-key" title="Sign in" level={1}>
        {opts.error ? (
          <p class="flash error" role="alert">
            {opts.error}
          </p>
        ) : null}
        <form method="post" action="/signin">
          <input type="hidden" name={CSRF_FIELD} value={token} />
          <input type="hidden" name="next" value={safeNext(opts.next)} />
          <div class="form-row">
            <label>
              Your API key
              <input type="password" name="api_key" required autocomplete="off" spellcheck={false} size={40} aria-describedby="key-help" />
            </label>
            <button type="submit">Sign in with API key</button>
          </div>
        </form>
        <p id="key-help" class="small muted">
          It is the <code>api_key</code> in your <code>~/.wakatime.cfg</code> (the file your editor plugin reads):
        </p>
        <EditorSnippet origin={originOf(c)} />
        {github ? (
          <>
            <h2>Or</h2>
            <p>
              <a class="button secondary" href={`/auth/github?next=${encodeURIComponent(safeNext(opts.next))}`}>
                Sign in with GitHub
              </a>
            </p>
            <p class="small muted">{signupsAllowed(c.env) ? "New here? Your first GitHub sign-in creates your account." : "Sign-ups are closed: GitHub signs in accounts that already exist or are linked."}</p>
          </>
        ) : null}
      </Card>
    </div>,
  );
}

export function signInForm(c: Context<AppEnv>) {
  if (currentSession(c)) return c.redirect(safeNext(c.req.query("next")), 303);
  return signInPage(c, { next: c.req.query("next") });
}

export async function signInWithKey(c: Context<AppEnv>) {
  const form = await checkedPreSessionForm(c);
  let userId: number;
  try {
    userId = await userIdForKey(c.env, form.api_key ?? "");
  } catch (e) {
    if (e instanceof AppError) return signInPage(c, { error: e.message, next: form.next, status: 401 as PageOptions["status"] });
    throw e;
  }
  await signIn(c, userId, "api_key");
  return c.redirect(safeNext(form.next), 303);
}

export async function signOut(c: Context<AppEnv>) {
  const session = currentSession(c);
  if (session) {
    await checkedForm(c, session);
    await deleteSessionOf(c.env.DB, session.user.id, session.id);
  }
  clearSessionCookie(c);
  return c.redirect("/", 303);
}

export function notFoundPage(c: Context<AppEnv>, what = "There is no page here.") {
  return page(
    c,
    { title: "Not found", status: 404 },
    <Card id="nf" title="Not found" level={1}>
      <p>{what}</p>
      <p>
        <a href="/">Home</a> · <a href="/dashboard">Dashboard</a>
      </p>
    </Card>,
  );
}

/** Web routes' errors as pages: an AppError's message with its status; anything else opaque. */
export function errorPage(err: Error, c: Context<AppEnv>) {
  if (err instanceof AppError) {
    if (err.code === "not_found") return notFoundPage(c, err.message);
    const status = ERROR_STATUS[err.code] as PageOptions["status"];
    return page(
      c,
      { title: "Something went wrong", status },
      <Card id="err" title={err.code === "forbidden" ? "Not allowed" : "That did not work"} level={1}>
        <p role="alert">{err.message}</p>
        <p>
          <a href="/">Home</a>
        </p>
      </Card>,
    );
  }
  log.error("unhandled web error", { requestId: c.get("requestId"), error: String(err?.message ?? err), stack: err?.stack });
  return page(
    c,
    { title: "Error", status: 500 },
    <Card id="err" title="Something broke" level={1}>
      <p>The server could not show this page. Request id: {c.get("requestId")}</p>
    </Card>,
  );
}
