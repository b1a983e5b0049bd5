// The rest of WakaTime's read API, under both compat prefixes and tag WAKATIME_TAG: a day's
// durations, projects, user agents, machine names, leaders and meta. {id} as in
// wakatime-stats.ts: durations and projects follow the public-stats rule, user agents and
// machine names are the user's own only.
import { z } from "@hono/zod-openapi";
import { resolveWakaTimeUser } from "../domain/users/lookup";
import { SLICE_NAMES, dayDurations } from "../domain/wakatime/durations";
import { LEADERS_PAGE_SIZE, META, leaders } from "../domain/wakatime/leaders";
import { machineNames, projects, userAgents } from "../domain/wakatime/lists";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { jsonResponse } from "../schemas/params";
import {
  COMPAT_PREFIXES,
  DurationsSchema,
  LeadersSchema,
  MachineNamesSchema,
  MetaSchema,
  UserAgentsSchema,
  WAKATIME_TAG,
  WakaTimeProjectsSchema,
  lastValueParam,
  userIdParam,
  summaryFor,
  type CompatPrefix,
} from "../schemas/wakatime";
import { callerOf, optionalUserRoute, publicRoute, userRoute } from "./factories";

const tags = [WAKATIME_TAG];
const PRIVACY = { 403: errorResponse("the user hides their stats"), 404: errorResponse("no such user (without a key)") };
const OWN_ONLY = { 403: errorResponse("another user's data") };

const durationsRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}/durations`,
    tags,
    summary: summaryFor(prefix, "Get a day's durations (WakaTime compatible)"),
    description:
      "One local day's activity as blocks per value of slice_by, each value chained on its own with Tally's 120-second cap (docs/wakatime-api.md): a value's block durations add up to its total for that day.",
    request: {
      params: userIdParam,
      query: z.object({
        date: lastValueParam("The local day, YYYY-MM-DD", "2026-08-10"),
        project: lastValueParam("Only this project"),
        branches: lastValueParam("Only these branches (comma-separated)"),
        slice_by: lastValueParam(`One of ${SLICE_NAMES.join(", ")}; default project`, "language"),
        timezone: lastValueParam("IANA zone the day is cut in; default the user's", "UTC"),
      }),
    },
    responses: { 200: jsonResponse(DurationsSchema), 400: errorResponse("missing or invalid date, slice_by or timezone"), ...PRIVACY },
  });

const projectsRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/users/{id}/projects`,
    tags,
    summary: summaryFor(prefix, "List projects (WakaTime compatible)"),
    description: "Every named project of the user, most recently active first, with its first and last heartbeat.",
    request: { params: userIdParam, query: z.object({ q: lastValueParam("Only projects whose name contains this (any case)", "tally") }) },
    responses: { 200: jsonResponse(WakaTimeProjectsSchema), ...PRIVACY },
  });

/** A list of the user's own (another user's is a 403). */
const ownListRoute = <T extends z.ZodType>(prefix: CompatPrefix, list: string, summary: string, description: string, schema: T) =>
  userRoute({
    method: "get",
    path: `${prefix}/users/{id}/${list}`,
    tags,
    summary: summaryFor(prefix, summary),
    description: `${description}, most recently seen first. The user's own only.`,
    request: { params: userIdParam },
    responses: { 200: jsonResponse(schema), ...OWN_ONLY },
  });

const userAgentsRoute = (prefix: CompatPrefix) =>
  ownListRoute(prefix, "user_agents", "List user agents (WakaTime compatible)", "The plugins (user agents) the user's heartbeats came with", UserAgentsSchema);
const machineNamesRoute = (prefix: CompatPrefix) =>
  ownListRoute(prefix, "machine_names", "List machine names (WakaTime compatible)", "The machines (X-Machine-Name) the user's heartbeats came from", MachineNamesSchema);

const leadersRoute = (prefix: CompatPrefix) =>
  optionalUserRoute({
    method: "get",
    path: `${prefix}/leaders`,
    tags,
    summary: summaryFor(prefix, "Get leaders (WakaTime compatible)"),
    description: `The weekly board (last 7 UTC days, today included), ${LEADERS_PAGE_SIZE} per page; language= ranks by that language's time. current_user is the key's user, when on the board.`,
    request: { query: z.object({ language: lastValueParam("Rank by this language", "TypeScript"), page: lastValueParam("Page, from 1", "1") }) },
    responses: { 200: jsonResponse(LeadersSchema), 503: errorResponse("no finished weekly board yet") },
  });

const metaRoute = (prefix: CompatPrefix) =>
  publicRoute({
    method: "get",
    path: `${prefix}/meta`,
    tags,
    summary: summaryFor(prefix, "Get meta (WakaTime compatible)"),
    description: "WakaTime lists its servers' IP addresses here; Tally publishes none (it runs on Cloudflare's network), so every list is empty.",
    responses: { 200: jsonResponse(MetaSchema) },
  });

export const wakatimeApiRouter = createRouter();

for (const prefix of COMPAT_PREFIXES) {
  wakatimeApiRouter.openapi(durationsRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, callerOf(c));
    return c.json(await dayDurations(c.env, target, c.req.valid("query")), 200);
  });

  wakatimeApiRouter.openapi(projectsRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, callerOf(c));
    return c.json(await projects(c.env, target, c.req.valid("query").q), 200);
  });

  wakatimeApiRouter.openapi(userAgentsRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, c.var.user, { ownerOnly: true });
    return c.json(await userAgents(c.env, target), 200);
  });

  wakatimeApiRouter.openapi(machineNamesRoute(prefix), async (c) => {
    const target = await resolveWakaTimeUser(c.env.DB, c.req.valid("param").id, c.var.user, { ownerOnly: true });
    return c.json(await machineNames(c.env, target), 200);
  });

  wakatimeApiRouter.openapi(leadersRoute(prefix), async (c) => c.json(await leaders(c.env, callerOf(c), c.req.valid("query")), 200));

  wakatimeApiRouter.openapi(metaRoute(prefix), (c) => c.json(META, 200));
}
