import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";

// Two projects, both run by `npm test`:
// - workers: tests run inside workerd against the real local D1, Durable Objects and Queues
//   declared in wrangler.toml. The migrations and the OpenAPI contract are read here, on the
//   Node side, and handed to the tests as bindings.
// - scripts: Node tests of the operator scripts' own logic (scripts/).
// - browser: Node tests that start the real server (`npm start`) and drive Debian's Chromium
//   against it (test/browser/).
export default defineConfig(async () => {
  // wrangler.toml's [assets] directory is built output: make it (wrangler's [build] command does
  // the same for `npm start` and deploys) before the workerd pool reads wrangler.toml.
  execFileSync(path.join(import.meta.dirname, "node_modules", ".bin", "tsx"), ["scripts/build-assets.ts"], { cwd: import.meta.dirname, stdio: "inherit" });
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  // The vendored Hackatime contract: part of the repository, so a lone clone tests against it.
  const openapiSpec = await readFile(path.join(import.meta.dirname, "spec", "hackatime-openapi.yaml"), "utf8");
  return {
    test: {
      projects: [
        {
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
                  GITHUB_CLIENT_ID: "test-github-client",
                  GITHUB_CLIENT_SECRET: "test-github-secret",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: [...configDefaults.exclude, "test/browser/**", "test/scripts/**"],
            setupFiles: ["./test/apply-migrations.ts"],
            testTimeout: 30_000,
          },
        },
        {
          test: { name: "scripts", include: ["test/scripts/**/*.test.ts"], environment: "node" },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/browser/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
});
