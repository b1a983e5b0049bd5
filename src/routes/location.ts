// Where a redirect to the caller's own resource points (My Data, My Projects, /deletion).
import type { Context } from "hono";
import type { AppEnv } from "../env";

/**
 * `path`, keeping ?api_key when the client authenticated with it (no Authorization header to
 * re-send), so following the redirect stays authenticated.
 */
export function ownLocation(c: Context<AppEnv>, path: string): string {
  const key = c.req.query("api_key");
  return key && !c.req.header("authorization") ? `${path}?${new URLSearchParams({ api_key: key })}` : path;
}
