// GET /api/summary: Hackatime's public, WakaTime-ish summary of one user (hackatime-behavior.md
// §6.6). No caller authentication: credentials are accepted and ignored, so a user who hides
// their stats is hidden here from everyone, themselves included.
import { z } from "@hono/zod-openapi";
import { summaryOf } from "../domain/stats/summaries";
import { errorResponse, security } from "../schemas/common";
import { jsonResponse, lastQueryParam } from "../schemas/params";
import { publicRoute } from "./factories";
import { createRouter } from "./router";

const KeyTotal = z.object({ key: z.string(), total: z.number() });
const AlwaysEmpty = z.object({}).nullable().openapi({ description: "Always {} (never computed)" });

const SummarySchema = z
  .object({
    user_id: z.string().nullable().openapi({ description: "Echo of the `user` parameter (null when user_id was used)" }),
    from: z.string().openapi({ example: "2023-01-01T00:00:00Z" }),
    to: z.string().openapi({ example: "2023-01-31T23:59:59Z" }),
    projects: z.array(KeyTotal),
    languages: z.array(KeyTotal),
    editors: AlwaysEmpty,
    operating_systems: AlwaysEmpty,
    machines: AlwaysEmpty,
    categories: AlwaysEmpty,
    branches: AlwaysEmpty,
    entities: AlwaysEmpty,
    labels: AlwaysEmpty,
  })
  .openapi("Summary");

export const summaryRoute = publicRoute({
  method: "get",
  path: "/api/summary",
  tags: ["WakaTime Compatibility"],
  summary: "Get WakaTime-compatible summary",
  description:
    "Public summary of a user's coding time per project and language over a UTC window: explicit from|start and to|end (start of the first day to the end of the last), else interval|range (today, yesterday, week, 7_days, last_7_days, month, 30_days, last_30_days, 6_months, last_6_months, year, 12_months, last_12_months, last_year, any, all_time; absent = all time; anything else = today). No caller authentication: credentials are ignored, and a user with public stats off answers 403.",
  security: security.userKey,
  request: {
    query: z.object({
      user_id: lastQueryParam("User id, Slack id or username (required unless `user` is given)", "42"),
      user: lastQueryParam("Deprecated spelling of user_id (echoed back as user_id)"),
      start: lastQueryParam("Start date (YYYY-MM-DD); alias of from", "2023-01-01"),
      end: lastQueryParam("End date (YYYY-MM-DD); alias of to", "2023-01-31"),
      from: lastQueryParam("Start date or date-time (UTC unless an offset is given)"),
      to: lastQueryParam("End date or date-time (UTC unless an offset is given)"),
      interval: lastQueryParam("Named window (see the description)", "last_7_days"),
      range: lastQueryParam("Alias of interval"),
      project: lastQueryParam("Only this project"),
    }),
  },
  responses: {
    200: jsonResponse(SummarySchema),
    400: errorResponse("missing user_id, or an invalid date range"),
    403: errorResponse("the user has disabled public stats"),
    404: errorResponse("user not found"),
  },
});

export const summaryRouter = createRouter();

summaryRouter.openapi(summaryRoute, async (c) => c.json(await summaryOf(c.env, c.req.valid("query")), 200));
