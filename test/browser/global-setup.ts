// Global setup of the browser project: the real server, as `npm start` runs it (scripts/
// local-server.ts, shared with `npm run e2e`), on a free port and its own temporary state, with
// its GitHub sign-in pointed at a fake GitHub (./fake-github.ts) on another free port.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, startLocalServer } from "../../scripts/local-server";
import { startFakeGithub } from "./fake-github";

declare module "vitest" {
  export interface ProvidedContext {
    /** The local server's origin, e.g. http://127.0.0.1:40123. */
    baseUrl: string;
    /** Its state folder: users are created there with `npm run user:create` (createUserIn). */
    persistTo: string;
    /** Send as "Rate-Limit-Bypass" from the tests' own API calls. */
    rateLimitBypass: string;
    /** Where screenshot() writes (one folder per run, printed). */
    screensDir: string;
    /** The fake GitHub the server's GitHub sign-in talks to (sign-ups open). */
    githubBase: string;
  }
}

export default async function setup(project: TestProject) {
  const github = await startFakeGithub(await freePort());
  const server = await startLocalServer(await freePort(), {
    GITHUB_CLIENT_ID: "browser-test-client",
    GITHUB_CLIENT_SECRET: "browser-test-secret",
    GITHUB_OAUTH_BASE_URL: github.base,
    GITHUB_API_BASE_URL: github.base,
    SIGNUPS: "open",
  });
  project.provide("githubBase", github.base);
  project.provide("baseUrl", server.base);
  project.provide("persistTo", server.persistTo);
  project.provide("rateLimitBypass", server.rateLimitBypass);
  const screens = mkdtempSync(path.join(tmpdir(), "tally-screens-"));
  project.provide("screensDir", screens);
  console.log(`browser tests: screenshots in ${screens}`);
  return async () => {
    await server.stop();
    await github.close();
    console.log(`browser tests: screenshots in ${screens}`);
  };
}
