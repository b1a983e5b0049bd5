// Small schema builders every route file uses: an optional string query parameter (Rails reads
// every parameter as a string and decides later), a nullable string, a JSON response entry.
import { z } from "@hono/zod-openapi";

/** An optional string query parameter with its description (and an example when it helps). */
export const queryParam = (description: string, example?: string) => z.string().optional().openapi({ description, ...(example === undefined ? {} : { example }) });

/** A path parameter named `name`. */
export const pathParam = (name: string, example?: string) => z.string().openapi({ param: { name, in: "path" }, ...(example === undefined ? {} : { example }) });

export const nullableString = z.string().nullable();

/** A response whose body is JSON of `schema`. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description = "successful") => ({ description, content: { "application/json": { schema } } });

/** An optional string query parameter that may be repeated: the last value counts, as Rails reads it. */
export const lastQueryParam = (description: string, example?: string) =>
  z
    .preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), z.string().optional())
    .openapi({ description, example, type: "string" });

/** The WakaTime API's {id} path segment: "current" or an id, ignored (the credential decides the user). */
export const wakatimeUserIdParams = z.object({
  id: pathParam("id", "current").openapi({ description: 'User ID or "current" (ignored: the key decides)' }),
});
