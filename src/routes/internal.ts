// Tag "Internal": the revocation endpoint for the external key revoker.
import { z } from "@hono/zod-openapi";
import { revokeToken } from "../domain/revocation";
import { AppError } from "../lib/errors";
import { createRouter } from "./router";
import { errorResponse } from "../schemas/common";
import { jsonResponse } from "../schemas/params";
import { internalRoute } from "./factories";

const RevokedSchema = z
  .object({ success: z.boolean(), status: z.string(), token_type: z.string(), owner_email: z.string().nullable(), key_name: z.string().nullable() })
  .openapi("RevokeResult");

export const revokeRoute = internalRoute({
  method: "post",
  path: "/api/internal/revoke",
  tags: ["Internal"],
  summary: "Revoke access",
  description: "Revokes a leaked user API key or admin API key. Requires HKA_REVOCATION_KEY as Bearer; a wrong key is redirected away (302), as Hackatime does.",
  request: { body: { content: { "application/json": { schema: z.object({ token: z.string().optional() }) } } } },
  responses: {
    200: jsonResponse(RevokedSchema, "revoked"),
    302: { description: "wrong revocation key" },
    400: errorResponse("no token"),
    422: jsonResponse(z.object({ success: z.literal(false), error: z.string() }), "unknown or already revoked token"),
  },
});

export const internalRouter = createRouter();

internalRouter.openapi(revokeRoute, async (c) => {
  const token = c.req.valid("json")?.token?.trim();
  if (!token) throw new AppError("bad_request", "token is required");
  const revoked = await revokeToken(c.env, token);
  if (!revoked) throw new AppError("invalid_parameter", "Token is invalid or already revoked", { success: false });
  return c.json({ success: true, status: "complete", token_type: revoked.tokenType, owner_email: revoked.ownerEmail, key_name: revoked.keyName }, 200);
});
