// The page frame every web page shares: head (one stylesheet, optional deferred script files),
// the site navigation, a flash message and the main landmark. Hono JSX escapes every text and
// attribute value it renders; nothing here (or in any page) uses raw HTML for data.
import type { Context } from "hono";
import type { Child, FC } from "hono/jsx";
import { html } from "hono/html";
import { atLeast } from "../auth/levels";
import type { WebSession } from "../domain/sessions";
import type { AppEnv } from "../env";
import { ownAsset, OWN_ASSETS } from "./assets";
import { CSRF_FIELD } from "./security";
import { takeFlash, type Flash } from "./session";

export interface PageOptions {
  title: string;
  /** Which nav entry is the current page. */
  nav?: "dashboard" | "projects" | "leaderboards" | "settings" | "admin";
  scripts?: Array<(typeof OWN_ASSETS)[number]>;
  /** Extra head content (e.g. a <noscript> refresh). */
  head?: Child;
  status?: 200 | 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;
}

const NAV: Array<{ key: NonNullable<PageOptions["nav"]>; href: string; label: string; admin?: boolean }> = [
  { key: "dashboard", href: "/dashboard", label: "Dashboard" },
  { key: "projects", href: "/projects", label: "Projects" },
  { key: "leaderboards", href: "/leaderboards", label: "Leaderboards" },
  { key: "settings", href: "/settings", label: "Settings" },
  { key: "admin", href: "/admin", label: "Admin", admin: true },
];

/** A hidden field with the session's CSRF token: every state-changing form starts with it. */
export const Csrf: FC<{ session: WebSession }> = ({ session }) => <input type="hidden" name={CSRF_FIELD} value={session.csrfToken} />;

/** A form that is one button: a POST to `action` with the session's CSRF token. */
export const PostButton: FC<{ session: WebSession; action: string; kind?: "secondary" | "danger"; label?: string; children: Child }> = ({ session, action, kind, label, children }) => (
  <form method="post" action={action}>
    <Csrf session={session} />
    <button type="submit" class={kind} aria-label={label}>
      {children}
    </button>
  </form>
);

const Frame: FC<{ opts: PageOptions; session: WebSession | null; flash: Flash | null; children?: Child }> = ({ opts, session, flash, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${opts.title} · Tally`}</title>
      <link rel="stylesheet" href={ownAsset("app.css")} />
      {(opts.scripts ?? []).map((s) => (
        <script src={ownAsset(s)} defer></script>
      ))}
      {opts.head}
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="site">
        <a class="brand" href={session ? "/dashboard" : "/"}>
          Tally
        </a>
        <nav aria-label="Main">
          <ul>
            {session ? (
              NAV.filter((n) => !n.admin || atLeast(session.user.adminLevel, "viewer")).map((n) => (
                <li>
                  <a href={n.href} aria-current={opts.nav === n.key ? "page" : undefined}>
                    {n.label}
                  </a>
                </li>
              ))
            ) : (
              <>
                <li>
                  <a href="/leaderboards" aria-current={opts.nav === "leaderboards" ? "page" : undefined}>
                    Leaderboards
                  </a>
                </li>
                <li>
                  <a href="/api-docs">API</a>
                </li>
              </>
            )}
          </ul>
        </nav>
        {session ? (
          <form method="post" action="/signout">
            <Csrf session={session} />
            <span class="muted small">{session.user.username} </span>
            <button type="submit" class="link">
              Sign out
            </button>
          </form>
        ) : (
          <a href="/signin">Sign in</a>
        )}
      </header>
      <main id="main">
        {flash ? (
          <p class={`flash ${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
            {flash.text}
          </p>
        ) : null}
        {children}
      </main>
      <footer>
        Tally · a Hackatime-compatible coding-activity server · <a href="/api-docs">API</a>
      </footer>
    </body>
  </html>
);

/** Renders a full page (doctype included) with the session's navigation and pending flash. */
export function page(c: Context<AppEnv>, opts: PageOptions, body: Child) {
  const session = c.get("webSession") ?? null;
  const flash = takeFlash(c);
  return c.html(
    html`<!doctype html>${(
      <Frame opts={opts} session={session} flash={flash}>
        {body}
      </Frame>
    )}`,
    opts.status ?? 200,
  );
}
