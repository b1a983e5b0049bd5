// Tag "My Projects": the caller's project list and per-project settings (repository URL,
// archived). Hackatime serves these to a browser session and answers the changes with
// redirects; we accept the user API key (docs/architecture.md "Decisions") and redirect to the mapping's
// own JSON (GET /my/project_repo_mappings/{project_name}), carrying the same JSON in the body.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { findMapping, myProjects, projectsWindow, setArchived, setRepoUrl, type MappingJson } from "../domain/projects-settings";
import type { AppEnv } from "../env";
import { createRouter } from "./router";
import { nowSeconds } from "../lib/time";
import { errorResponse } from "../schemas/common";
import { jsonResponse, pathParam, queryParam } from "../schemas/params";
import { userRoute } from "./factories";
import { ownLocation } from "./location";

const tags = ["My Projects"];
const MAPPINGS_PATH = "/my/project_repo_mappings";


const MyProjectSchema = z
  .object({
    name: z.string().openapi({ description: 'The project name ("Unknown" for heartbeats without one)' }),
    project_key: z.string().nullable().openapi({ description: "The project as stored" }),
    total_seconds: z.number(),
    duration_seconds: z.number().openapi({ description: "Same as total_seconds (Hackatime's name)" }),
    duration_label: z.string().openapi({ example: "1h 5m 10s" }),
    duration_percent: z.number().openapi({ description: "Share of the list's largest project, 0–100" }),
    repo_url: z.string().nullable(),
    archived: z.boolean(),
    archived_at: z.string().nullable(),
  })
  .openapi("MyProject");

const MyProjectsSchema = z
  .object({
    interval: z.string().nullable(),
    interval_label: z.string().openapi({ example: "Last 7 Days" }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    start: z.string().openapi({ example: "2026-08-15T00:00:00Z" }),
    end: z.string().openapi({ example: "2026-08-22T23:59:59Z" }),
    timezone: z.string(),
    total_time_seconds: z.number(),
    total_time_label: z.string(),
    has_activity: z.boolean(),
    total_projects: z.number().int(),
    archived_count: z.number().int(),
    projects: z.array(MyProjectSchema),
    archived_projects: z.array(MyProjectSchema),
  })
  .openapi("MyProjects");

const MappingSchema = z
  .object({
    project_repo_mapping: z.object({
      project_name: z.string(),
      repo_url: z.string().nullable(),
      archived: z.boolean(),
      archived_at: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
    }),
  })
  .openapi("ProjectRepoMapping");

const projectParam = z.object({
  project_name: pathParam("project_name", "hackatime").openapi({ description: "The project name (URL-encoded)" }),
});

const RepoUrlFields = { repo_url: z.string().nullable().optional().openapi({ example: "https://github.com/hackclub/hackatime" }) };
// Hackatime reads params[:project_repo_mapping][:repo_url]; the flat form is accepted too.
const RepoUrlJson = z.object({ ...RepoUrlFields, project_repo_mapping: z.object(RepoUrlFields).optional() }).openapi("UpdateProjectRepoMapping");
const RepoUrlForm = z.object({ ...RepoUrlFields, "project_repo_mapping[repo_url]": RepoUrlFields.repo_url });

const redirect = {
  description: "redirect to the mapping's JSON (GET /my/project_repo_mappings/{project_name}); the body is that JSON",
  headers: z.object({ Location: z.string().openapi({ example: "/my/project_repo_mappings/hackatime" }) }),
  content: { "application/json": { schema: MappingSchema } },
};

export const listMyProjectsRoute = userRoute({
  method: "get",
  path: "/my/projects",
  tags,
  summary: "List Project Repo Mappings",
  description:
    "List mappings between local project names and Git repositories: the caller's projects with time in the range (most first), each with its repository URL; archived projects are listed apart in archived_projects. The range is Hackatime's `interval` in the caller's time zone — today, yesterday, this_week, last_7_days, this_month, last_30_days, last_6_months (Tally), this_year, last_12_months (also daily, weekly, monthly, yearly), the event windows flavortown, summer_of_making, high_seas, low_skies, scrapyard — or custom `from`/`to` dates (either may be left out; from/to without an interval mean custom). Without an interval (or with an unknown one): all time.",
  request: {
    query: z.object({
      interval: queryParam("Time interval (e.g. today, this_week, last_7_days, custom). Default: all time", "last_7_days"),
      from: queryParam("Start date (YYYY-MM-DD), with interval=custom", "2026-08-01"),
      to: queryParam("End date (YYYY-MM-DD), with interval=custom", "2026-08-22"),
    }),
  },
  responses: {
    200: jsonResponse(MyProjectsSchema),
    422: errorResponse("invalid from/to date"),
  },
});

export const showMappingRoute = userRoute({
  method: "get",
  path: `${MAPPINGS_PATH}/{project_name}`,
  tags,
  summary: "Show Project Repo Mapping",
  description: "The caller's settings for one project: repository URL and archived state. 404 when the project has none.",
  request: { params: projectParam },
  responses: {
    200: jsonResponse(MappingSchema),
    404: errorResponse("no mapping for this project"),
  },
});

export const updateMappingRoute = userRoute({
  method: "patch",
  path: `${MAPPINGS_PATH}/{project_name}`,
  tags,
  summary: "Update Project Repo Mapping",
  description:
    "Update the Git repository URL for a project mapping (created if needed). The URL must be http(s) with a host (422 otherwise); an empty repo_url clears it. Answers a redirect to the mapping's JSON.",
  request: {
    params: projectParam,
    body: { required: false, content: { "application/json": { schema: RepoUrlJson }, "application/x-www-form-urlencoded": { schema: RepoUrlForm } } },
  },
  responses: {
    302: redirect,
    422: errorResponse("missing or invalid repo_url, or blank project name"),
  },
});

const archiveRoute = (archive: boolean) =>
  userRoute({
    method: "patch",
    path: `${MAPPINGS_PATH}/{project_name}/${archive ? "archive" : "unarchive"}`,
    tags,
    summary: archive ? "Archive Project Mapping" : "Unarchive Project Mapping",
    description: archive
      ? "Archive a project mapping so it does not appear in active lists (the public project details and single-project stats leave it out). Answers a redirect to the mapping's JSON."
      : "Restore an archived project mapping. Answers a redirect to the mapping's JSON.",
    request: { params: projectParam },
    responses: {
      302: redirect,
      422: errorResponse("blank project name"),
    },
  });

export const archiveMappingRoute = archiveRoute(true);
export const unarchiveMappingRoute = archiveRoute(false);

/** Answers with the mapping, redirecting to its own JSON. */
const redirectTo = (c: Context<AppEnv>, mapping: MappingJson) =>
  c.json({ project_repo_mapping: mapping }, 302, { Location: ownLocation(c, `${MAPPINGS_PATH}/${encodeURIComponent(mapping.project_name)}`) });

export const myProjectsRouter = createRouter();

myProjectsRouter.openapi(listMyProjectsRoute, async (c) => {
  const user = c.var.user;
  const window = projectsWindow(c.req.valid("query"), user.timezone, nowSeconds());
  return c.json(await myProjects(c.env, user, window), 200);
});

myProjectsRouter.openapi(showMappingRoute, async (c) => {
  return c.json({ project_repo_mapping: await findMapping(c.env.DB, c.var.user.id, c.req.valid("param").project_name) }, 200);
});

myProjectsRouter.openapi(updateMappingRoute, async (c) => {
  const json = c.req.valid("json") as z.infer<typeof RepoUrlJson>;
  const form = c.req.valid("form") as z.infer<typeof RepoUrlForm>;
  const raw = json.project_repo_mapping?.repo_url !== undefined ? json.project_repo_mapping.repo_url : json.repo_url !== undefined ? json.repo_url : (form["project_repo_mapping[repo_url]"] ?? form.repo_url);
  return redirectTo(c, await setRepoUrl(c.env.DB, c.var.user.id, c.req.valid("param").project_name, raw));
});

myProjectsRouter.openapi(archiveMappingRoute, async (c) => {
  return redirectTo(c, await setArchived(c.env.DB, c.var.user.id, c.req.valid("param").project_name, true));
});

myProjectsRouter.openapi(unarchiveMappingRoute, async (c) => {
  return redirectTo(c, await setArchived(c.env.DB, c.var.user.id, c.req.valid("param").project_name, false));
});
