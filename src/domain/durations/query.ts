// The one way to ask "how much time, over this range, broken down by these dimensions, with
// these filters". Answered from the user's UserActivity projection when a chain answers it
// (no filter; one value of a project, category, OS or machine), else by the reference query
// bounded by the range.
import { shardFor } from "../../db/shards";
import { safeTimeZone } from "../../lib/time";
import { userActivity } from "../../durable/stub";
import type { ChainSelector, RangeTotal } from "../../durable/range-totals";
import { ALL_KEY, LEADERBOARD, NON_BROWSING, PROJECT_CODING, TIMEOUT_MICROS, decodeKey, decodePair, encodeKey, isReferenceDimension, microsToSeconds, pairPrefix, PROJECT_LANGUAGE, type BreakdownDimension, type GroupDimension } from "./dimensions";
import { referenceDurations, type HeartbeatFilter } from "./reference";

export interface DurationRequest {
  start: number; // epoch seconds, inclusive
  end: number; // epoch seconds, exclusive
  /** Branches and files (entity) are answered by the reference query only. */
  breakdowns?: BreakdownDimension[];
  filter?: HeartbeatFilter;
}

export interface DurationResult {
  /** Whole seconds over every selected heartbeat, chained together. */
  total: number;
  /** Per dimension: seconds per value, each value chained separately (NULL kept apart from ""). */
  groups: Partial<Record<BreakdownDimension, Map<string | null, number>>>;
  /** "projection" or "reference": which path answered (for tests and benchmarks). */
  source: "projection" | "reference";
}

export interface DurationSubject {
  id: number;
  timezone: string;
  /** The shard database holding the user's heartbeats (users.shard). */
  shard: number;
}

/** The subject of duration queries for a user row (time zone checked, shard from users.shard). */
export const subjectOf = (u: { id: number; timezone: string | null; shard: number }): DurationSubject => ({ id: u.id, timezone: safeTimeZone(u.timezone), shard: u.shard });

const onlyOne = (xs: string[] | undefined) => (xs && xs.length === 1 ? xs[0] : undefined);

/**
 * The filter lists a chain can answer, with the dimension each matches: these compare values
 * exactly, as chains are keyed. Languages and editors compare in any case (db/durations.ts
 * HeartbeatFilter), which no one value's chain answers.
 */
const CHAINED_FILTERS = { projects: "project", categories: "category", operatingSystems: "operating_system", machines: "machine" } as const;
type ChainedFilter = keyof typeof CHAINED_FILTERS;

/**
 * The one dimension a filter narrows to a single value, when that is all it does (a chain of
 * that value answers it); else null. `{}` and `{projects: ["a", "b"]}` are not single.
 */
function singleValueFilter(f: HeartbeatFilter): { dim: GroupDimension; value: string } | null {
  if (f.excludeCategories || f.languages || f.editors) return null;
  const lists = (Object.keys(CHAINED_FILTERS) as ChainedFilter[]).filter((key) => f[key] !== undefined);
  if (lists.length !== 1) return null;
  const values = f[lists[0]]!;
  return values.length === 1 ? { dim: CHAINED_FILTERS[lists[0]], value: values[0] } : null;
}

const hasAnyFilter = (f: HeartbeatFilter) => Object.values(f).some((list) => list !== undefined);

export async function durations(env: Env, user: DurationSubject, req: DurationRequest): Promise<DurationResult> {
  const breakdowns = req.breakdowns ?? [];
  const f = req.filter ?? {};
  const single = singleValueFilter(f);
  const noFilter = !hasAnyFilter(f) && !breakdowns.some(isReferenceDimension);
  // One value of one dimension: that value's chain answers the total and a breakdown by the
  // same dimension; a project's languages also have their own chains (PROJECT_LANGUAGE).
  const singleOnly = single !== null && breakdowns.every((d) => d === single.dim || (single.dim === "project" && d === "language"));

  if (!(noFilter || singleOnly) || !(req.end > req.start)) {
    if (!(req.end > req.start)) return { total: 0, groups: Object.fromEntries(breakdowns.map((d) => [d, new Map()])), source: "reference" };
    return referencePath(env, user, req);
  }

  const stub = userActivity(env, user.id);
  const selectors: ChainSelector[] = [];
  if (noFilter) selectors.push({ dim: "all" }, ...(breakdowns as GroupDimension[]).map((dim) => ({ dim })));
  if (single && singleOnly) {
    selectors.push({ dim: single.dim, key: encodeKey(single.value) });
    if (single.dim === "project" && breakdowns.includes("language")) selectors.push({ dim: PROJECT_LANGUAGE, keyPrefix: pairPrefix(single.value) });
  }
  const rows: RangeTotal[] = await stub.rangeTotals(user.id, user.timezone, req.start, req.end, selectors);

  const groups: DurationResult["groups"] = {};
  for (const d of breakdowns) groups[d] = new Map();
  let totalMicros = 0;
  for (const r of rows) {
    if (r.dim === "all" && r.key === ALL_KEY) totalMicros = r.micros;
    else if (r.dim === PROJECT_LANGUAGE) groups.language!.set(decodePair(r.key)[1], microsToSeconds(r.micros));
    else if (r.dim !== "all" && r.dim !== NON_BROWSING && r.dim !== LEADERBOARD && r.dim !== PROJECT_CODING) {
      groups[r.dim as GroupDimension]?.set(decodeKey(r.key), microsToSeconds(r.micros));
      if (single && r.dim === single.dim) totalMicros = r.micros;
    }
  }
  return { total: microsToSeconds(totalMicros), groups, source: "projection" };
}

async function referencePath(env: Env, user: DurationSubject, req: DurationRequest): Promise<DurationResult> {
  const range = { start: req.start, end: req.end };
  const total = (await referenceDurations(shardFor(env, user).db, user.id, range, undefined, req.filter)).get(null) ?? 0;
  const groups: DurationResult["groups"] = {};
  for (const d of req.breakdowns ?? []) groups[d] = await referenceDurations(shardFor(env, user).db, user.id, range, d, req.filter);
  return { total, groups, source: "reference" };
}

/**
 * Hackatime's unique_total_seconds for ONE project: gaps in (0, 120 s] between consecutive
 * "coding" heartbeats of the project; longer gaps are dropped rather than capped. From the
 * project's coding chain: Σ capped gaps − 120 s × (gaps over the cap).
 */
export async function uniqueCodingSeconds(env: Env, user: DurationSubject, range: { start: number; end: number }, project: string): Promise<number> {
  if (!(range.end > range.start)) return 0;
  const rows = await userActivity(env, user.id).rangeTotals(user.id, user.timezone, range.start, range.end, [{ dim: PROJECT_CODING, key: encodeKey(project) }]);
  const row = rows[0];
  return row ? microsToSeconds(row.micros - row.over * TIMEOUT_MICROS) : 0;
}
