// Goals in WakaTime's shape, under both compat prefixes and tag WAKATIME_TAG: list, one (what
// wakatime-cli --today-goal <id> reads), create, update, delete. A user's goals are their own:
// {id} is "current" or the key's user (another existing user is a 403).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createGoal, deleteGoal, getGoal, listGoals, MAX_GOALS_PER_USER, updateGoal } from "../domain/goals";
import { resolveWakaTimeUser } from "../domain/users/lookup";
import type { AppEnv } from "../env";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { jsonResponse, pathParam } from "../schemas/params";
import { COMPAT_PREFIXES, GoalInputSchema, GoalPatchSchema, GoalResponseSchema, GoalsSchema, WAKATIME_TAG, userIdParam, summaryFor, type CompatPrefix } from "../schemas/wakatime";
import { userRoute } from "./factories";

const tags = [WAKATIME_TAG];
const goalParams = userIdParam.extend({ goal: pathParam("goal", "3f0c1d52-8a6e-4f1b-9c1e-2d6a4f7b8c90") });
const OWN_ONLY = { 403: errorResponse("another user's goals") };
const MISSING = { 404: errorResponse("no such goal of the user") };
const body = <T extends z.ZodType>(schema: T, description: string) => ({ required: true, description, content: { "application/json": { schema } } });

const listRoute = (prefix: CompatPrefix) =>
  userRoute(
    {
      method: "get",
      path: `${prefix}/users/{id}/goals`,
      tags,
      summary: summaryFor(prefix, "List goals (WakaTime compatible)"),
      description: "The user's goals, oldest first, each with chart_data over its last seven days or weeks (the current one last).",
      request: { params: userIdParam },
      responses: { 200: jsonResponse(GoalsSchema), ...OWN_ONLY },
    },
    { noStore: true },
  );

const getRoute = (prefix: CompatPrefix) =>
  userRoute(
    {
      method: "get",
      path: `${prefix}/users/{id}/goals/{goal}`,
      tags,
      summary: summaryFor(prefix, "Get a goal (WakaTime compatible)"),
      description: "One goal; wakatime-cli --today-goal <id> prints chart_data's last actual_seconds_text.",
      request: { params: goalParams },
      responses: { 200: jsonResponse(GoalResponseSchema), ...OWN_ONLY, ...MISSING },
    },
    { noStore: true },
  );

const createRoute = (prefix: CompatPrefix) =>
  userRoute(
    {
      method: "post",
      path: `${prefix}/users/{id}/goals`,
      tags,
      summary: summaryFor(prefix, "Create a goal"),
      description: `A goal of so many seconds per day or week (weeks start on Monday), of some languages, projects or editors (empty: all). At most ${MAX_GOALS_PER_USER} per user. The status bar shows the oldest enabled daily goal.`,
      request: { params: userIdParam, body: body(GoalInputSchema, "The goal") },
      responses: { 201: jsonResponse(GoalResponseSchema, "created"), ...OWN_ONLY, 409: errorResponse(`already ${MAX_GOALS_PER_USER} goals`), 422: errorResponse("invalid goal") },
    },
    { noStore: true },
  );

const updateRoute = (prefix: CompatPrefix) =>
  userRoute(
    {
      method: "patch",
      path: `${prefix}/users/{id}/goals/{goal}`,
      tags,
      summary: summaryFor(prefix, "Update a goal"),
      description: "Changes the given fields of one goal.",
      request: { params: goalParams, body: body(GoalPatchSchema, "The fields to change") },
      responses: { 200: jsonResponse(GoalResponseSchema), ...OWN_ONLY, ...MISSING, 422: errorResponse("invalid change") },
    },
    { noStore: true },
  );

const deleteRoute = (prefix: CompatPrefix) =>
  userRoute({
    method: "delete",
    path: `${prefix}/users/{id}/goals/{goal}`,
    tags,
    summary: summaryFor(prefix, "Delete a goal"),
    request: { params: goalParams },
    responses: { 204: { description: "deleted" }, ...OWN_ONLY, ...MISSING },
  });

/** The key's user, when {id} is theirs (goals are never another user's to read). */
async function owner(c: Context<AppEnv>, id: string) {
  return (await resolveWakaTimeUser(c.env.DB, id, c.var.user, { ownerOnly: true })).subject;
}

export const wakatimeGoalsRouter = createRouter();

for (const prefix of COMPAT_PREFIXES) {
  wakatimeGoalsRouter.openapi(listRoute(prefix), async (c) => c.json(await listGoals(c.env, await owner(c, c.req.valid("param").id)), 200));

  wakatimeGoalsRouter.openapi(getRoute(prefix), async (c) => {
    const { id, goal } = c.req.valid("param");
    return c.json(await getGoal(c.env, await owner(c, id), goal), 200);
  });

  wakatimeGoalsRouter.openapi(createRoute(prefix), async (c) => c.json(await createGoal(c.env, await owner(c, c.req.valid("param").id), c.req.valid("json")), 201));

  wakatimeGoalsRouter.openapi(updateRoute(prefix), async (c) => {
    const { id, goal } = c.req.valid("param");
    return c.json(await updateGoal(c.env, await owner(c, id), goal, c.req.valid("json")), 200);
  });

  wakatimeGoalsRouter.openapi(deleteRoute(prefix), async (c) => {
    const { id, goal } = c.req.valid("param");
    await deleteGoal(c.env, await owner(c, id), goal);
    return c.body(null, 204);
  });
}
