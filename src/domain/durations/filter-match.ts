// A HeartbeatFilter as a predicate on one heartbeat's values, matching exactly what the reference
// SQL (db/durations.ts filterClause) selects: lists compare with SQL IN (NULL never matches, an
// empty list matches nothing), excluded categories with NOT IN (NULL dropped, an empty list keeps
// everything, NULL too), and the case-insensitive lists compare SQLite's LOWER(column) (ASCII
// letters folded) with the values lower-cased as filterClause binds them (JavaScript's
// toLowerCase). UserActivity's filtered day cache selects rows with this.
import type { HeartbeatFilter } from "../../db/durations";
import { sqlLower, type DimensionValues } from "./dimensions";

type Test = (v: DimensionValues) => boolean;

export function filterMatcher(f: HeartbeatFilter): Test {
  const tests: Test[] = [];
  const list = (get: (v: DimensionValues) => string | null, values: string[] | undefined, fold = false) => {
    if (values === undefined) return;
    const set = new Set(fold ? values.map((x) => x.toLowerCase()) : values);
    tests.push((v) => {
      const x = get(v);
      return x !== null && set.has(fold ? sqlLower(x) : x);
    });
  };
  list((v) => v.project, f.projects);
  list((v) => v.category, f.categories);
  if (f.excludeCategories !== undefined && f.excludeCategories.length > 0) {
    const out = new Set(f.excludeCategories.map((x) => x.toLowerCase()));
    tests.push((v) => v.category !== null && !out.has(sqlLower(v.category)));
  }
  list((v) => v.language, f.languages, true);
  list((v) => v.editor, f.editors, true);
  list((v) => v.operating_system, f.operatingSystems);
  list((v) => v.machine, f.machines);
  return (v) => tests.every((t) => t(v));
}

/**
 * A filter's canonical form: each list sorted and deduplicated (the case-insensitive ones
 * lower-cased), absent lists left out. Two filters that select the same rows by the rules above
 * have the same form, so it names the filter in caches.
 */
export function canonicalFilter(f: HeartbeatFilter): HeartbeatFilter {
  const out: HeartbeatFilter = {};
  const sorted = (xs: string[]) => [...new Set(xs)].sort();
  if (f.projects) out.projects = sorted(f.projects);
  if (f.categories) out.categories = sorted(f.categories);
  if (f.excludeCategories) out.excludeCategories = sorted(f.excludeCategories.map((x) => x.toLowerCase()));
  if (f.languages) out.languages = sorted(f.languages.map((x) => x.toLowerCase()));
  if (f.editors) out.editors = sorted(f.editors.map((x) => x.toLowerCase()));
  if (f.operatingSystems) out.operatingSystems = sorted(f.operatingSystems);
  if (f.machines) out.machines = sorted(f.machines);
  return out;
}
