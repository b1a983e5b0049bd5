// Activity spans (hackatime-behavior.md §11, Hackatime `Heartbeatable.to_span`), computed in
// one SQL statement over the user's heartbeats in the window: order by (time, id), LEAD to the
// next heartbeat; a span closes at a heartbeat whose next gap is > 120 s, or at the last one.
// A closed span with rows after it is padded by the timeout (its gap is > 120 s, so exactly
// 120); the final span is not. Spans of duration 0 are left out.
import { HEARTBEAT_TIMEOUT_SECONDS } from "../durations/dimensions";
import { isBlank } from "../../lib/text";
import { clampToValidTimes, type TimeWindow } from "./windows";

export interface Span {
  /** Hackatime's fields. */
  start_time: number;
  end_time: number;
  duration: number;
  /** The spec's fields: the same instants. */
  start: number;
  end: number;
  /** Present when every heartbeat of the span has this same (non-empty) project. */
  project?: string;
}

/**
 * The project filter of the spans route: `project` (one exact name) wins over
 * `filter_by_project` (a comma list, split as Ruby's String#split(",") does). Undefined: no filter.
 */
export function spanProjectFilter(project: string | undefined, filterByProject: string | undefined): string[] | undefined {
  if (!isBlank(project)) return [project];
  if (isBlank(filterByProject)) return undefined;
  const names = filterByProject.split(",");
  while (names.length && names[names.length - 1] === "") names.pop(); // Ruby drops trailing empties
  return names;
}

type Row = { first_time: number; last_time: number; padded: number; project: string | null };

/**
 * One index-ordered pass (LAG/LEAD over (time, id)) marks span starts, span ends and project
 * changes inside a span; one running pass carries each span's start and its last project change
 * to the span's closing row; only closing rows come back. A change inside the span has a time
 * ≥ the span's start, a change in an earlier span a time < it (spans are > 120 s apart).
 */
export const SPANS_SQL = (withProjects: boolean) => `
  WITH hb AS (
    SELECT id, time, project,
      LAG(time) OVER w AS prev_time, LEAD(time) OVER w AS next_time, LAG(project) OVER w AS prev_project
    FROM heartbeats
    WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time <= ?3
      ${withProjects ? "AND project IN (SELECT value FROM json_each(?5))" : ""}
    WINDOW w AS (ORDER BY time, id)
  ),
  runs AS (
    SELECT id, time, project, next_time,
      next_time IS NULL OR next_time - time > ?4 AS closes,
      MAX(CASE WHEN prev_time IS NULL OR time - prev_time > ?4 THEN time END) OVER w AS span_start,
      MAX(CASE WHEN prev_time IS NOT NULL AND time - prev_time <= ?4 AND project IS NOT prev_project THEN time END) OVER w AS last_change
    FROM hb
    WINDOW w AS (ORDER BY time, id)
  )
  SELECT span_start AS first_time, time AS last_time, next_time IS NOT NULL AS padded,
    CASE WHEN last_change IS NULL OR last_change < span_start THEN project END AS project
  FROM runs WHERE closes ORDER BY time, id`;

export async function heartbeatSpans(d1: D1Database, userId: number, window: TimeWindow, projects?: string[]): Promise<Span[]> {
  const w = clampToValidTimes(window);
  if (!w || (projects && projects.length === 0)) return [];
  const params: unknown[] = [userId, w.start, w.end, HEARTBEAT_TIMEOUT_SECONDS];
  if (projects) params.push(JSON.stringify(projects));
  const { results } = await d1
    .prepare(SPANS_SQL(projects !== undefined))
    .bind(...params)
    .all<Row>();
  const spans: Span[] = [];
  for (const r of results) {
    const padding = r.padded ? HEARTBEAT_TIMEOUT_SECONDS : 0;
    const duration = Math.round(r.last_time - r.first_time) + padding;
    if (duration <= 0) continue;
    const endTime = r.last_time + padding;
    const span: Span = { start_time: r.first_time, end_time: endTime, duration, start: r.first_time, end: endTime };
    if (r.project) span.project = r.project;
    spans.push(span);
  }
  return spans;
}
