// Activity spans (hackatime-behavior.md §11, Hackatime `Heartbeatable.to_span`), computed in
// one SQL statement over the user's heartbeats in the window (db/heartbeat-reads.ts SPANS_SQL):
// order by (time, id), LEAD to the next heartbeat; a span closes at a heartbeat whose next gap
// is > 120 s, or at the last one.
// A closed span with rows after it is padded by the timeout (its gap is > 120 s, so exactly
// 120); the final span is not. Spans of duration 0 are left out.
import { spanRows } from "../../db/heartbeat-reads";
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

export async function heartbeatSpans(d1: D1Database, userId: number, window: TimeWindow, projects?: string[]): Promise<Span[]> {
  const w = clampToValidTimes(window);
  if (!w || (projects && projects.length === 0)) return [];
  const rows = await spanRows(d1, userId, w, HEARTBEAT_TIMEOUT_SECONDS, projects);
  const spans: Span[] = [];
  for (const r of rows) {
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
