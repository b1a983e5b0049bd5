// Global setup of the clients project: the real server, as `npm start` runs it (scripts/
// local-server.ts), on its own port and temporary state, with the users the tests need created
// by `npm run user:create`. WAKATIME_CLIENT_PORT picks the port (default: a free one).
import type { TestProject } from "vitest/node";
import { freePort, startLocalServer } from "../../scripts/local-server";

export interface ClientUser {
  id: number;
  username: string;
  api_key: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The local server's origin, e.g. http://127.0.0.1:40123. */
    serverUrl: string;
    /** Sent as "Rate-Limit-Bypass" by the tests' own setup requests (the client under test never sends it). */
    rateLimitBypass: string;
    /** A user in Pacific/Auckland, one in America/Los_Angeles with public stats, one who hides them. */
    users: { auckland: ClientUser; losAngeles: ClientUser; hidden: ClientUser };
  }
}

export default async function setup(project: TestProject) {
  const server = await startLocalServer(Number(process.env.WAKATIME_CLIENT_PORT) || (await freePort()));
  try {
    const [auckland, losAngeles, hidden] = await Promise.all([
      server.createUser(["--timezone", "Pacific/Auckland"]),
      server.createUser(["--timezone", "America/Los_Angeles"]),
      server.createUser(["--private"]),
    ]);
    project.provide("serverUrl", server.base);
    project.provide("rateLimitBypass", server.rateLimitBypass);
    project.provide("users", { auckland, losAngeles, hidden });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return () => server.stop();
}
