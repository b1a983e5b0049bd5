// Heartbeat exports (hackatime-behavior.md §9.2): a requested export is a row (its range); the
// download streams Hackatime's export JSON straight from D1, a page of rows at a time in
// (time, id) keyset order, so no export ever holds all of a user's heartbeats.
import { accountRestricted } from "../auth/failures";
import { TRUST_LEVELS } from "../auth/levels";
import { EXPORT_FIELDS, exportPage, exportStats, insertExport, userExportById, type ExportedHeartbeatRow, type ExportRow } from "../db/exports";
import { pickFields } from "../db/heartbeat-fields";
import { userById } from "../db/users";
import { AppError } from "../lib/errors";
import { addDays, parseIsoDate } from "../lib/time";
import { durations } from "./durations/query";
import { isoTimeExact } from "./imports/normalize";

export const EXPORT_PAGE = 1000;
const MIN_TIME = 0;
const MAX_TIME = 253402300800; // 10000-01-01

export type { ExportRow };

export type ExportRange = { allData: true } | { allData: false; startDate: string; endDate: string };

const utcDayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const utcDate = (seconds: number) => new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 10);

/** all_data=true, else start_date/end_date (YYYY-MM-DD; defaults 30 days ago and today, UTC). Invalid dates: invalid_parameter. */
export function parseExportRange(q: { all_data?: string; start_date?: string; end_date?: string }, nowSeconds: number): ExportRange {
  if (q.all_data === "true") return { allData: true };
  const today = utcDate(nowSeconds);
  const blank = (v: string | undefined) => v === undefined || v.trim() === "";
  const startDate = blank(q.start_date) ? addDays(today, -30) : q.start_date!.trim();
  const endDate = blank(q.end_date) ? today : q.end_date!.trim();
  if (!parseIsoDate(startDate) || !parseIsoDate(endDate)) throw new AppError("invalid_parameter", "Invalid date format");
  if (startDate > endDate) throw new AppError("invalid_parameter", "start_date must not be after end_date");
  return { allData: false, startDate, endDate };
}

/**
 * Red (convicted) users may not export their heartbeats (403, Hackatime's message); an account
 * with an active deletion request is refused as everywhere else (401).
 */
export function assertMayExport(user: { trustLevel: number; deletionActive: boolean }): void {
  if (user.trustLevel === TRUST_LEVELS.red) throw new AppError("forbidden", "You are not allowed to export heartbeats.");
  if (user.deletionActive) throw accountRestricted();
}

/** The user's own export `id` (a path segment); anything else is not found. */
export async function findUserExport(d1: D1Database, userId: number, id: string): Promise<ExportRow> {
  const exp = /^\d{1,15}$/.test(id) ? await userExportById(d1, userId, Number(id)) : undefined;
  if (!exp) throw new AppError("not_found", "Export not found");
  return exp;
}

/** Records a requested export (its range, end exclusive); returns its id. */
export async function createExport(d1: D1Database, userId: number, range: ExportRange): Promise<number> {
  const [startTime, endTime] = range.allData ? [MIN_TIME, MAX_TIME] : [utcDayStart(range.startDate), utcDayStart(addDays(range.endDate, 1))];
  return insertExport(d1, userId, { startTime, endTime, allData: range.allData });
}

/** One heartbeat as Hackatime's export writes it (time as ISO 8601), plus the AI fields. */
export function exportHeartbeatJson(r: ExportedHeartbeatRow) {
  let deps: unknown = [];
  if (r.dependencies) {
    try {
      deps = JSON.parse(r.dependencies);
    } catch {
      deps = [];
    }
  }
  return { ...pickFields(r, EXPORT_FIELDS), time: isoTimeExact(r.time), is_write: r.is_write === null ? null : r.is_write === 1, dependencies: deps };
}

export interface ExportDownload {
  filename: string;
  stream: ReadableStream<Uint8Array>;
  info: { exported_at: string; date_range: { start_date: string; end_date: string }; total_heartbeats: number; total_duration_seconds: number };
}

/** Builds the export's header from indexes and the duration projection, then streams the rows. */
export async function exportDownload(env: Env, user: { id: number; timezone: string }, exp: ExportRow, nowSeconds: number, pageSize = EXPORT_PAGE): Promise<ExportDownload> {
  const d1 = env.DB;
  const range = { start: exp.startTime, end: exp.endTime };
  const [stats, owner] = await Promise.all([exportStats(d1, user.id, range.start, range.end), userById(d1, user.id)]);
  let startDate: string;
  let endDate: string;
  if (exp.allData) {
    startDate = stats.first != null ? utcDate(stats.first) : utcDate(nowSeconds);
    endDate = stats.last != null ? utcDate(stats.last) : utcDate(nowSeconds);
  } else {
    startDate = utcDate(range.start);
    endDate = utcDate(range.end - 1);
  }
  const total = stats.n;
  const seconds = total > 1 ? (await durations(env, user, { start: stats.first!, end: stats.last! + 1e-6 })).total : 0;
  const info = {
    exported_at: new Date(Math.floor(nowSeconds) * 1000).toISOString().replace(".000Z", "Z"),
    date_range: { start_date: startDate, end_date: endDate },
    total_heartbeats: total,
    total_duration_seconds: seconds,
  };
  const who = owner?.slackUid || `user_${user.id}`;
  const filename = `heartbeats_${who}_${startDate.replaceAll("-", "")}_${endDate.replaceAll("-", "")}.json`;

  const encoder = new TextEncoder();
  let after: { time: number; id: number } | null = null;
  let headerSent = false;
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`{"export_info":${JSON.stringify(info)},"heartbeats":[`));
        if (total === 0) {
          controller.enqueue(encoder.encode("]}"));
          controller.close();
        }
        return;
      }
      const results = await exportPage(d1, user.id, range, after, pageSize);
      if (results.length) {
        let chunk = "";
        for (const r of results) {
          chunk += (first ? "" : ",") + JSON.stringify(exportHeartbeatJson(r));
          first = false;
        }
        controller.enqueue(encoder.encode(chunk));
        const last = results[results.length - 1];
        after = { time: last.time, id: last.id };
      }
      if (results.length < pageSize) {
        controller.enqueue(encoder.encode("]}"));
        controller.close();
      }
    },
  });
  return { filename, stream, info };
}
