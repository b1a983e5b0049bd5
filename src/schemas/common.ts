import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({ error: z.string().openapi({ example: "Unauthorized" }) })
  .passthrough()
  .openapi("Error");

export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** Security requirement objects, named as the spec names its schemes. */
type SecurityRequirement = Record<string, string[]>;
export const security: Record<"userKey" | "adminToken" | "internalToken", SecurityRequirement[]> = {
  userKey: [{ Bearer: [], ApiKeyAuth: [] }, { BasicAuth: [] }],
  adminToken: [{ AdminToken: [] }],
  internalToken: [{ InternalToken: [] }],
};
