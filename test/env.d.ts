import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      TEST_SHARD_MIGRATIONS: D1Migration[];
      OPENAPI_SPEC_YAML: string;
      SAILORS_LOG_SLACK_SIGNING_SECRET: string;
      SLACK_SIGNING_SECRET: string;
    }
  }
}
export {};
