// The web app's routes. Every page gets the security headers and the session (pageHeaders,
// loadSession) per route, not with use("*"): this router is mounted at "/" next to the API,
// whose responses must stay as they are. Errors render as HTML pages (errorPage).
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { resolveSession } from "../domain/sessions";
import type { AppEnv } from "../env";
import { getCookie } from "hono/cookie";
import { githubCallback, startGithub } from "./github";
import { errorPage, landing, notFoundPage, signInForm, signInWithKey, signOut } from "./pages/public";
import { pageHeaders, PAGE_CSP } from "./security";
import { dashboardPage } from "./pages/dashboard";
import { archive, projectPage, projectsPage, saveRepo } from "./pages/projects";
import { profilePage } from "./pages/profile";
import { leaderboardsPage } from "./pages/leaderboards";
import { adminHome, adminUser, changeTrust, decideDeletion, deletionRequestsPage, requireAdminLevel } from "./pages/admin";
import {
  addGoal,
  cancelDeletion,
  downloadExport,
  importPage,
  importStatusJson,
  requestDeletion,
  requestExport,
  removeGoal,
  revoke,
  rotateKey,
  savePrivacy,
  saveTimezone,
  settings,
  uploadImport,
} from "./pages/settings";
import { badge } from "./badges";
import { loadSession, requireSession, SESSION_COOKIE } from "./session";

const web = [pageHeaders, loadSession] as const;
const signedIn = [pageHeaders, loadSession, requireSession] as const;

export const webRouter = new Hono<AppEnv>();
webRouter.onError(errorPage);

webRouter.get("/", ...web, landing);
webRouter.get("/signin", ...web, signInForm);
webRouter.post("/signin", ...web, signInWithKey);
webRouter.post("/signout", ...web, signOut);
webRouter.get("/auth/github", ...web, startGithub);
webRouter.get("/auth/github/callback", ...web, githubCallback);
webRouter.get("/dashboard", ...signedIn, dashboardPage);
webRouter.get("/leaderboards", ...web, leaderboardsPage);
webRouter.get("/settings", ...signedIn, settings);
webRouter.post("/settings/timezone", ...signedIn, saveTimezone);
webRouter.post("/settings/privacy", ...signedIn, savePrivacy);
webRouter.post("/settings/key/rotate", ...signedIn, rotateKey);
webRouter.post("/settings/sessions/:id/revoke", ...signedIn, revoke);
webRouter.post("/settings/imports", ...signedIn, uploadImport);
webRouter.get("/settings/imports/:id", ...signedIn, importPage);
webRouter.get("/settings/imports/:id/status", ...signedIn, importStatusJson);
webRouter.post("/settings/exports", ...signedIn, requestExport);
webRouter.get("/settings/exports/:id/download", ...signedIn, downloadExport);
webRouter.post("/settings/goals", ...signedIn, addGoal);
webRouter.post("/settings/goals/:id/delete", ...signedIn, removeGoal);
webRouter.post("/settings/deletion", ...signedIn, requestDeletion);
webRouter.post("/settings/deletion/cancel", ...signedIn, cancelDeletion);
webRouter.get("/projects", ...signedIn, projectsPage);
webRouter.get("/projects/:name", ...signedIn, projectPage);
webRouter.post("/projects/:name/repo", ...signedIn, saveRepo);
webRouter.post("/projects/:name/archive", ...signedIn, archive(true));
webRouter.post("/projects/:name/unarchive", ...signedIn, archive(false));

const viewer = [...signedIn, requireAdminLevel("viewer")] as const;
const superadmin = [...signedIn, requireAdminLevel("superadmin")] as const;
webRouter.get("/admin", ...viewer, adminHome);
webRouter.get("/admin/users/:id", ...viewer, adminUser);
webRouter.post("/admin/users/:id/trust", ...viewer, changeTrust);
webRouter.get("/admin/deletion-requests", ...superadmin, deletionRequestsPage);
webRouter.post("/admin/deletion-requests/:id/approve", ...superadmin, decideDeletion(true));
webRouter.post("/admin/deletion-requests/:id/reject", ...superadmin, decideDeletion(false));

// Public profiles and badges. Badges read no cookie and are cacheable (web/badges.tsx).
const badgeHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control") || c.res.status !== 200) c.header("Cache-Control", c.res.status === 200 ? "public, max-age=600" : "no-store");
};
const HANDLE = "/:handle{@[^/]+}";
webRouter.get(HANDLE, ...web, profilePage);
webRouter.get(`${HANDLE}/badge.svg`, badgeHeaders, badge("svg", false));
webRouter.get(`${HANDLE}/badge.json`, badgeHeaders, badge("json", false));
webRouter.get(`${HANDLE}/projects/:project/badge.svg`, badgeHeaders, badge("svg", true));
webRouter.get(`${HANDLE}/projects/:project/badge.json`, badgeHeaders, badge("json", true));

/** Paths whose unknown URLs answer JSON, as the API always has. */
const API_PREFIXES = ["/api/", "/my/", "/deletion", "/sailors_log/", "/timedump/", "/assets/"];

/** A browser asking for a page (not an API client): HTML 404 instead of JSON. */
export function wantsHtml(c: Context<AppEnv>): boolean {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return false;
  if (API_PREFIXES.some((p) => c.req.path.startsWith(p))) return false;
  return (c.req.header("accept") ?? "").includes("text/html");
}

/** The HTML 404 page for web paths (the app's notFound handler calls it). */
export async function webNotFound(c: Context<AppEnv>): Promise<Response> {
  c.set("webSession", await resolveSession(c.env.DB, getCookie(c, SESSION_COOKIE)).catch(() => null));
  const res = await notFoundPage(c);
  res.headers.set("Content-Security-Policy", PAGE_CSP);
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Cache-Control", "private, no-store");
  return res;
}

