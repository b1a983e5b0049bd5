// Tag "External Integrations": create or update an account from a Slack user token (Hackatime's
// former ExternalSlackController, removed in fd5263cb). Like Hackatime, only integrations holding
// the stats key (an admin key or STATS_API_KEY, as Bearer) may call it.
import { createRoute, z } from "@hono/zod-openapi";
import { requireStatsKey } from "../auth/stats";
import { slackClient } from "../domain/slack/client";
import { linkSlackAccount } from "../domain/slack/oauth";
import { AppError } from "../lib/errors";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";

const tags = ["External Integrations"];

const SlackOauthBody = z.object({ token: z.string().optional().openapi({ description: "Slack OAuth Token" }) }).openapi("SlackOauthRequest");
const SlackOauthResult = z
  .object({
    user_id: z.number().int(),
    username: z.string(),
    email: z.string().nullable(),
    created: z.boolean().openapi({ description: "A new account was created" }),
  })
  .openapi("SlackOauthResult");

export const slackOauthRoute = createRoute({
  method: "post",
  path: "/api/v1/external/slack/oauth",
  tags,
  summary: "Create user from Slack OAuth",
  description:
    "Callback endpoint for Slack OAuth to create or update a user. The token's Slack user is read through the Slack Web API (auth.test, then users.info: display name, avatar, email, time zone); the account with that Slack UID, else the one with that email, is updated, else a new one is created (which needs an email). Requires the stats key (an admin key or STATS_API_KEY) as Bearer. A token Slack refuses answers 400.",
  security: [{ Bearer: [] }],
  middleware: [requireStatsKey()] as const,
  request: {
    body: {
      required: false,
      content: { "application/json": { schema: SlackOauthBody }, "application/x-www-form-urlencoded": { schema: SlackOauthBody } },
    },
  },
  responses: {
    200: { description: "successful", content: { "application/json": { schema: SlackOauthResult } } },
    400: errorResponse("missing or invalid Slack token, or no email on a new account"),
    401: errorResponse("missing or wrong stats key"),
    502: errorResponse("Slack unreachable"),
  },
});

export const externalRouter = createRouter();

externalRouter.openapi(slackOauthRoute, async (c) => {
  const json = c.req.valid("json") as z.infer<typeof SlackOauthBody>;
  const form = c.req.valid("form") as z.infer<typeof SlackOauthBody>;
  const token = (json.token ?? form.token ?? "").trim();
  if (token === "") throw new AppError("bad_request", "Token is required");
  const result = await linkSlackAccount(c.env.DB, slackClient(c.env.SLACK_API_BASE_URL), token);
  return c.json(result, 200);
});
