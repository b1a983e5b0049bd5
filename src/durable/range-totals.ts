// Capped-gap totals over an arbitrary [start, end) from the projection, without scanning a
// user's history: whole local days come from the rollups, the two partial edge days from the
// chain rows of just those days. Per chain key:
//   total = Σ gaps of its rows in range − the gap of its first row in range
// (the first row in range chains to nothing inside the range, so it contributes 0).
// Bare "?" parameters in the key filter number after the explicit ?1…?4, as SQLite assigns them.
import type { Dimension } from "../domain/durations/dimensions";
import { addDays, localDate, startOfLocalDay } from "../lib/time";
import { toMicros } from "../domain/durations/dimensions";

export interface ChainSelector {
  dim: Dimension;
  /** Only this key. */
  key?: string;
  /** Only keys starting with this (composite dimensions). */
  keyPrefix?: string;
}

export interface RangeTotal {
  dim: Dimension;
  key: string;
  micros: number;
  /** How many of the counted gaps were really longer than the cap (the first row's excluded). */
  over: number;
}

interface Plan {
  edges: Array<{ day: string; from: number; to: number }>; // t in [from, to), microseconds
  fullFrom: string | null;
  fullTo: string | null;
}

/** Splits [start, end) (epoch seconds) into partial edge days and a run of whole local days. */
export function planRange(start: number, end: number, tz: string): Plan {
  const plan: Plan = { edges: [], fullFrom: null, fullTo: null };
  if (!(end > start)) return plan;
  const firstDay = localDate(start, tz);
  const firstDayStart = startOfLocalDay(firstDay, tz);
  let fullFrom = firstDay;
  if (firstDayStart < start) {
    const nextStart = startOfLocalDay(addDays(firstDay, 1), tz);
    plan.edges.push({ day: firstDay, from: toMicros(start), to: toMicros(Math.min(end, nextStart)) });
    if (end <= nextStart) return plan;
    fullFrom = addDays(firstDay, 1);
  }
  const lastDay = localDate(end, tz);
  const lastDayStart = startOfLocalDay(lastDay, tz);
  if (lastDayStart < end) plan.edges.push({ day: lastDay, from: toMicros(lastDayStart), to: toMicros(end) });
  const fullTo = addDays(lastDay, -1);
  if (fullFrom <= fullTo) {
    plan.fullFrom = fullFrom;
    plan.fullTo = fullTo;
  }
  return plan;
}

/** The smallest string greater than every string starting with `prefix`. */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

function keyFilter(sel: ChainSelector): { clause: string; params: string[] } {
  if (sel.key !== undefined) return { clause: "AND key = ?", params: [sel.key] };
  // A key range, so the (dim, key, day) index serves it. Prefixes end in "," (JSON); "-" follows it.
  if (sel.keyPrefix !== undefined) return { clause: "AND key >= ? AND key < ?", params: [sel.keyPrefix, prefixUpperBound(sel.keyPrefix)] };
  return { clause: "", params: [] };
}

export function rangeTotals(sql: SqlStorage, plan: Plan, selectors: ChainSelector[]): RangeTotal[] {
  const out: RangeTotal[] = [];
  for (const sel of selectors) {
    const { clause, params } = keyFilter(sel);
    type Sums = { gap: number; over: number };
    const sums = new Map<string, Sums>();
    const add = (key: string, gap: number, over: number) => {
      const cur = sums.get(key) ?? { gap: 0, over: 0 };
      sums.set(key, { gap: cur.gap + gap, over: cur.over + over });
    };
    // The first row in range per key: the start edge's, else the first whole day's, else the end edge's.
    const firstRow = new Map<string, Sums>();
    const firsts: Array<Map<string, Sums>> = [];

    const edgeFirst = (edge: Plan["edges"][number]) => {
      const m = new Map<string, Sums>();
      for (const r of sql.exec<{ key: string; s: number; o: number; fg: string }>(
        `SELECT key, SUM(gap) AS s, SUM(over) AS o,
           (SELECT json_array(c2.gap, c2.over) FROM chain c2 WHERE c2.dim = c.dim AND c2.day = c.day AND c2.key = c.key AND c2.t >= ?3 AND c2.t < ?4 ORDER BY c2.t, c2.id LIMIT 1) AS fg
         FROM chain c WHERE dim = ?1 AND day = ?2 AND t >= ?3 AND t < ?4 ${clause} GROUP BY key`,
        sel.dim,
        edge.day,
        edge.from,
        edge.to,
        ...params,
      )) {
        add(r.key, r.s, r.o);
        const [gap, over] = JSON.parse(r.fg) as [number, number];
        m.set(r.key, { gap, over });
      }
      return m;
    };

    const startEdge = plan.edges.find((e) => plan.fullFrom === null || e.day < plan.fullFrom);
    const endEdge = plan.edges.find((e) => e !== startEdge);
    if (startEdge) firsts.push(edgeFirst(startEdge));
    if (plan.fullFrom && plan.fullTo) {
      const m = new Map<string, Sums>();
      for (const r of sql.exec<{ key: string; s: number; o: number; fg: string }>(
        `SELECT key, SUM(gap_sum) AS s, SUM(over_n) AS o,
           (SELECT json_array(r2.first_gap, r2.first_over) FROM rollup r2 WHERE r2.dim = r.dim AND r2.key = r.key AND r2.day >= ?2 AND r2.day <= ?3 ORDER BY r2.day LIMIT 1) AS fg
         FROM rollup r ${clause ? "INDEXED BY rollup_key" : ""} WHERE dim = ?1 AND day >= ?2 AND day <= ?3 ${clause} GROUP BY key`,
        sel.dim,
        plan.fullFrom,
        plan.fullTo,
        ...params,
      )) {
        add(r.key, r.s, r.o);
        const [gap, over] = JSON.parse(r.fg) as [number, number];
        m.set(r.key, { gap, over });
      }
      firsts.push(m);
    }
    if (endEdge) firsts.push(edgeFirst(endEdge));
    for (const m of firsts) for (const [k, v] of m) if (!firstRow.has(k)) firstRow.set(k, v);

    for (const [key, s] of sums) {
      const first = firstRow.get(key) ?? { gap: 0, over: 0 };
      out.push({ dim: sel.dim, key, micros: s.gap - first.gap, over: s.over - first.over });
    }
  }
  return out;
}

