// The stats-integration key (hackatime-behavior.md §2.5): an admin key, or the legacy
// STATS_API_KEY secret, as "Authorization: Bearer <k>"; ?api_key= only for the legacy key and
// only where the endpoint allows it.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { secretsEqual } from "../lib/crypto";
import { authenticateAdminKey } from "./admin";
import { statsKeyRefused, type AuthFailure } from "./failures";

const BEARER_ONLY = /^Bearer +(\S+)$/i;

/** null when accepted, else why not (a revoked admin key says so; anything else is unknown). */
async function statsKeyRefusal(env: Env, token: string): Promise<AuthFailure | null> {
  if (env.STATS_API_KEY && secretsEqual(token, env.STATS_API_KEY)) return null;
  const admin = await authenticateAdminKey(env.DB, token);
  if (typeof admin !== "string") return null;
  return admin === "revoked_key" ? admin : "unknown_key";
}

export function requireStatsKey(opts: { allowQueryParam?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const query = opts.allowQueryParam ? c.req.query("api_key") : undefined;
    let refusal: AuthFailure | null;
    if (header !== undefined) {
      const m = BEARER_ONLY.exec(header);
      refusal = m === null ? "malformed_header" : await statsKeyRefusal(c.env, m[1]);
    } else if (query) {
      refusal = c.env.STATS_API_KEY && secretsEqual(query, c.env.STATS_API_KEY) ? null : "unknown_key";
    } else {
      refusal = "missing";
    }
    if (refusal) throw statsKeyRefused(refusal);
    await next();
  };
}
