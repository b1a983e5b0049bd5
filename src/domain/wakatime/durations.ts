// GET …/users/{id}/durations?date=&project=&branches=&slice_by=&timezone=: one local day's
// activity as merged blocks. Tally's numbers, not WakaTime's keystroke-timeout ones: every value
// of the slice (each project, each language, …) is its own chain, restarted at the day's
// start, and each heartbeat adds min(gap to the previous one of that value, 120 s), as the
// breakdowns of stats and the status bar count it. A block is a run of one value's heartbeats
// with gaps of at most 120 s; a longer gap ends the block and its capped 120 s pads the block's
// end (Hackatime's spans pad the same way). So one value's block durations add up to exactly
// that value's total for the day, and blocks of different values may overlap in time.
import { heartbeatSlices, type SliceRow } from "../../db/heartbeats";
import { parseDay } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { isKnownTimeZone, isoSeconds, startOfLocalDayNumber } from "../../lib/time";
import { MICROS, TIMEOUT_MICROS, encodeKey, toMicros } from "../durations/dimensions";
import type { StatsTarget } from "../users/lookup";
import { queryable } from "./days";

/** slice_by values and the heartbeat column each reads. */
const SLICES = {
  project: (r: SliceRow) => [r.project],
  entity: (r: SliceRow) => [r.entity],
  language: (r: SliceRow) => [r.language],
  dependencies: (r: SliceRow) => dependencyList(r.dependencies),
  os: (r: SliceRow) => [r.operating_system],
  editor: (r: SliceRow) => [r.editor],
  category: (r: SliceRow) => [r.category],
  machine: (r: SliceRow) => [r.machine],
} as const satisfies Record<string, (r: SliceRow) => Array<string | null>>;
export type Slice = keyof typeof SLICES;
export const SLICE_NAMES = Object.keys(SLICES) as Slice[];

function dependencyList(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? [...new Set(list.filter((d): d is string => typeof d === "string" && d !== ""))] : [];
  } catch {
    return [];
  }
}

export interface DurationBlock {
  value: string | null;
  /** First heartbeat, microseconds. */
  start: number;
  micros: number;
}

/** The blocks of every value's chain over rows in (time, id) order, by start time. */
export function mergeBlocks(rows: SliceRow[], valuesOf: (r: SliceRow) => Array<string | null>): DurationBlock[] {
  const open = new Map<string, { block: DurationBlock; last: number }>();
  const blocks: DurationBlock[] = [];
  for (const row of rows) {
    const t = toMicros(row.time);
    for (const value of new Set(valuesOf(row))) {
      const key = encodeKey(value);
      const chain = open.get(key);
      if (chain && t - chain.last <= TIMEOUT_MICROS) {
        chain.block.micros += t - chain.last;
        chain.last = t;
        continue;
      }
      if (chain) chain.block.micros += TIMEOUT_MICROS; // the capped gap pads the block it ends
      const block = { value, start: t, micros: 0 };
      blocks.push(block);
      open.set(key, { block, last: t });
    }
  }
  return blocks.sort((a, b) => a.start - b.start);
}

export interface DurationsQuery {
  date?: string;
  project?: string;
  branches?: string;
  slice_by?: string;
  timezone?: string;
}

export async function dayDurations(env: Env, target: StatsTarget, q: DurationsQuery) {
  const day = parseDay(q.date);
  if (day === null) throw new AppError("bad_request", "date must be a valid date in YYYY-MM-DD format");
  const tz = isBlank(q.timezone) ? target.subject.timezone : q.timezone!;
  if (!isKnownTimeZone(tz)) throw new AppError("bad_request", "Invalid timezone");
  const slice = (isBlank(q.slice_by) ? "project" : q.slice_by!) as Slice;
  if (!Object.hasOwn(SLICES, slice)) throw new AppError("bad_request", `slice_by must be one of: ${SLICE_NAMES.join(", ")}`);
  const start = startOfLocalDayNumber(day, tz);
  const end = startOfLocalDayNumber(day + 1, tz);
  const window = queryable({ start, end });
  const rows = window.end > window.start ? await heartbeatSlices(env.DB, target.user.id, window, isBlank(q.project) ? undefined : q.project) : [];

  const branches = [...new Set(rows.map((r) => r.branch).filter((b): b is string => !isBlank(b)))].sort();
  const wanted = (q.branches ?? "").split(",").map((b) => b.trim()).filter((b) => b !== "");
  const kept = wanted.length ? rows.filter((r) => r.branch !== null && wanted.includes(r.branch)) : rows;
  return {
    data: mergeBlocks(kept, SLICES[slice]).map((b) => ({ [slice]: isBlank(b.value) ? "Unknown" : b.value!, time: b.start / MICROS, duration: b.micros / MICROS, color: null })),
    branches,
    start: isoSeconds(start),
    end: isoSeconds(end - 1),
    timezone: tz,
  };
}
