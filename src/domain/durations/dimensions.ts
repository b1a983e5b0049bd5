// The capped-gap rule and the dimensions durations are chained by (hackatime-behavior.md §4.1).
// Every fast path (UserActivity) and every reference query uses these.

/** Each heartbeat contributes min(gap to the previous one, 120 s); the first contributes 0. */
export const HEARTBEAT_TIMEOUT_SECONDS = 120;
export const MICROS = 1_000_000;
export const TIMEOUT_MICROS = HEARTBEAT_TIMEOUT_SECONDS * MICROS;

/** Heartbeat times are handled as integer microseconds so sums are exact (2e9 s · 1e6 < 2^53). */
export const toMicros = (seconds: number) => Math.round(seconds * MICROS);

/** A total in microseconds as whole seconds, as Hackatime's integer cast reports it. */
export const microsToSeconds = (micros: number) => Math.round(micros / MICROS);

export const cappedGap = (laterMicros: number, earlierMicros: number) => Math.min(laterMicros - earlierMicros, TIMEOUT_MICROS);
/** The real gap was longer than the cap (Hackatime's unique_total_seconds drops such gaps). */
export const isOverCap = (laterMicros: number, earlierMicros: number) => laterMicros - earlierMicros > TIMEOUT_MICROS;

/**
 * Chains: "all" is the ungrouped chain; every other dimension chains each of its values
 * separately (LAG … PARTITION BY column).
 */
export const GROUP_DIMENSIONS = ["category", "project", "language", "editor", "operating_system", "machine"] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];
/**
 * Breakdowns only the reference query answers (no chains: a user has many branches and far
 * more files than any other dimension has values).
 */
export const REFERENCE_DIMENSIONS = ["branch", "entity"] as const;
export type BreakdownDimension = GroupDimension | (typeof REFERENCE_DIMENSIONS)[number];
export const isReferenceDimension = (d: BreakdownDimension): d is (typeof REFERENCE_DIMENSIONS)[number] => (REFERENCE_DIMENSIONS as readonly string[]).includes(d);

/** Chains of one project's languages, so "languages within project p" needs no scan. */
export const PROJECT_LANGUAGE = "project_language";
/** The chain of heartbeats that count for streaks: category set and not "browsing" (SQL !=). */
export const NON_BROWSING = "non_browsing";
/**
 * The chain leaderboards rank by (hackatime-behavior.md §7): category exactly "coding", not a
 * browser editor, project not the <<LAST_PROJECT>> placeholder.
 */
export const LEADERBOARD = "leaderboard";
/** Each project's "coding" heartbeats alone (unique_total_seconds of a one-project filter). */
export const PROJECT_CODING = "project_coding";
/**
 * Fixed filters with a chain of their own (docs/durations.md). Both are the stats API's category
 * exclusions, matched as the reference SQL does (LOWER(category) NOT IN …: ASCII case folded,
 * NULL categories dropped): NON_AI is `no_ai_coding=true`, BOUNDARY the categories
 * `boundary_aware=true` leaves out.
 */
export const NON_AI = "non_ai";
export const BOUNDARY = "boundary";
export const NON_AI_EXCLUDED = ["ai coding"] as const;
export const BOUNDARY_EXCLUDED = ["browsing", "communicating", "meeting"] as const;
/** SQLite's LOWER(): ASCII letters only. */
export const sqlLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const categoryOutside = (category: string | null, excluded: readonly string[]) => category !== null && !excluded.includes(sqlLower(category));
export const BROWSER_EDITORS = new Set(["arc", "brave", "chrome", "chromium", "edge", "firefox", "floorp", "librewolf", "microsoft-edge", "opera", "opera-gx", "safari", "vivaldi", "waterfox", "zen"]);
export const isLeaderboardEligible = (v: DimensionValues) =>
  v.category === "coding" && (v.editor === null || !BROWSER_EDITORS.has(v.editor.toLowerCase())) && v.project !== "<<LAST_PROJECT>>";

export type Dimension = "all" | GroupDimension | typeof PROJECT_LANGUAGE | typeof NON_BROWSING | typeof LEADERBOARD | typeof PROJECT_CODING | typeof NON_AI | typeof BOUNDARY;

export type DimensionValues = Record<GroupDimension, string | null>;

/** The chain key of a value: JSON keeps NULL and "" apart, as SQL grouping does. */
export const encodeKey = (value: string | null) => JSON.stringify(value);
export const decodeKey = (key: string): string | null => JSON.parse(key) as string | null;
export const ALL_KEY = encodeKey(null);
export const encodePair = (a: string | null, b: string | null) => JSON.stringify([a, b]);
export const decodePair = (key: string) => JSON.parse(key) as [string | null, string | null];
/** Every project_language key of project p starts with this. */
export const pairPrefix = (a: string | null) => JSON.stringify([a]).slice(0, -1) + ",";

export function chainKeys(values: DimensionValues): Array<[Dimension, string]> {
  const keys: Array<[Dimension, string]> = [["all", ALL_KEY]];
  for (const dim of GROUP_DIMENSIONS) keys.push([dim, encodeKey(values[dim])]);
  keys.push([PROJECT_LANGUAGE, encodePair(values.project, values.language)]);
  if (values.category !== null && values.category !== "browsing") keys.push([NON_BROWSING, ALL_KEY]);
  if (isLeaderboardEligible(values)) keys.push([LEADERBOARD, ALL_KEY]);
  if (values.category === "coding") keys.push([PROJECT_CODING, encodeKey(values.project)]);
  if (categoryOutside(values.category, NON_AI_EXCLUDED)) keys.push([NON_AI, ALL_KEY]);
  if (categoryOutside(values.category, BOUNDARY_EXCLUDED)) keys.push([BOUNDARY, ALL_KEY]);
  return keys;
}
