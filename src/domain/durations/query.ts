// The one way to ask "how much time, over this range, broken down by these dimensions, with
// these filters". Answered from the user's UserActivity projection: by chains where one answers
// (no filter; one value of a project, category, OS or machine; no_ai_coding's and
// boundary_aware's category exclusions), else by its filtered day cache (any other filter).
// Only branch and file breakdowns go to the reference query, bounded by the range.
// docs/durations.md says how each filter stays exact.
import { shardFor } from "../../db/shards";
import { safeTimeZone } from "../../lib/time";
import { userActivity } from "../../durable/stub";
import type { ChainSelector, RangeTotal } from "../../durable/range-totals";
import { boundaryRowsMicros } from "../../db/durations";
import {
  ALL_KEY,
  BOUNDARY,
  BOUNDARY_EXCLUDED,
  NON_AI,
  NON_AI_EXCLUDED,
  PROJECT_CODING,
  PROJECT_LANGUAGE,
  TIMEOUT_MICROS,
  cappedGap,
  decodeKey,
  decodePair,
  encodeKey,
  isReferenceDimension,
  microsToSeconds,
  pairPrefix,
  type BreakdownDimension,
  type Dimension,
  type DimensionValues,
  type GroupDimension,
} from "./dimensions";
import { canonicalFilter, filterMatcher } from "./filter-match";
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
  source: "projection" | "filter_days" | "reference";
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

/** Per key: capped-gap µs and how many gaps were over the cap. */
type Micros = { micros: number; over: number };
interface FastTotals {
  total: Micros;
  /** µs per value of each breakdown. */
  groups: Partial<Record<GroupDimension, Map<string | null, number>>>;
  source: "projection" | "filter_days";
}

/**
 * The filter's own chain when it is exactly one of the fixed exclusions (dimensions.ts NON_AI,
 * BOUNDARY), else null.
 */
function fixedChain(f: HeartbeatFilter): typeof NON_AI | typeof BOUNDARY | null {
  const c = canonicalFilter(f);
  if (Object.keys(c).length !== 1 || !c.excludeCategories) return null;
  const same = (xs: readonly string[]) => JSON.stringify([...xs].sort()) === JSON.stringify(c.excludeCategories);
  return same(NON_AI_EXCLUDED) ? NON_AI : same(BOUNDARY_EXCLUDED) ? BOUNDARY : null;
}

/**
 * Totals from the user's UserActivity: chains where they answer (no filter; one value of a
 * project, category, OS or machine; a fixed exclusion), else its filtered day cache. Null for
 * breakdowns only the reference query answers (branches, files).
 */
async function fastTotals(env: Env, user: DurationSubject, req: DurationRequest): Promise<FastTotals | null> {
  const breakdowns = req.breakdowns ?? [];
  if (breakdowns.some(isReferenceDimension)) return null;
  const dims = breakdowns as GroupDimension[];
  const f = req.filter ?? {};
  const single = singleValueFilter(f);
  const fixed = fixedChain(f);
  const noFilter = !hasAnyFilter(f);
  // One value of one dimension: that value's chain answers the total and a breakdown by the
  // same dimension; a project's languages also have their own chains (PROJECT_LANGUAGE).
  const singleOnly = single !== null && dims.every((d) => d === single.dim || (single.dim === "project" && d === "language"));
  // A fixed exclusion of categories: its chain, and the categories it keeps (each whole or not at all).
  const fixedOnly = fixed !== null && dims.every((d) => d === "category");
  const stub = userActivity(env, user.id);
  const groups: FastTotals["groups"] = {};
  for (const d of dims) groups[d] = new Map();

  if (!(noFilter || singleOnly || fixedOnly)) {
    let total: Micros = { micros: 0, over: 0 };
    for (const r of await stub.filteredTotals(user.id, user.timezone, req.start, req.end, f, dims)) {
      if (r.dim === "all") total = r;
      else groups[r.dim]!.set(decodeKey(r.key), r.micros);
    }
    return { total, groups, source: "filter_days" };
  }

  const selectors: ChainSelector[] = [];
  let totalDim: Dimension = "all";
  let totalKey = ALL_KEY;
  if (noFilter) selectors.push({ dim: "all" }, ...dims.map((dim) => ({ dim })));
  else if (fixed && fixedOnly) {
    selectors.push({ dim: fixed }, ...dims.map((dim) => ({ dim })));
    totalDim = fixed;
  } else if (single) {
    selectors.push({ dim: single.dim, key: encodeKey(single.value) });
    if (single.dim === "project" && dims.includes("language")) selectors.push({ dim: PROJECT_LANGUAGE, keyPrefix: pairPrefix(single.value) });
    totalDim = single.dim;
    totalKey = encodeKey(single.value);
  }
  const keep = fixed && fixedOnly ? filterMatcher(f) : () => true;
  const rows: RangeTotal[] = await stub.rangeTotals(user.id, user.timezone, req.start, req.end, selectors);
  let total: Micros = { micros: 0, over: 0 };
  for (const r of rows) {
    if (r.dim === totalDim && r.key === totalKey) total = r;
    if (r.dim === PROJECT_LANGUAGE) groups.language!.set(decodePair(r.key)[1], r.micros);
    else if (groups[r.dim as GroupDimension]) {
      const value = decodeKey(r.key);
      if (keep({ category: value } as DimensionValues)) groups[r.dim as GroupDimension]!.set(value, r.micros);
    }
  }
  return { total, groups, source: "projection" };
}

const emptyResult = (breakdowns: BreakdownDimension[]): DurationResult => ({ total: 0, groups: Object.fromEntries(breakdowns.map((d) => [d, new Map()])), source: "reference" });

export async function durations(env: Env, user: DurationSubject, req: DurationRequest): Promise<DurationResult> {
  if (!(req.end > req.start)) return emptyResult(req.breakdowns ?? []);
  const fast = await fastTotals(env, user, req);
  if (!fast) return referencePath(env, user, req);
  const groups: DurationResult["groups"] = {};
  for (const [d, m] of Object.entries(fast.groups)) groups[d as GroupDimension] = new Map([...m].map(([k, micros]) => [k, microsToSeconds(micros)]));
  return { total: microsToSeconds(fast.total.micros), groups, source: fast.source };
}

/**
 * Hackatime's boundary-aware total (hackatime-behavior.md §4.1): the range's total under the
 * filter, plus the first matching row's capped gap to the latest matching row before the range
 * (two indexed probes of D1: db/durations.ts boundaryRowsMicros).
 */
export async function boundaryAwareSeconds(env: Env, user: DurationSubject, range: { start: number; end: number }, filter: HeartbeatFilter): Promise<number> {
  if (!(range.end > range.start)) return 0;
  const [fast, edge] = await Promise.all([fastTotals(env, user, { ...range, filter }), boundaryRowsMicros(shardFor(env, user).db, user.id, range, filter)]);
  const anchorGap = edge.before !== null && edge.first !== null ? cappedGap(edge.first, edge.before) : 0;
  return microsToSeconds(fast!.total.micros + anchorGap);
}

async function referencePath(env: Env, user: DurationSubject, req: DurationRequest): Promise<DurationResult> {
  const range = { start: req.start, end: req.end };
  const total = (await referenceDurations(shardFor(env, user).db, user.id, range, undefined, req.filter)).get(null) ?? 0;
  const groups: DurationResult["groups"] = {};
  for (const d of req.breakdowns ?? []) groups[d] = await referenceDurations(shardFor(env, user).db, user.id, range, d, req.filter);
  return { total, groups, source: "reference" };
}

/**
 * Hackatime's unique_total_seconds: gaps in (0, 120 s] between consecutive "coding" heartbeats
 * of the projects; longer gaps are dropped rather than capped: Σ capped gaps − 120 s × (gaps over
 * the cap). One project has its coding chain; several chain together, from the filtered day cache.
 */
export async function uniqueCodingSeconds(env: Env, user: DurationSubject, range: { start: number; end: number }, projects: string | string[]): Promise<number> {
  if (!(range.end > range.start)) return 0;
  const list = typeof projects === "string" ? [projects] : projects;
  if (list.length !== 1) {
    const fast = await fastTotals(env, user, { ...range, filter: { projects: list, categories: ["coding"] } });
    return microsToSeconds(fast!.total.micros - fast!.total.over * TIMEOUT_MICROS);
  }
  const project = list[0];
  const rows = await userActivity(env, user.id).rangeTotals(user.id, user.timezone, range.start, range.end, [{ dim: PROJECT_CODING, key: encodeKey(project) }]);
  const row = rows[0];
  return row ? microsToSeconds(row.micros - row.over * TIMEOUT_MICROS) : 0;
}
