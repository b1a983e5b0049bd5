import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";

// The projects, all run by `npm test`:
// - workers: tests run inside workerd against the real local D1, Durable Objects and Queues
//   declared in wrangler.toml. The migrations and the OpenAPI contract are read here, on the
//   Node side, and handed to the tests as bindings.
// - scripts: Node tests of the operator scripts' own logic (scripts/).
// - clients: Node tests that start the real server (`npm start`) and run real WakaTime API
//   clients against it, unmodified (test/clients/: the wakatime-client npm package).
// - browser: Node tests that start the real server (`npm start`) and drive Debian's Chromium
//   against it (test/browser/).
export default defineConfig(async () => {
  // wrangler.toml's [assets] directory is built output: make it (wrangler's [build] command does
  // the same for `npm start` and deploys) before the workerd pool reads wrangler.toml.
  execFileSync(path.join(import.meta.dirname, "node_modules", ".bin", "tsx"), ["scripts/build-assets.ts"], { cwd: import.meta.dirname, stdio: "inherit" });
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const shardMigrations = await readD1Migrations(path.join(import.meta.dirname, "migrations-shard"));
  // The vendored Hackatime contract: part of the repository, so a lone clone tests against it.
  const openapiSpec = await readFile(path.join(import.meta.dirname, "spec", "hackatime-openapi.yaml"), "utf8");
  return {
    test: {
      // Vitest's default is one worker fewer than the cores: a single one on a 2-core machine.
      // A workers test file spends most of its time starting its own workerd, loading modules
      // and migrating a fresh D1, so two files at once are faster even on 2 cores (measured
      // there, side by side: the workers project 750 s → 548 s; a 12-file subset 199/217 s →
      // 170/163/151 s). isolate stays on: with isolate: false the files would share one D1,
      // Durable Object namespace and rate-limit counters, and tests rely on a fresh database
      // per file (leaderboard 503s, audit-log counts, the deletion lifecycle fail without it).
      maxWorkers: Math.max(2, availableParallelism() - 1),
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TEST_SHARD_MIGRATIONS: shardMigrations,
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
            exclude: [...configDefaults.exclude, "test/browser/**", "test/clients/**", "test/scripts/**"],
            setupFiles: ["./test/apply-migrations.ts"],
            testTimeout: 30_000,
          },
        },
        {
          test: { name: "scripts", include: ["test/scripts/**/*.test.ts"], environment: "node" },
        },
        {
          test: {
            name: "clients",
            include: ["test/clients/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/clients/global-setup.ts"],
            testTimeout: 120_000,
            hookTimeout: 180_000,
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/browser/global-setup.ts"],
            // Each test creates its users with `npm run user:create` (two wrangler runs) beside the
            // workerd suite on the same cores: minutes on a loaded 2-core machine.
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
