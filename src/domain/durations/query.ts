// The one way to ask "how much time, over this range, broken down by these dimensions, with
// these filters". Answered from the user's UserActivity projection when a chain answers it
// (no filter; one project; one category), else by the reference query bounded by the range.
import { userActivity } from "../../durable/stub";
import type { ChainSelector, RangeTotal } from "../../durable/range-totals";
import { ALL_KEY, LEADERBOARD, NON_BROWSING, PROJECT_CODING, TIMEOUT_MICROS, decodeKey, decodePair, encodeKey, microsToSeconds, pairPrefix, PROJECT_LANGUAGE, type GroupDimension } from "./dimensions";
import { referenceDurations, type HeartbeatFilter } from "./reference";

export interface DurationRequest {
  start: number; // epoch seconds, inclusive
  end: number; // epoch seconds, exclusive
  breakdowns?: GroupDimension[];
  filter?: HeartbeatFilter;
}

export interface DurationResult {
  /** Whole seconds over every selected heartbeat, chained together. */
  total: number;
  /** Per dimension: seconds per value, each value chained separately (NULL kept apart from ""). */
  groups: Partial<Record<GroupDimension, Map<string | null, number>>>;
  /** "projection" or "reference": which path answered (for tests and benchmarks). */
  source: "projection" | "reference";
}

export interface DurationSubject {
  id: number;
  timezone: string;
}

const onlyOne = (xs: string[] | undefined) => (xs && xs.length === 1 ? xs[0] : undefined);

export async function durations(env: Env, user: DurationSubject, req: DurationRequest): Promise<DurationResult> {
  const breakdowns = req.breakdowns ?? [];
  const f = req.filter ?? {};
  const project = onlyOne(f.projects);
  const category = onlyOne(f.categories);
  // Language and editor filters (goals) have no chain of their own: the reference query answers.
  const unchained = f.languages !== undefined || f.editors !== undefined;
  const noFilter = !f.projects && !f.categories && !f.excludeCategories && !unchained;
  const projectOnly = project !== undefined && !f.categories && !f.excludeCategories && !unchained && breakdowns.every((d) => d === "project" || d === "language");
  const categoryOnly = category !== undefined && !f.projects && !f.excludeCategories && !unchained && breakdowns.every((d) => d === "category");

  if (!(noFilter || projectOnly || categoryOnly) || !(req.end > req.start)) {
    if (!(req.end > req.start)) return { total: 0, groups: Object.fromEntries(breakdowns.map((d) => [d, new Map()])), source: "reference" };
    return referencePath(env, user, req);
  }

  const stub = userActivity(env, user.id);
  const selectors: ChainSelector[] = [];
  if (noFilter) selectors.push({ dim: "all" }, ...breakdowns.map((dim) => ({ dim })));
  if (projectOnly) {
    selectors.push({ dim: "project", key: encodeKey(project) });
    if (breakdowns.includes("language")) selectors.push({ dim: PROJECT_LANGUAGE, keyPrefix: pairPrefix(project) });
  }
  if (categoryOnly) selectors.push({ dim: "category", key: encodeKey(category) });
  const rows: RangeTotal[] = await stub.rangeTotals(user.id, user.timezone, req.start, req.end, selectors);

  const groups: DurationResult["groups"] = {};
  for (const d of breakdowns) groups[d] = new Map();
  let totalMicros = 0;
  for (const r of rows) {
    if (r.dim === "all" && r.key === ALL_KEY) totalMicros = r.micros;
    else if (r.dim === PROJECT_LANGUAGE) groups.language!.set(decodePair(r.key)[1], microsToSeconds(r.micros));
    else if (r.dim !== "all" && r.dim !== NON_BROWSING && r.dim !== LEADERBOARD && r.dim !== PROJECT_CODING) {
      groups[r.dim]?.set(decodeKey(r.key), microsToSeconds(r.micros));
      if ((projectOnly && r.dim === "project") || (categoryOnly && r.dim === "category")) totalMicros = r.micros;
    }
  }
  return { total: microsToSeconds(totalMicros), groups, source: "projection" };
}

async function referencePath(env: Env, user: DurationSubject, req: DurationRequest): Promise<DurationResult> {
  const range = { start: req.start, end: req.end };
  const total = (await referenceDurations(env.DB, user.id, range, undefined, req.filter)).get(null) ?? 0;
  const groups: DurationResult["groups"] = {};
  for (const d of req.breakdowns ?? []) groups[d] = await referenceDurations(env.DB, user.id, range, d, req.filter);
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
