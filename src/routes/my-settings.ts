// Tag "My Settings": rotating the caller's API key (Hackatime: POST
// my/settings/privacy/rotate_api_key, session only; here the user API key, docs/architecture.md
// "Decisions"). Account deletion (/deletion) lives in routes/deletion.ts.
import { z } from "@hono/zod-openapi";
import { rotateApiKey } from "../domain/projects-settings";
import { createRouter } from "./router";
import { jsonResponse } from "../schemas/params";
import { userRoute } from "./factories";

const tags = ["My Settings"];

const RotatedSchema = z
  .object({ token: z.string().openapi({ description: "The new API key (lowercase UUID v4); shown only here", example: "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f" }) })
  .openapi("RotatedApiKey");

// The answer is a secret: never stored by shared caches.
export const rotateApiKeyRoute = userRoute(
  {
    method: "post",
    path: "/my/settings/rotate_api_key",
    tags,
    summary: "Rotate API Key",
    description: "Rotate your API key. Returns the new token. Warning: Old token will stop working immediately (every API key of the account is replaced by the new one).",
    responses: { 200: jsonResponse(RotatedSchema) },
  },
  { noStore: true },
);

export const mySettingsRouter = createRouter();

mySettingsRouter.openapi(rotateApiKeyRoute, async (c) => {
  return c.json({ token: await rotateApiKey(c.env, c.var.user.id) }, 200);
});
