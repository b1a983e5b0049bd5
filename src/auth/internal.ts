// The internal revocation key (HKA_REVOCATION_KEY), compared in constant time. Hackatime
// answers a wrong key with a redirect, not a 401, and so do we.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { secretsEqual } from "../lib/crypto";
import { bearerToken } from "./credentials";

export const REVOCATION_REFUSED_LOCATION = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

export function requireRevocationKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const expected = c.env.HKA_REVOCATION_KEY;
    if (!token || !expected || !secretsEqual(token, expected)) return c.redirect(REVOCATION_REFUSED_LOCATION, 302);
    await next();
  };
}
