// Heartbeat exports (hackatime-behavior.md §9.2): a requested export is a row (its range); the
// download streams Hackatime's export JSON straight from D1, a page of rows at a time in
// (time, id) keyset order, so no export ever holds all of a user's heartbeats.
import { pickFields, type HeartbeatField, type StoredHeartbeat } from "../db/heartbeat-fields";
import { durations } from "./durations/query";
import { isoTimeExact } from "./imports/normalize";
import { addDays, parseIsoDate } from "../lib/time";

export const EXPORT_PAGE = 1000;
const MIN_TIME = 0;
const MAX_TIME = 253402300800; // 10000-01-01

export interface ExportRow {
  id: number;
  user_id: number;
  start_time: number;
  end_time: number; // exclusive
  all_data: number;
  created_at: string;
}

export type ExportRange = { allData: true } | { allData: false; startDate: string; endDate: string };

const utcDayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const utcDate = (seconds: number) => new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 10);

/** all_data=true, else start_date/end_date (YYYY-MM-DD; defaults 30 days ago and today, UTC). */
export function parseExportRange(q: { all_data?: string; start_date?: string; end_date?: string }, nowSeconds: number): ExportRange | { error: string } {
  if (q.all_data === "true") return { allData: true };
  const today = utcDate(nowSeconds);
  const blank = (v: string | undefined) => v === undefined || v.trim() === "";
  const startDate = blank(q.start_date) ? addDays(today, -30) : q.start_date!.trim();
  const endDate = blank(q.end_date) ? today : q.end_date!.trim();
  if (!parseIsoDate(startDate) || !parseIsoDate(endDate)) return { error: "Invalid date format" };
  if (startDate > endDate) return { error: "start_date must not be after end_date" };
  return { allData: false, startDate, endDate };
}

export async function createExport(d1: D1Database, userId: number, range: ExportRange): Promise<number> {
  const [start, end] = range.allData ? [MIN_TIME, MAX_TIME] : [utcDayStart(range.startDate), utcDayStart(addDays(range.endDate, 1))];
  const row = await d1
    .prepare("INSERT INTO heartbeat_exports (user_id, start_time, end_time, all_data) VALUES (?1, ?2, ?3, ?4) RETURNING id")
    .bind(userId, start, end, range.allData ? 1 : 0)
    .first<{ id: number }>();
  return row!.id;
}

export async function getUserExport(d1: D1Database, userId: number, id: number): Promise<ExportRow | null> {
  return d1.prepare("SELECT * FROM heartbeat_exports WHERE id = ?1 AND user_id = ?2").bind(id, userId).first<ExportRow>();
}

/** The fields of an exported heartbeat, in Hackatime's export order, plus the AI fields. */
const EXPORT_FIELDS = [
  "id",
  "time",
  "entity",
  "type",
  "category",
  "project",
  "language",
  "editor",
  "operating_system",
  "machine",
  "branch",
  "user_agent",
  "is_write",
  "line_additions",
  "line_deletions",
  "lineno",
  "lines",
  "cursorpos",
  "dependencies",
  "source_type",
  "project_root_count",
  "ai_model",
  "ai_session",
  "ai_subscription_plan",
  "ai_input_tokens",
  "ai_output_tokens",
  "ai_prompt_length",
  "ai_line_changes",
  "human_line_changes",
  "created_at",
  "updated_at",
] as const satisfies readonly HeartbeatField[];

export const exportPageSql = (withCursor: boolean) =>
  `SELECT ${EXPORT_FIELDS.join(", ")} FROM heartbeats
   WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${withCursor ? "AND (time, id) > (?5, ?6)" : ""}
   ORDER BY time, id LIMIT ?4`;

type Row = Pick<StoredHeartbeat, (typeof EXPORT_FIELDS)[number]>;

/** One heartbeat as Hackatime's export writes it (time as ISO 8601), plus the AI fields. */
export function exportHeartbeatJson(r: Row) {
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
  const range = { start: exp.start_time, end: exp.end_time };
  const [stats, ident] = await Promise.all([
    d1
      .prepare("SELECT count(*) AS n, min(time) AS first, max(time) AS last FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3")
      .bind(user.id, range.start, range.end)
      .first<{ n: number; first: number | null; last: number | null }>(),
    d1.prepare("SELECT slack_uid FROM users WHERE id = ?1").bind(user.id).first<{ slack_uid: string | null }>(),
  ]);
  let startDate: string;
  let endDate: string;
  if (exp.all_data) {
    startDate = stats?.first != null ? utcDate(stats.first) : utcDate(nowSeconds);
    endDate = stats?.last != null ? utcDate(stats.last) : utcDate(nowSeconds);
  } else {
    startDate = utcDate(range.start);
    endDate = utcDate(range.end - 1);
  }
  const total = stats?.n ?? 0;
  const seconds = total > 1 ? (await durations(env, user, { start: stats!.first!, end: stats!.last! + 1e-6 })).total : 0;
  const info = {
    exported_at: new Date(Math.floor(nowSeconds) * 1000).toISOString().replace(".000Z", "Z"),
    date_range: { start_date: startDate, end_date: endDate },
    total_heartbeats: total,
    total_duration_seconds: seconds,
  };
  const who = ident?.slack_uid || `user_${user.id}`;
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
      const from = after ? Math.max(range.start, after.time) : range.start;
      const params: unknown[] = [user.id, from, range.end, pageSize];
      if (after) params.push(after.time, after.id);
      const { results } = await d1.prepare(exportPageSql(after !== null)).bind(...params).all<Row>();
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
