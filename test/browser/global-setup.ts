// Global setup of the browser project: the real server, as `npm start` runs it (scripts/
// local-server.ts, shared with `npm run e2e`), on a free port and its own temporary state.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalServer } from "../../scripts/local-server";

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
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject) {
  const server = await startLocalServer(await freePort());
  project.provide("baseUrl", server.base);
  project.provide("persistTo", server.persistTo);
  project.provide("rateLimitBypass", server.rateLimitBypass);
  const screens = mkdtempSync(path.join(tmpdir(), "tally-screens-"));
  project.provide("screensDir", screens);
  console.log(`browser tests: screenshots in ${screens}`);
  return async () => {
    await server.stop();
    console.log(`browser tests: screenshots in ${screens}`);
  };
}
