// Which heartbeats a duration query counts, as SQL: one `column IN (json_each(?n))` per list.
// Shared by the reference duration queries (domain/durations/reference.ts) and the per-day
// reference query (db/daily-durations.ts).

/** Which heartbeats count. Lists are matched exactly; excluded categories also drop NULL ones (SQL NOT IN). */
export interface HeartbeatFilter {
  projects?: string[];
  categories?: string[];
  languages?: string[];
  editors?: string[];
  operatingSystems?: string[];
  machines?: string[];
  excludeCategories?: string[];
}

/** The filter's lists and the heartbeat column (and duration dimension) each one matches. */
export const FILTER_COLUMNS = {
  projects: "project",
  categories: "category",
  languages: "language",
  editors: "editor",
  operatingSystems: "operating_system",
  machines: "machine",
} as const satisfies Partial<Record<keyof HeartbeatFilter, string>>;

/** SQL for a filter; its JSON parameters are numbered from `firstParam` (one per list). */
export function filterClause(filter: HeartbeatFilter, firstParam: number): { clause: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  const list = (column: string, values: string[] | undefined, negate = false) => {
    if (values === undefined) return;
    params.push(JSON.stringify(values));
    where.push(`AND ${column} ${negate ? "NOT IN" : "IN"} (SELECT value FROM json_each(?${firstParam + params.length - 1}))`);
  };
  for (const [key, column] of Object.entries(FILTER_COLUMNS)) list(column, filter[key as keyof typeof FILTER_COLUMNS]);
  list("LOWER(category)", filter.excludeCategories?.map((c) => c.toLowerCase()), true);
  return { clause: where.join(" "), params };
}
