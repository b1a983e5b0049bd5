// The reference implementation of Hackatime's duration rule, as one SQL window query over raw
// heartbeats: order by (time, id), each row adds min(gap to the previous row of its group,
// 120 s), the first adds 0. Slow by design (it scans the range); it is the oracle the fast
// paths are tested against, and the fallback for filters no rollup answers.
import { GROUP_DIMENSIONS, TIMEOUT_MICROS, microsToSeconds, type GroupDimension } from "./dimensions";

/** Which heartbeats count. Lists are matched exactly; excluded categories also drop NULL ones (SQL NOT IN). */
export interface HeartbeatFilter {
  projects?: string[];
  categories?: string[];
  excludeCategories?: string[];
}

/** Capped-gap seconds per group value over [start, end) (epoch seconds), or one total with no group. */
export async function referenceDurations(
  d1: D1Database,
  userId: number,
  range: { start: number; end: number },
  groupBy?: GroupDimension,
  filter: HeartbeatFilter = {},
): Promise<Map<string | null, number>> {
  if (groupBy && !GROUP_DIMENSIONS.includes(groupBy)) throw new Error(`unknown dimension ${groupBy}`);
  const group = groupBy ?? "NULL";
  const partition = groupBy ? `PARTITION BY ${groupBy}` : "";
  // Filters travel as JSON parameters (one each), whatever their length.
  const where: string[] = [];
  const params: unknown[] = [userId, range.start, range.end, TIMEOUT_MICROS];
  const list = (column: string, values: string[] | undefined, negate = false) => {
    if (values === undefined) return;
    params.push(JSON.stringify(values));
    where.push(`${column} ${negate ? "NOT IN" : "IN"} (SELECT value FROM json_each(?${params.length}))`);
  };
  list("project", filter.projects);
  list("category", filter.categories);
  list("LOWER(category)", filter.excludeCategories?.map((c) => c.toLowerCase()), true);
  const { results } = await d1
    .prepare(
      `SELECT grp, SUM(gap) AS micros FROM (
         SELECT ${group} AS grp,
           MIN(t - LAG(t) OVER (${partition} ORDER BY t, id), ?4) AS gap
         FROM (SELECT id, ${groupBy ?? "NULL AS _"}, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
               WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3 ${where.map((w) => `AND ${w}`).join(" ")})
       ) GROUP BY grp`,
    )
    .bind(...params)
    .all<{ grp: string | null; micros: number | null }>();
  return new Map(results.map((r) => [r.grp, microsToSeconds(r.micros ?? 0)]));
}
