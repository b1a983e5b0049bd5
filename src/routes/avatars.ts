// /avatars/identicon/{seed}.svg: the identicon of a user with no avatar (domain/users/profile.ts),
// as an image URL the browser caches for good (it depends on the seed only), so a leaderboard
// carries a short URL per entry instead of an inline data URI. Not an API operation: no OpenAPI entry.
import { Hono } from "hono";
import { identiconSvg } from "../domain/users/profile";
import type { AppEnv } from "../env";

const SEED = /^([A-Za-z0-9_-]{1,64})\.svg$/;

export const avatarsRouter = new Hono<AppEnv>();

avatarsRouter.get("/avatars/identicon/:file", async (c) => {
  const seed = SEED.exec(c.req.param("file"))?.[1];
  if (!seed) return c.json({ error: "Not found" }, 404);
  c.header("Content-Type", "image/svg+xml");
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  c.header("Content-Security-Policy", "default-src 'none'");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(await identiconSvg(seed));
});
