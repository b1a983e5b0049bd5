// Global setup of the browser project: the real server, as `npm start` runs it (scripts/
// local-server.ts, shared with `npm run e2e`), on a free port and its own temporary state.
import type { TestProject } from "vitest/node";
import { freePort, startLocalServer } from "../../scripts/local-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** The local server's origin, e.g. http://127.0.0.1:40123. */
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startLocalServer(await freePort());
  project.provide("baseUrl", server.base);
  return () => server.stop();
}
