// Reading a heartbeat request body (docs/ingest.md "Request"; hackatime-behavior.md §3.1):
// JSON as application/json, text/plain (the browser extension) or with no Content-Type; at most
// MAX_BODY_BYTES, counted from Content-Length and again while reading; strict UTF-8; an object
// or an array, and Hackatime's {"heartbeats":[…]} wrapping. Every refusal here is request-level,
// {"error": …}, before any heartbeat is looked at.
import { AppError } from "../../lib/errors";
import { MAX_BODY_BYTES, MAX_BULK_HEARTBEATS } from "./limits";

const NO_DATA = "No data provided...";
const ACCEPTED_MEDIA_TYPES = new Set(["application/json", "text/plain"]);
const UTF8_CHARSETS = new Set(["utf-8", "utf8"]);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** A media type fit to repeat in a message (a short type/subtype token), else a stand-in. */
const shown = (mediaType: string) => (/^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.test(mediaType) ? mediaType : "this Content-Type");

/** Refuses (415) what is not JSON text: only application/json, text/plain or none, in UTF-8. */
function checkContentType(header: string | null): void {
  if (header === null || header.trim() === "") return;
  const [typePart, ...params] = header.split(";");
  const mediaType = typePart.trim().toLowerCase();
  if (mediaType === "application/x-www-form-urlencoded" || mediaType === "multipart/form-data") {
    throw new AppError(
      "unsupported_media_type",
      `Content-Type ${mediaType} is not accepted: send the heartbeats as a JSON body with Content-Type application/json (curl -d sends form data unless given -H 'Content-Type: application/json')`,
    );
  }
  if (!ACCEPTED_MEDIA_TYPES.has(mediaType)) {
    throw new AppError("unsupported_media_type", `Content-Type ${shown(mediaType)} is not accepted: send the heartbeats as JSON with Content-Type application/json (text/plain or no Content-Type are accepted too)`);
  }
  for (const param of params) {
    const [name, value = ""] = param.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value.trim().replace(/^"|"$/g, "").toLowerCase();
    if (!UTF8_CHARSETS.has(charset)) throw new AppError("unsupported_media_type", "Only the UTF-8 charset is accepted for heartbeat bodies");
  }
}

const tooLarge = () => new AppError("payload_too_large", `Request body too large (the limit is ${MAX_BODY_BYTES} bytes)`);

/** The body's bytes, refusing more than MAX_BODY_BYTES whether or not a Content-Length says so. */
async function readCapped(req: Request): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

async function readJsonBody(req: Request): Promise<unknown> {
  checkContentType(req.headers.get("content-type"));
  const bytes = await readCapped(req);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "Request body is not valid UTF-8");
  }
  if (text.trim() === "") throw new AppError("bad_request", NO_DATA);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Malformed JSON in request body");
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

/** The heartbeats of a bulk request: a non-empty array of at most MAX_BULK_HEARTBEATS items. */
export async function readBulkPayload(req: Request): Promise<unknown[]> {
  const body = unwrap(await readJsonBody(req));
  if (!Array.isArray(body) || body.length === 0) throw new AppError("bad_request", NO_DATA);
  if (body.length > MAX_BULK_HEARTBEATS) throw new AppError("bad_request", `Too many heartbeats in a single request (max ${MAX_BULK_HEARTBEATS})`);
  return body;
}

/** The heartbeat of a single request: the object, or an array's first element. */
export async function readSinglePayload(req: Request): Promise<unknown> {
  const body = unwrap(await readJsonBody(req));
  const item = Array.isArray(body) ? body[0] : body;
  if (!isObject(item) || Object.keys(item).length === 0) throw new AppError("bad_request", NO_DATA);
  return item;
}
