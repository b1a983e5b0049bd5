// Tag "My Data": the caller's raw heartbeats, imports and exports. User API key (Bearer, Basic
// or ?api_key); restricted users (red trust or an active deletion) get 401 {"error":"Unauthorized"},
// except on exports, where red users get 403.
import { z } from "@hono/zod-openapi";
import type { Handler, MiddlewareHandler } from "hono";
import type { H } from "hono/types";
import { assertMayExport, createExport, exportDownload, findUserExport, parseExportRange } from "../domain/exports";
import { importStatus, startImport } from "../domain/imports/requests";
import { durations } from "../domain/durations/query";
import { heartbeatJson } from "../domain/heartbeats/serialize";
import {
  PAGE_DEFAULT_LIMIT,
  PAGE_MAX_LIMIT,
  decodeCursor,
  isoMillis,
  mostRecentHeartbeat,
  pageHeartbeats,
  parseTimeParam,
  timeAgo,
} from "../domain/stats/recent";
import { daysAgoStartOfDay, endOfTodayUtc } from "../domain/stats/windows";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { createRouter } from "./router";
import { nowSeconds, safeTimeZone } from "../lib/time";
import { errorResponse } from "../schemas/common";
import { HeartbeatSchema } from "../schemas/heartbeat";
import { jsonResponse, pathParam, queryParam } from "../schemas/params";
import { userRoute } from "./factories";
import { ownLocation } from "./location";

const tags = ["My Data"];

// The caller's own data: never cached by intermediaries. Restricted users are refused, except
// on exports, which refuse red users with 403 themselves.
const unrestricted = { allowRestricted: false, noStore: true };
const ownData = { noStore: true };
/** Inclusive ends are turned into the exclusive ends `durations` takes by one microsecond. */
const MICROSECOND = 1e-6;

const HeartbeatListSchema = z
  .object({
    start_time: z.string().openapi({ format: "date-time", example: "2024-03-20T00:00:00.000Z" }),
    end_time: z.string().openapi({ format: "date-time", example: "2024-03-20T23:59:59.999Z" }),
    total_seconds: z.number().openapi({ description: "Capped-gap seconds over the whole range, not just this page", example: 3600 }),
    heartbeats: z.array(HeartbeatSchema),
    limit: z.number().int(),
    has_more: z.boolean(),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `after` for the next page; null on the last page" }),
  })
  .openapi("HeartbeatList");

const MostRecentSchema = z
  .object({
    has_heartbeat: z.boolean(),
    heartbeat: HeartbeatSchema.nullable(),
    editor: z.string().nullable(),
    time_ago: z.string().nullable().openapi({ example: "5 minutes ago" }),
  })
  .openapi("MostRecentHeartbeat");

export const myHeartbeatsRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/my/heartbeats",
    tags,
    summary: "Get heartbeats",
    description:
      "The caller's heartbeats with start_time ≤ time ≤ end_time, oldest first, in pages of `limit` (default 1000, at most 5000): pass `next_cursor` back as `after` until it is null. Times are ISO 8601 datetimes, YYYY-MM-DD dates or epoch seconds (UTC unless a zone is given); defaults: today in UTC. total_seconds covers the whole range.",
    request: {
      query: z.object({
        start_time: queryParam("Start time (ISO 8601, date, or epoch seconds)", "2024-03-20T00:00:00Z"),
        end_time: queryParam("End time, inclusive (ISO 8601, date, or epoch seconds)", "2024-03-20T23:59:59Z"),
        limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).optional().openapi({ description: `Page size (default ${PAGE_DEFAULT_LIMIT}, max ${PAGE_MAX_LIMIT})`, example: PAGE_DEFAULT_LIMIT }),
        after: queryParam("Cursor: the next_cursor of the previous page"),
      }),
    },
    responses: {
      200: jsonResponse(HeartbeatListSchema),
      422: errorResponse("invalid start_time, end_time, limit or cursor"),
    },
  },
  unrestricted,
);

export const mostRecentRoute = userRoute(
  {
    method: "get",
    path: "/api/v1/my/heartbeats/most_recent",
    tags,
    summary: "Get most recent heartbeat",
    description:
      "The caller's newest heartbeat (of `source_type` if given, else anything but test entries; of `editor` if given, case-insensitively), with how long ago it was. Useful for checking if the user is currently active.",
    request: {
      query: z.object({
        source_type: queryParam('Filter by source type (e.g. "direct_entry")'),
        editor: queryParam('Filter by editor name (e.g. "VSCode")'),
      }),
    },
    responses: {
      200: jsonResponse(MostRecentSchema),
    },
  },
  unrestricted,
);

export const myDataRouter = createRouter();

myDataRouter.openapi(myHeartbeatsRoute, async (c) => {
  const query = c.req.valid("query");
  const user = c.var.user;
  const time = (value: string | undefined, name: string, fallback: number) => {
    if (value === undefined || value.trim() === "") return fallback;
    const t = parseTimeParam(value);
    if (t === null) throw new AppError("invalid_parameter", `Invalid ${name}`);
    return t;
  };
  // Defaults: today's bounds in UTC (the app zone), the end inclusive as Rails' end_of_day.
  const now = nowSeconds();
  const start = time(query.start_time, "start_time", daysAgoStartOfDay(0, now));
  const end = time(query.end_time, "end_time", endOfTodayUtc(now));
  let after = null;
  if (query.after !== undefined && query.after !== "") {
    after = decodeCursor(query.after);
    if (!after) throw new AppError("invalid_parameter", "Invalid after");
  }
  const limit = query.limit ?? PAGE_DEFAULT_LIMIT;
  const [page, total] = await Promise.all([
    pageHeartbeats(c.env.DB, user.id, { start, end }, after, limit),
    durations(c.env, user, { start, end: end + MICROSECOND }),
  ]);
  return c.json(
    {
      start_time: isoMillis(start),
      end_time: isoMillis(end),
      total_seconds: total.total,
      heartbeats: page.rows.map(heartbeatJson),
      limit,
      has_more: page.hasMore,
      next_cursor: page.nextCursor,
    },
    200,
  );
});

myDataRouter.openapi(mostRecentRoute, async (c) => {
  const { source_type, editor } = c.req.valid("query");
  const hb = await mostRecentHeartbeat(c.env.DB, c.var.user.id, { sourceType: source_type?.trim() ? source_type : undefined, editor: editor?.trim() ? editor : undefined });
  return c.json(
    {
      has_heartbeat: hb !== null,
      heartbeat: hb ? heartbeatJson(hb) : null,
      editor: hb ? hb.editor : null,
      time_ago: hb ? timeAgo(hb.time, nowSeconds()) : null,
    },
    200,
  );
});

// ---------------------------------------------------------------------------------------------
// Imports (hackatime-behavior.md §9.1) and exports (§9.2).

const IMPORTS_PATH = "/my/heartbeat_imports";
const EXPORT_PATH = "/my/heartbeats/export";
const EXPORTS_PATH = "/my/heartbeats/exports";

const ImportStatusSchema = z
  .object({
    import_id: z.string().openapi({ example: "42" }),
    state: z.enum(["queued", "requesting_dump", "waiting_for_dump", "downloading_dump", "importing", "completed", "failed"]),
    source_kind: z.enum(["dev_upload", "wakatime_dump", "hackatime_v1_dump", "wakatime_download_link"]),
    progress_percent: z.number().int(),
    processed_count: z.number().int(),
    total_count: z.number().int(),
    imported_count: z.number().int(),
    skipped_count: z.number().int(),
    errors_count: z.number().int(),
    message: z.string().openapi({ example: "Imported 1200 out of 1250 heartbeats in 3.42s. Skipped 50 duplicate heartbeats." }),
    error_message: z.string().nullable(),
    remote_dump_status: z.string().nullable(),
    remote_percent_complete: z.number().nullable(),
    cooldown_until: z.string().nullable(),
    source_filename: z.string().nullable(),
    updated_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi("HeartbeatImportStatus");

const ImportAcceptedSchema = z.object({ import_id: z.string(), status: ImportStatusSchema }).openapi("HeartbeatImportAccepted");

const ImportFormSchema = z
  .object({
    heartbeat_file: z.any().optional().openapi({ type: "string", format: "binary", description: 'A WakaTime dump ({"days":[{"heartbeats":[…]}]}) or a Hackatime export ({"heartbeats":[…]}), JSON or gzipped JSON' }),
    provider: z.enum(["wakatime_dump", "hackatime_v1_dump", "wakatime", "hackatime_v1"]).optional().openapi({ description: "Remote import provider preset (also accepted as heartbeat_import[provider])" }),
    api_key: z.string().optional().openapi({ description: "The API key for that provider (also heartbeat_import[api_key])" }),
    download_url: z.string().optional().openapi({ description: "A WakaTime dump download link, https://wakatime.s3.amazonaws.com/… (also heartbeat_import[download_url])" }),
  })
  .openapi("HeartbeatImportForm");

export const createImportRoute = userRoute(
  {
    method: "post",
    path: IMPORTS_PATH,
    tags,
    summary: "Create Heartbeat Import",
    description:
      "Starts an import of an uploaded dump (`heartbeat_file`, streamed and staged in slices; imported by the queue) or of a one-time remote dump (`provider` with that service's `api_key`). Answers 202 with the import id and its status; poll the Location. One active import per user (409); remote dumps once per 8 minutes (429).",
    request: {
      body: {
        required: true,
        content: { "multipart/form-data": { schema: ImportFormSchema }, "application/json": { schema: ImportFormSchema }, "application/x-www-form-urlencoded": { schema: ImportFormSchema } },
      },
    },
    responses: {
      202: jsonResponse(ImportAcceptedSchema, "accepted"),
      409: errorResponse("another import is already in progress"),
      422: errorResponse("no file or provider, unsupported provider, missing API key, or not a heartbeat dump"),
      429: errorResponse("remote imports are limited to once every 8 minutes"),
    },
  },
  unrestricted,
);

export const importStatusRoute = userRoute(
  {
    method: "get",
    path: `${IMPORTS_PATH}/{id}`,
    tags,
    summary: "Get Heartbeat Import Status",
    description: "The latest state of one of your import runs: state, counters, progress and the completion or failure message.",
    request: { params: z.object({ id: pathParam("id").openapi({ description: "Heartbeat import run id" }) }) },
    responses: {
      200: jsonResponse(ImportStatusSchema),
      404: errorResponse("Import not found"),
    },
  },
  unrestricted,
);

const ExportCreatedSchema = z.object({ export_id: z.string(), url: z.string() }).openapi("HeartbeatExportCreated");

export const createExportRoute = userRoute(
  {
    method: "post",
    path: EXPORT_PATH,
    tags,
    summary: "Export Heartbeats",
    description:
      "Export your heartbeats as a JSON file: all of them (`all_data=true`) or those of `start_date`..`end_date` (UTC days; defaults: 30 days ago..today). Answers 302 to the export, which streams Hackatime's export JSON. Red (banned) users are refused (403).",
    request: {
      query: z.object({
        all_data: queryParam("Export all data (true/false)", "true"),
        start_date: queryParam("Start date (YYYY-MM-DD)", "2024-03-01"),
        end_date: queryParam("End date (YYYY-MM-DD)", "2024-03-31"),
      }),
    },
    responses: {
      302: jsonResponse(ExportCreatedSchema, "redirect to the export"),
      403: errorResponse("red users cannot export"),
      422: errorResponse("invalid date"),
    },
  },
  ownData,
);

export const downloadExportRoute = userRoute(
  {
    method: "get",
    path: `${EXPORTS_PATH}/{id}`,
    tags,
    summary: "Download Heartbeat Export",
    description:
      'The export as Hackatime writes it: {"export_info":{exported_at,date_range,total_heartbeats,total_duration_seconds},"heartbeats":[…]} with each heartbeat\'s time as ISO 8601. Streamed; re-importable with POST /my/heartbeat_imports.',
    request: { params: z.object({ id: pathParam("id").openapi({ description: "Export id" }) }) },
    responses: {
      200: jsonResponse(z.object({ export_info: z.object({}).passthrough(), heartbeats: z.array(z.object({}).passthrough()) }), "the export file"),
      403: errorResponse("red users cannot export"),
      404: errorResponse("Export not found"),
    },
  },
  ownData,
);

// Import and export-download bodies are not validated by a schema: an upload is streamed
// part by part (domain/imports/requests.ts), an export is streamed out. These two operations
// are documented from their definitions and served with the same guards.
const guarded = (route: { middleware?: unknown }, handler: Handler<AppEnv>): [H<AppEnv>, ...H<AppEnv>[]] => [
  ...(route.middleware as [MiddlewareHandler<AppEnv>, ...MiddlewareHandler<AppEnv>[]]),
  handler,
];

myDataRouter.openAPIRegistry.registerPath(createImportRoute);
myDataRouter.openAPIRegistry.registerPath(downloadExportRoute);

myDataRouter.post(
  IMPORTS_PATH,
  ...guarded(createImportRoute, async (c) => {
    const { id, status } = await startImport(c.env, c.var.user, c.req.raw);
    const location = ownLocation(c, `${IMPORTS_PATH}/${id}`);
    return c.json({ import_id: String(id), status }, 202, { Location: location });
  }),
);

myDataRouter.openapi(importStatusRoute, async (c) => {
  return c.json(await importStatus(c.env, c.var.user, c.req.valid("param").id), 200);
});

myDataRouter.openapi(createExportRoute, async (c) => {
  assertMayExport(c.var.user);
  const range = parseExportRange(c.req.valid("query"), nowSeconds());
  const id = await createExport(c.env.DB, c.var.user.id, range);
  const location = ownLocation(c, `${EXPORTS_PATH}/${id}`);
  return c.json({ export_id: String(id), url: location }, 302, { Location: location });
});

myDataRouter.get(
  `${EXPORTS_PATH}/:id`,
  ...guarded(downloadExportRoute, async (c) => {
    const user = c.var.user;
    assertMayExport(user);
    const exp = await findUserExport(c.env.DB, user.id, c.req.param("id") ?? "");
    const download = await exportDownload(c.env, { id: user.id, timezone: safeTimeZone(user.timezone) }, exp, nowSeconds());
    return new Response(download.stream, {
      status: 200,
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${download.filename}"`,
        "Cache-Control": "no-store",
      },
    });
  }),
);
