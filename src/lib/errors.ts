// One error shape everywhere: the spec's Error schema, {"error": "message"}, plus extra
// fields where Hackatime adds them ({"error", "type"} on heartbeat ingest, {"error","email"} …).
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const unauthorized = () => new ApiError(401, "Unauthorized");
export const notFound = (message = "Not found") => new ApiError(404, message);

export function errorBody(message: string, extra: Record<string, unknown> = {}) {
  return { error: message, ...extra };
}

export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.message, err.extra), err.status);
  }
  if (err instanceof HTTPException) {
    const res = err.getResponse();
    return c.json(errorBody(err.message || res.statusText || "Bad Request"), err.status as ContentfulStatusCode);
  }
  // Unexpected: log with the request id (never request headers: they carry keys), answer opaquely.
  console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), message: String(err?.message ?? err), stack: err?.stack }));
  return c.json(errorBody("Internal Server Error"), 500);
}
