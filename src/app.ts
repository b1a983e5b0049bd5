// Builds the application: middleware, routers, the OpenAPI document and its UI, the web app,
// 404s, errors.
import type { AppEnv } from "./env";
import { handleError } from "./lib/errors";
import { countingD1 } from "./lib/statement-count";
import { rateLimit } from "./routes/rate-limit";
import { createRouter } from "./routes/router";
import { adminAuditLogsRouter } from "./routes/admin/audit-logs";
import { adminDeletionRequestsRouter } from "./routes/admin/deletion-requests";
import { adminKeysRouter } from "./routes/admin/keys";
import { operationsRouter } from "./routes/admin/operations";
import { adminPermissionsRouter } from "./routes/admin/permissions";
import { adminTimelineRouter } from "./routes/admin/timeline";
import { adminUsersRouter } from "./routes/admin/users";
import { deletionRouter } from "./routes/deletion";
import { internalRouter } from "./routes/internal";
import { externalRouter } from "./routes/external";
import { leaderboardRouter } from "./routes/leaderboard";
import { myProjectsRouter } from "./routes/my-projects";
import { mySettingsRouter } from "./routes/my-settings";
import { slackRouter } from "./routes/slack";
import { yswsRouter } from "./routes/ysws";
import { authenticatedRouter } from "./routes/authenticated";
import { avatarsRouter } from "./routes/avatars";
import { myDataRouter } from "./routes/my-data";
import { statsRouter } from "./routes/stats";
import { summaryRouter } from "./routes/summary";
import { usersRouter } from "./routes/users";
import { wakatimeRouter } from "./routes/wakatime";
import { wakatimeApiRouter } from "./routes/wakatime-api";
import { wakatimeGoalsRouter } from "./routes/wakatime-goals";
import { wakatimeStatsRouter } from "./routes/wakatime-stats";
import { WAKATIME_TAG } from "./schemas/wakatime";
import { apiDocsRouter } from "./web/api-docs";
import { wantsHtml, webNotFound, webRouter } from "./web/routes";

export function buildApp() {
  const app = createRouter();

  // The request id ties a response to its log lines (handleError logs unexpected errors with it).
  app.use("*", async (c, next) => {
    const id = c.req.header("cf-ray") ?? crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  });

  // Benchmarks only (BENCH_COUNT_MAIN_D1): the main-database statements this request ran in the
  // Worker, in X-Main-D1-Statements (UserActivity's own are not counted: test/routes/edge-auth.test.ts).
  app.use("*", async (c, next) => {
    if (!c.env.BENCH_COUNT_MAIN_D1) return next();
    const counted = countingD1(c.env.DB);
    c.env = { ...c.env, DB: counted.db };
    await next();
    c.header("X-Main-D1-Statements", String(counted.statements()));
  });

  app.use("*", rateLimit());

  // Health check (Hackatime's /up): no storage touched, also the benchmarks' baseline route.
  app.get("/up", (c) => c.json({ status: "ok" }));

  app.route("/", wakatimeRouter);
  app.route("/", wakatimeStatsRouter);
  app.route("/", wakatimeApiRouter);
  app.route("/", wakatimeGoalsRouter);
  app.route("/", summaryRouter);
  app.route("/", statsRouter);
  app.route("/", usersRouter);
  app.route("/", authenticatedRouter);
  app.route("/", myDataRouter);
  app.route("/", leaderboardRouter);
  app.route("/", avatarsRouter);
  app.route("/", myProjectsRouter);
  app.route("/", mySettingsRouter);
  app.route("/", yswsRouter);
  app.route("/", slackRouter);
  app.route("/", externalRouter);
  app.route("/", deletionRouter);
  app.route("/", internalRouter);
  app.route("/", adminKeysRouter);
  app.route("/", adminPermissionsRouter);
  app.route("/", adminAuditLogsRouter);
  app.route("/", adminDeletionRequestsRouter);
  app.route("/", adminUsersRouter);
  app.route("/", adminTimelineRouter);
  app.route("/", operationsRouter);

  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer", description: "User API key" });
  registry.registerComponent("securitySchemes", "BasicAuth", { type: "http", scheme: "basic", description: "base64(user API key), as wakatime-cli sends it" });
  registry.registerComponent("securitySchemes", "ApiKeyAuth", { type: "apiKey", name: "api_key", in: "query", description: "User API key" });
  registry.registerComponent("securitySchemes", "AdminToken", { type: "http", scheme: "bearer", description: "Admin API key (hka_…)" });
  registry.registerComponent("securitySchemes", "InternalToken", { type: "http", scheme: "bearer", description: "Internal revocation key" });

  app.doc("/api-docs/openapi.json", {
    openapi: "3.0.1",
    info: { title: "Tally — Hackatime-compatible API", version: "v1", description: "Coding-activity API compatible with Hackatime and WakaTime plugins." },
    tags: [{ name: WAKATIME_TAG, description: "WakaTime's read API for third-party tools, under /api/hackatime/v1 and Wakapi's /api/compat/wakatime/v1: WakaTime's shapes, Tally's numbers (docs/wakatime-api.md)" }],
  });
  app.route("/", apiDocsRouter);
  // The web app (src/web): server-rendered pages for people, reading the same domain functions.
  app.route("/", webRouter);

  // A browser asking for a page gets an HTML 404; API clients keep the JSON one.
  app.notFound((c) => (wantsHtml(c) ? webNotFound(c) : c.json({ error: "Not found" }, 404)));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof buildApp>;
export type { AppEnv };
