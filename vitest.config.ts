import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd against the real local D1, Durable Objects and Queues declared in
// wrangler.toml. The migrations and the OpenAPI contract are read here, on the Node side, and
// handed to the tests as bindings.
export default defineConfig(async () => {
  // wrangler.toml's [assets] directory is built output: make it (wrangler's [build] command does
  // the same for `npm start` and deploys) before the workerd pool reads wrangler.toml.
  execFileSync(path.join(import.meta.dirname, "node_modules", ".bin", "tsx"), ["scripts/build-assets.ts"], { cwd: import.meta.dirname, stdio: "inherit" });
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  // The vendored Hackatime contract: part of the repository, so a lone clone tests against it.
  const openapiSpec = await readFile(path.join(import.meta.dirname, "spec", "hackatime-openapi.yaml"), "utf8");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            OPENAPI_SPEC_YAML: openapiSpec,
            HKA_REVOCATION_KEY: "test-revocation-key",
            STATS_API_KEY: "test-stats-key",
            RATE_LIMIT_BYPASS: "test-bypass",
            SAILORS_LOG_SLACK_SIGNING_SECRET: "test-sailors-log-signing-secret",
            SLACK_SIGNING_SECRET: "test-slack-signing-secret",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 30_000,
    },
  };
});
