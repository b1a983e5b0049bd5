// The stats-integration key (hackatime-behavior.md §2.5): an admin key, or the legacy
// STATS_API_KEY secret, as "Authorization: Bearer <k>"; ?api_key= only for the legacy key and
// only where the endpoint allows it.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { secretsEqual } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { findAdminByKey } from "./admin";

const BEARER_ONLY = /^Bearer +(\S+)$/i;

async function statsKeyAccepted(env: Env, token: string): Promise<boolean> {
  if (env.STATS_API_KEY && secretsEqual(token, env.STATS_API_KEY)) return true;
  return (await findAdminByKey(env.DB, token)) !== null;
}

export function requireStatsKey(opts: { allowQueryParam?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    let ok = false;
    if (header !== undefined) {
      const m = BEARER_ONLY.exec(header);
      ok = m !== null && (await statsKeyAccepted(c.env, m[1]));
    } else if (opts.allowQueryParam) {
      const q = c.req.query("api_key");
      ok = !!q && !!c.env.STATS_API_KEY && secretsEqual(q, c.env.STATS_API_KEY);
    }
    if (!ok) throw unauthorized();
    await next();
  };
}
