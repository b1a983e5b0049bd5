// Bindings come from `wrangler types` (worker-configuration.d.ts). Secrets are set with
// `wrangler secret put` (or .dev.vars locally) and are optional: a feature whose secret is
// missing refuses its requests instead of failing open.
import type { AuthUser } from "./auth/user";

declare global {
  interface Env {
    /** Bearer key for POST /api/internal/revoke. */
    HKA_REVOCATION_KEY?: string;
    /** Legacy key accepted by /api/v1/stats and the YSWS claim endpoint. */
    STATS_API_KEY?: string;
    /** Signing secrets for the Slack slash commands. */
    SAILORS_LOG_SLACK_SIGNING_SECRET?: string;
    SLACK_SIGNING_SECRET?: string;
    /** A request with "Rate-Limit-Bypass: <this>" skips rate limits (load tests, benchmarks). */
    RATE_LIMIT_BYPASS?: string;
    /** Benchmarks only: UserActivity skips writing leaderboard buckets to D1 (ingest measured without them). */
    BENCH_SKIP_LEADERBOARD_BUCKETS?: string;
    /** Benchmarks only: user keys are looked up in D1 on every request, as before the objects verified them (docs/edge-auth.md). */
    BENCH_D1_KEY_LOOKUP?: string;
    /** Benchmarks only: responses carry X-Main-D1-Statements, the main-database statements the Worker ran. */
    BENCH_COUNT_MAIN_D1?: string;
    /** GitHub OAuth app of the web sign-in (both set: "Sign in with GitHub" is offered). */
    GITHUB_CLIENT_ID?: string;
    GITHUB_CLIENT_SECRET?: string;
  }
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    user: AuthUser;
  };
};
