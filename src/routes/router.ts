// Every router is an OpenAPIHono with the same validation hook, so a zod failure anywhere
// answers the same {"error": "..."} body.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { errorBody } from "../lib/errors";

// Hackatime answers invalid parameters with 422 by default (render_error's default status).
export const defaultHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path?.length ? `${issue.path.join(".")}: ` : "";
    return c.json(errorBody(`Invalid ${result.target}: ${where}${issue?.message ?? "invalid input"}`), 422);
  }
};

export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook });
}
