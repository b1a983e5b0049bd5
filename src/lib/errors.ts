// One error model (the Unkey pattern). Code below the routes throws `AppError(code, message)`:
// a code says what went wrong, never an HTTP status. ERROR_STATUS is the one table from codes
// to statuses, and handleError writes the spec's Error body, {"error": message}, plus extra
// fields where Hackatime adds them ({"error","type"} on heartbeat ingest, {"error","email"} …).
import { log } from "./log";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_STATUS = {
  /** The request cannot be read: malformed body, missing data, a bad value where Hackatime answers 400. */
  bad_request: 400,
  /** No valid credential (auth/failures.ts says which). */
  unauthorized: 401,
  /** A valid caller whose admin level is too low, where Hackatime hides the resource behind a 401. */
  level_too_low_hidden: 401,
  /** A valid caller who may not do this. */
  forbidden: 403,
  not_found: 404,
  /** The request conflicts with the current state (an import already running, a claimed heartbeat). */
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** A parameter is invalid (Rails' render_error default, and zod validation). */
  invalid_parameter: 422,
  rate_limited: 429,
  internal: 500,
  /** A service we call answered wrongly. */
  upstream_failed: 502,
  /** Not ready yet (a leaderboard before its first build) or switched off by configuration. */
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (message = "Not found", extra: Record<string, unknown> = {}) => new AppError("not_found", message, extra);

export function errorBody(message: string, extra: Record<string, unknown> = {}) {
  return { error: message, ...extra };
}

export function handleError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    return c.json(errorBody(err.message, err.extra), err.status);
  }
  if (err instanceof HTTPException) {
    const res = err.getResponse();
    return c.json(errorBody(err.message || res.statusText || "Bad Request"), err.status as ContentfulStatusCode);
  }
  // Unexpected: log with the request id (never request headers: they carry keys), answer opaquely.
  log.error("unhandled error", { requestId: c.get("requestId"), error: String(err?.message ?? err), stack: err?.stack });
  return c.json(errorBody("Internal Server Error"), 500);
}
