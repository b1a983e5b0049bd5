// Tag "External Integrations": create or update an account from a Slack user token (Hackatime's
// former ExternalSlackController, removed in fd5263cb). Like Hackatime, only integrations holding
// the stats key (an admin key or STATS_API_KEY, as Bearer) may call it.
import { z } from "@hono/zod-openapi";
import { slackClient } from "../domain/slack/client";
import { linkSlackAccount } from "../domain/slack/oauth";
import { AppError } from "../lib/errors";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { jsonResponse } from "../schemas/params";
import { statsKeyRoute } from "./factories";

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

export const slackOauthRoute = statsKeyRoute({
  method: "post",
  path: "/api/v1/external/slack/oauth",
  tags,
  summary: "Create user from Slack OAuth",
  description:
    "Callback endpoint for Slack OAuth to create or update a user. The token's Slack user is read through the Slack Web API (auth.test, then users.info: display name, avatar, email, time zone); the account with that Slack UID, else the one with that email, is updated, else a new one is created (which needs an email). Requires the stats key (an admin key or STATS_API_KEY) as Bearer. A token Slack refuses answers 400.",
  security: [{ Bearer: [] }],
  request: {
    body: {
      required: false,
      content: { "application/json": { schema: SlackOauthBody }, "application/x-www-form-urlencoded": { schema: SlackOauthBody } },
    },
  },
  responses: {
    200: jsonResponse(SlackOauthResult),
    400: errorResponse("missing or invalid Slack token, or no email on a new account"),
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
