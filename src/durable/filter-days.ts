// Durations under filters no chain answers (several projects, languages or editors in any case,
// combinations), without reading a user's history on every query: per (filter set, local day)
// results, computed once from the projection's own rows and kept until a heartbeat lands in
// that day (ProjectionWriter deletes the day's entries in the transaction that adds the row).
//
// A day's entry for one chain key (the filtered rows, or the filtered rows of one value of a
// breakdown dimension) depends on that day's rows only:
//   micros  Σ capped gaps between its consecutive rows within the day (the day's own total)
//   over_n  how many of those gaps were longer than the cap
//   first_t, last_t   its first and last row (µs)
// Segments in time order combine exactly: total = Σ micros + Σ capped(first_t − previous last_t)
// over consecutive non-empty segments — the capped-gap rule over the whole range, each row
// credited its gap to the previous matching row. A range is its two partial edge days (computed
// from the rows each time, a day at most) around a run of whole cached days.
//
//   filter_day(sig, day, dim, key, micros, over_n, first_t, last_t)   dim '' marks a computed day
//   filter_sig(sig, used)   the filter sets kept (the least recently used beyond MAX_SIGS go)
import type { HeartbeatFilter } from "../db/durations";
import { ALL_KEY, GROUP_DIMENSIONS, cappedGap, encodeKey, isOverCap, type DimensionValues, type GroupDimension } from "../domain/durations/dimensions";
import { canonicalFilter, filterMatcher } from "../domain/durations/filter-match";
import type { planRange } from "./range-totals";

type Plan = ReturnType<typeof planRange>;

export const FILTER_DAY_TABLES = `
  CREATE TABLE IF NOT EXISTS filter_day (
    sig TEXT NOT NULL, day TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL,
    micros INTEGER NOT NULL, over_n INTEGER NOT NULL, first_t INTEGER NOT NULL, last_t INTEGER NOT NULL,
    PRIMARY KEY (sig, day, dim, key)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS filter_day_day ON filter_day (day);
  CREATE TABLE IF NOT EXISTS filter_sig (sig TEXT PRIMARY KEY, used INTEGER NOT NULL);`;

/** How many filter sets keep their days (each costs a row per active day and breakdown value). */
const MAX_SIGS = 64;
const MARK = "";

export interface FilteredTotal {
  dim: "all" | GroupDimension;
  key: string;
  micros: number;
  over: number;
}

interface Segment {
  dim: "all" | GroupDimension;
  key: string;
  micros: number;
  over: number;
  first: number;
  last: number;
}

/** The rows of the "all" chain (every heartbeat once) with their values, in (t, id) order. */
const ROWS_SQL = "SELECT c.day AS day, c.t AS t, h.keys AS keys FROM chain c JOIN hb h ON h.id = c.id WHERE c.dim = 'all' AND c.key = ?1";

function valuesOf(keys: string): DimensionValues {
  const v = {} as DimensionValues;
  for (const [dim, key] of JSON.parse(keys) as Array<[string, string]>) {
    if ((GROUP_DIMENSIONS as readonly string[]).includes(dim)) v[dim as GroupDimension] = JSON.parse(key) as string | null;
  }
  return v;
}

/** Folds rows (in time order) into per-day segments of each chain key. */
function summarize(rows: Iterable<{ day: string; t: number; keys: string }>, filter: HeartbeatFilter, dims: GroupDimension[]): Map<string, Map<string, Segment>> {
  const match = filterMatcher(filter);
  const days = new Map<string, Map<string, Segment>>();
  for (const row of rows) {
    const v = valuesOf(row.keys);
    if (!match(v)) continue;
    let segs = days.get(row.day);
    if (!segs) days.set(row.day, (segs = new Map()));
    const add = (dim: Segment["dim"], key: string) => {
      const id = `${dim}\u0000${key}`;
      const s = segs.get(id);
      if (!s) segs.set(id, { dim, key, micros: 0, over: 0, first: row.t, last: row.t });
      else {
        s.micros += cappedGap(row.t, s.last);
        s.over += isOverCap(row.t, s.last) ? 1 : 0;
        s.last = row.t;
      }
    };
    add("all", ALL_KEY);
    for (const d of dims) add(d, encodeKey(v[d]));
  }
  return days;
}

export class FilterDays {
  private readonly sig: string;
  private readonly filter: HeartbeatFilter;
  private readonly dims: GroupDimension[];

  constructor(
    private readonly sql: SqlStorage,
    filter: HeartbeatFilter,
    dims: GroupDimension[],
  ) {
    this.filter = canonicalFilter(filter);
    this.dims = [...new Set(dims)].sort();
    this.sig = JSON.stringify([this.filter, this.dims]);
  }

  /** Totals per chain key over a planned range: "all" (every filtered row) and each breakdown value. */
  rangeTotals(plan: Plan): FilteredTotal[] {
    const acc = new Map<string, FilteredTotal & { last: number }>();
    const take = (s: Segment) => {
      const id = `${s.dim}\u0000${s.key}`;
      const a = acc.get(id);
      if (!a) acc.set(id, { dim: s.dim, key: s.key, micros: s.micros, over: s.over, last: s.last });
      else {
        a.micros += cappedGap(s.first, a.last) + s.micros;
        a.over += (isOverCap(s.first, a.last) ? 1 : 0) + s.over;
        a.last = s.last;
      }
    };
    const startEdge = plan.edges.find((e) => plan.fullFrom === null || e.day < plan.fullFrom);
    const endEdge = plan.edges.find((e) => e !== startEdge);
    const edge = (e: Plan["edges"][number]) => {
      const rows = this.sql.exec<{ day: string; t: number; keys: string }>(`${ROWS_SQL} AND c.day = ?2 AND c.t >= ?3 AND c.t < ?4 ORDER BY c.t, c.id`, ALL_KEY, e.day, e.from, e.to);
      for (const s of summarize(rows, this.filter, this.dims).get(e.day)?.values() ?? []) take(s);
    };
    if (startEdge) edge(startEdge);
    if (plan.fullFrom && plan.fullTo) for (const s of this.wholeDays(plan.fullFrom, plan.fullTo)) take(s);
    if (endEdge) edge(endEdge);
    return [...acc.values()].map(({ dim, key, micros, over }) => ({ dim, key, micros, over }));
  }

  /** Each whole local day's own totals per chain key (every chain restarted at midnight). */
  dailyTotals(fromDay: string, toDay: string): Array<{ day: string; dim: Segment["dim"]; key: string; micros: number }> {
    return this.wholeDays(fromDay, toDay).map((s) => ({ day: s.day, dim: s.dim, key: s.key, micros: s.micros }));
  }

  /** The cached segments of the active days in [fromDay, toDay], computing the missing ones first; by day. */
  private wholeDays(fromDay: string, toDay: string): Array<Segment & { day: string }> {
    this.touch();
    const missing = this.sql
      .exec<{ day: string }>(
        `SELECT day FROM rollup WHERE dim = 'all' AND key = ?1 AND day >= ?2 AND day <= ?3
         AND NOT EXISTS (SELECT 1 FROM filter_day f WHERE f.sig = ?4 AND f.day = rollup.day AND f.dim = '' AND f.key = '')`,
        ALL_KEY,
        fromDay,
        toDay,
        this.sig,
      )
      .toArray()
      .map((r) => r.day);
    if (missing.length) this.compute(missing);
    return this.sql
      .exec<{ day: string; dim: Segment["dim"]; key: string; micros: number; over_n: number; first_t: number; last_t: number }>(
        "SELECT day, dim, key, micros, over_n, first_t, last_t FROM filter_day WHERE sig = ? AND day >= ? AND day <= ? AND dim != '' ORDER BY day",
        this.sig,
        fromDay,
        toDay,
      )
      .toArray()
      .map((r) => ({ day: r.day, dim: r.dim, key: r.key, micros: r.micros, over: r.over_n, first: r.first_t, last: r.last_t }));
  }

  /** Computes and stores these days' segments (one statement: a day is stored whole or not at all). */
  private compute(days: string[]): void {
    // By day first: the chain_day index reads just these days (ordered by t alone, SQLite would
    // walk the whole chain in its primary key's order).
    const rows = this.sql.exec<{ day: string; t: number; keys: string }>(`${ROWS_SQL} AND c.day IN (SELECT value FROM json_each(?2)) ORDER BY c.day, c.t, c.id`, ALL_KEY, JSON.stringify(days));
    const byDay = summarize(rows, this.filter, this.dims);
    const out: Array<[string, string, string, number, number, number, number]> = [];
    for (const day of days) {
      out.push([day, MARK, MARK, 0, 0, 0, 0]);
      for (const s of byDay.get(day)?.values() ?? []) out.push([day, s.dim, s.key, s.micros, s.over, s.first, s.last]);
    }
    this.sql.exec(
      `INSERT OR REPLACE INTO filter_day (sig, day, dim, key, micros, over_n, first_t, last_t)
       SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?2)`,
      this.sig,
      JSON.stringify(out),
    );
  }

  /** Marks this filter set used; forgets the least recently used sets beyond MAX_SIGS. */
  private touch(): void {
    this.sql.exec("INSERT INTO filter_sig (sig, used) VALUES (?, ?) ON CONFLICT (sig) DO UPDATE SET used = excluded.used", this.sig, Date.now());
    const stale = this.sql.exec<{ sig: string }>("SELECT sig FROM filter_sig ORDER BY used DESC LIMIT -1 OFFSET ?", MAX_SIGS).toArray();
    for (const { sig } of stale) {
      this.sql.exec("DELETE FROM filter_day WHERE sig = ?", sig);
      this.sql.exec("DELETE FROM filter_sig WHERE sig = ?", sig);
    }
  }
}

/** Forgets every filter set's entries for these days (a heartbeat landed in them). */
export function invalidateFilterDays(sql: SqlStorage, days: Iterable<string>): void {
  const list = [...days];
  if (list.length) sql.exec("DELETE FROM filter_day WHERE day IN (SELECT value FROM json_each(?))", JSON.stringify(list));
}
