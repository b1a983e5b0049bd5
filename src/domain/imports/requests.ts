// The request side of imports (hackatime-behavior.md §9.1): reading POST /my/heartbeat_imports
// in any of the encodings Hackatime's form arrives in, starting the run it asks for, and the
// status a caller polls.
//
// Fields are `provider`, `api_key`, `download_url` (also as heartbeat_import[name], and in the
// query string) and the file part `heartbeat_file`. A multipart body is read part by part: the
// file part starts the upload at once and flows into staging without being buffered, so fields
// after it are not read (Hackatime's form puts the file last).
import { userImportById } from "../../db/imports";
import { AppError } from "../../lib/errors";
import { MultipartReader, multipartBoundary } from "./multipart";
import { remoteCooldownUntil, serializeImport, type ImportStatus, type ImportUser } from "./runs";
import { resumeStalled } from "./slices";
import { PROVIDERS, startDownloadLink, startRemote, startUpload, type StartResult } from "./start";

const FIELDS = ["provider", "api_key", "download_url"] as const;
type Fields = Record<string, string>;

/** "heartbeat_import[provider]" → "provider" (Hackatime's form names), other names as they are. */
const fieldName = (name: string) => /^heartbeat_import\[([^\]]+)\]$/.exec(name)?.[1] ?? name;

/** Reads the form fields; in multipart, a file part starts the upload straight away. */
async function readImportRequest(env: Env, user: ImportUser, req: Request): Promise<{ fields: Fields; upload: StartResult | null }> {
  const fields: Fields = {};
  const query = new URL(req.url).searchParams;
  for (const k of FIELDS) {
    const v = query.get(k) ?? query.get(`heartbeat_import[${k}]`);
    if (v !== null) fields[k] = v;
  }
  const contentType = req.headers.get("content-type") ?? "";
  const boundary = multipartBoundary(contentType);
  if (boundary) {
    if (!req.body) return { fields, upload: null };
    const mp = new MultipartReader(req.body, boundary);
    try {
      for (let part = await mp.nextPart(); part; part = await mp.nextPart()) {
        const name = fieldName(part.name);
        if (name === "heartbeat_file" && part.filename !== null) {
          if (part.filename === "") continue; // an empty file input
          return { fields, upload: await startUpload(env, user.id, part.filename, mp.bodyStream()) };
        }
        if (part.filename === null) fields[name] = (await mp.text()).trim();
      }
    } finally {
      await mp.close();
    }
  } else if (/^application\/json/i.test(contentType)) {
    const json = (await req.json().catch(() => null)) as Record<string, unknown> | null;
    const src = json && typeof json === "object" ? { ...json, ...((json.heartbeat_import as Record<string, unknown>) ?? {}) } : {};
    for (const k of FIELDS) if (typeof src[k] === "string") fields[k] = (src[k] as string).trim();
  } else if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    // As Rails reads a form: the last value of a name wins; "name[]" lists are not fields.
    for (const [k, v] of await req.formData()) if (typeof v === "string" && !k.endsWith("[]")) fields[fieldName(k)] = v.trim();
  }
  return { fields, upload: null };
}

/**
 * Starts the import the request asks for: an uploaded file, a remote dump (`provider` with its
 * `api_key`) or a WakaTime download link. Answers the new run's status.
 */
export async function startImport(env: Env, user: ImportUser, req: Request): Promise<{ id: number; status: ImportStatus }> {
  const { fields, upload } = await readImportRequest(env, user, req);
  let result: StartResult;
  if (upload) result = upload;
  else if (fields.provider) {
    const kind = PROVIDERS[fields.provider];
    if (!kind) throw new AppError("invalid_parameter", "Unsupported import provider.");
    if (!fields.api_key) throw new AppError("invalid_parameter", "An API key for the import provider is required.");
    result = await startRemote(env, user, kind, fields.api_key);
  } else if (fields.download_url) {
    result = await startDownloadLink(env, user.id, fields.download_url);
  } else {
    throw new AppError("invalid_parameter", "pls select a file to import");
  }
  const run = await userImportById(env.DB, user.id, result.id);
  return { id: result.id, status: serializeImport(run!) };
}

/**
 * One of the user's runs (404 for anything else), with the user's remote cooldown. Looking at
 * a run that stopped moving re-queues its open slices (a lost message cannot hang it).
 */
export async function importStatus(env: Env, user: ImportUser, id: string): Promise<ImportStatus> {
  let run = /^\d{1,15}$/.test(id) ? await userImportById(env.DB, user.id, Number(id)) : undefined;
  if (!run) throw new AppError("not_found", "Import not found");
  if (await resumeStalled(env, run)) run = (await userImportById(env.DB, user.id, run.id)) ?? run;
  return serializeImport(run, await remoteCooldownUntil(env.DB, user));
}
