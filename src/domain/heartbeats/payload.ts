// Reading a heartbeat request body (hackatime-behavior.md §3.1): JSON or text/plain (the
// browser extension), an object or an array, and Hackatime's {"heartbeats":[…]} wrapping.
import { ApiError } from "../../lib/errors";

export const MAX_BULK_HEARTBEATS = 100;
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
const NO_DATA = "No data provided...";

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

async function readJsonBody(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, "Request body too large");
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError(413, "Request body too large");
  if (text.trim() === "") throw new ApiError(400, NO_DATA);
  const contentType = req.headers.get("content-type") ?? "";
  if (contentType.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "Malformed JSON in request body");
  }
}

function unwrap(body: unknown): unknown {
  if (isObject(body)) {
    const inner = isObject(body.hackatime) ? body.hackatime : body;
    if (Array.isArray(inner.heartbeats)) return inner.heartbeats;
    return inner;
  }
  return body;
}

/** The heartbeats of a bulk request: a non-empty array of at most 100 items. */
export async function readBulkPayload(req: Request): Promise<unknown[]> {
  const body = unwrap(await readJsonBody(req));
  if (!Array.isArray(body) || body.length === 0) throw new ApiError(400, NO_DATA);
  if (body.length > MAX_BULK_HEARTBEATS) throw new ApiError(400, `Too many heartbeats in a single request (max ${MAX_BULK_HEARTBEATS})`);
  return body;
}

/** The heartbeat of a single request: the object, or an array's first element. */
export async function readSinglePayload(req: Request): Promise<unknown> {
  const body = unwrap(await readJsonBody(req));
  const item = Array.isArray(body) ? body[0] : body;
  if (!isObject(item) || Object.keys(item).length === 0) throw new ApiError(400, NO_DATA);
  return item;
}
