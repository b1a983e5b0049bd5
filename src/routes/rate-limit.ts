// Rate limits with the Workers Rate Limiting bindings (hackatime-behavior.md §14), keyed per
// credential where the request carries one, else per client IP:
//   heartbeat posts 360/min, admin API 300/min per admin key, everything else 300/min.
// The bindings count in fixed 60 s windows; a 429 says when the current window ends.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { parseAuthorization } from "../lib/authorization";
import { secretsEqual, sha256Hex } from "../lib/crypto";

const HEARTBEAT_POST = /^\/api\/(hackatime\/v1|compat\/wakatime\/v1)\/users\/[^/]+\/heartbeats(\.bulk)?$/;
const WINDOW_SECONDS = 60;
const EXEMPT = new Set(["/up"]);

interface Rule {
  binding: keyof Pick<Env, "HEARTBEAT_RATE_LIMITER" | "API_RATE_LIMITER" | "ADMIN_RATE_LIMITER">;
  limit: number; // as configured in wrangler.toml, for the headers
  scope: string;
}

function ruleFor(method: string, path: string): Rule {
  if (method === "POST" && HEARTBEAT_POST.test(path)) return { binding: "HEARTBEAT_RATE_LIMITER", limit: 360, scope: "heartbeats" };
  if (path.startsWith("/api/admin/")) return { binding: "ADMIN_RATE_LIMITER", limit: 300, scope: "admin" };
  return { binding: "API_RATE_LIMITER", limit: 300, scope: "api" };
}

/** Who is counted: a hash of the presented credential (never the credential itself), else the IP. */
async function subject(req: { header(name: string): string | undefined; query(name: string): string | undefined }): Promise<string> {
  const auth = parseAuthorization(req.header("authorization"));
  const credential = auth?.token || req.query("api_key");
  if (credential) return `key:${(await sha256Hex(credential)).slice(0, 32)}`;
  return `ip:${req.header("cf-connecting-ip") ?? "local"}`;
}

export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (EXEMPT.has(c.req.path)) return next();
    // Operators' load tests and benchmarks may carry the bypass token (Hackatime's Rack-Attack-Bypass).
    const bypass = c.req.header("rate-limit-bypass");
    if (bypass && c.env.RATE_LIMIT_BYPASS && secretsEqual(bypass, c.env.RATE_LIMIT_BYPASS)) return next();

    const rule = ruleFor(c.req.method, c.req.path);
    const { success } = await c.env[rule.binding].limit({ key: `${rule.scope}:${await subject(c.req)}` });
    if (success) return next();

    const now = Math.floor(Date.now() / 1000);
    const reset = (Math.floor(now / WINDOW_SECONDS) + 1) * WINDOW_SECONDS;
    const resetAt = new Date(reset * 1000).toISOString();
    c.header("Retry-After", String(reset - now));
    c.header("X-RateLimit-Limit", String(rule.limit));
    c.header("X-RateLimit-Remaining", "0");
    c.header("X-RateLimit-Reset", String(reset));
    c.header("X-RateLimit-Reset-At", resetAt);
    return c.json(
      { error: "Rate limit exceeded", message: "Woah there, way too fast, take a chill pill speedy gonzales!", retry_after: reset - now, reset_at: resetAt },
      429,
    );
  };
}
