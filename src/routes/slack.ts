// Tag "Slack": slash commands (hackatime-behavior.md §13). Each request is verified with
// Slack's signature (its own secret per app), then answered within Slack's 3 s: cheap commands
// directly, the ones that add up time with a placeholder when slow (the answer follows through
// response_url, kept alive with executionCtx.waitUntil).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { parseSlashCommand, sailorsLogCommand, timeDumpCommand, type CommandContext, type SlashCommand, type SlackMessage } from "../domain/slack/commands";
import { verifySlackSignature } from "../domain/slack/signature";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { createRouter } from "./router";
import { nowSeconds } from "../lib/time";
import { errorResponse } from "../schemas/common";
import { jsonResponse } from "../schemas/params";
import { publicRoute } from "./factories";

const tags = ["Slack"];

const SlackMessageSchema = z
  .object({
    response_type: z.string().openapi({ example: "ephemeral" }),
    text: z.string().nullable(),
    blocks: z.array(z.object({}).passthrough()).optional(),
    replace_original: z.boolean().optional(),
  })
  .openapi("SlackCommandResponse");

const signatureNote =
  "Verified with Slack's signature: X-Slack-Signature = v0= + hex HMAC-SHA256 of v0:{X-Slack-Request-Timestamp}:{raw body}, timestamp within 300 s; anything else answers 401.";

// Public to our credentials: Slack's signature is the check (in the handler, over the raw body).
const commandRoute = (path: string, summary: string, description: string) =>
  publicRoute({
    method: "post",
    path,
    tags,
    summary,
    description: `${description} ${signatureNote}`,
    security: [],
    request: { body: { required: true, content: { "application/x-www-form-urlencoded": { schema: z.string().openapi({ description: "Slack's slash-command payload (command, text, user_id, channel_id, response_url …)" }) } } } },
    responses: {
      200: jsonResponse(SlackMessageSchema),
      401: errorResponse("missing, stale or wrong Slack signature"),
    },
  });

export const sailorsLogCommandRoute = commandRoute(
  "/sailors_log/slack/commands",
  "Handle Sailor's Log Command",
  "Handle incoming Slack slash commands for Sailor's Log (/sailorslog): `on` / `off` save the caller's notification preference for the channel, `leaderboard` ranks today's (UTC) time of the channel's opted-in users (top 10, per project), anything else shows help. A Slack user without a linked account gets an ephemeral hint. Signed with SAILORS_LOG_SLACK_SIGNING_SECRET.",
);

export const timedumpCommandRoute = commandRoute(
  "/timedump/slack/commands",
  "Handle Timedump Command",
  "Handle incoming Slack slash commands for Timedump (/timedump): the caller's coding time today and this week (from Monday, in their time zone), per project, shown only to them. Signed with SLACK_SIGNING_SECRET.",
);

type Handler = (ctx: CommandContext, cmd: SlashCommand) => Promise<SlackMessage>;

/** Verifies the signature over the raw body, then runs the command. */
async function handleCommand(c: Context<AppEnv>, secret: string | undefined, handler: Handler) {
  // Decoded by hand: the signature covers the exact bytes (and workerd warns on .text() of a form).
  const body = new TextDecoder().decode(await c.req.arrayBuffer());
  const now = nowSeconds();
  const ok = await verifySlackSignature({
    secret,
    timestamp: c.req.header("x-slack-request-timestamp"),
    signature: c.req.header("x-slack-signature"),
    body,
    now,
  });
  if (!ok) throw new AppError("unauthorized", "Invalid Slack signature");
  const ctx: CommandContext = { env: c.env, now, waitUntil: (p) => c.executionCtx.waitUntil(p) };
  return c.json(await handler(ctx, parseSlashCommand(body)), 200);
}

export const slackRouter = createRouter();

// The payload is read raw (the signature covers the exact bytes), so these are documented from
// their definitions and served without body validation.
slackRouter.openAPIRegistry.registerPath(sailorsLogCommandRoute);
slackRouter.openAPIRegistry.registerPath(timedumpCommandRoute);

slackRouter.post("/sailors_log/slack/commands", (c) => handleCommand(c, c.env.SAILORS_LOG_SLACK_SIGNING_SECRET, sailorsLogCommand));
slackRouter.post("/timedump/slack/commands", (c) => handleCommand(c, c.env.SLACK_SIGNING_SECRET, timeDumpCommand));
