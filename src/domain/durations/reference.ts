// The reference implementation of Hackatime's duration rule, as one SQL window query over raw
// heartbeats: order by (time, id), each row adds min(gap to the previous row of its group,
// 120 s), the first adds 0. Slow by design (it scans the range); it is the oracle the fast
// paths are tested against, and the fallback for filters no rollup answers.
import { GROUP_DIMENSIONS, TIMEOUT_MICROS, microsToSeconds, type GroupDimension } from "./dimensions";

/** Capped-gap seconds per group value over [start, end) (epoch seconds), or one total with no group. */
export async function referenceDurations(
  d1: D1Database,
  userId: number,
  range: { start: number; end: number },
  groupBy?: GroupDimension,
): Promise<Map<string | null, number>> {
  if (groupBy && !GROUP_DIMENSIONS.includes(groupBy)) throw new Error(`unknown dimension ${groupBy}`);
  const group = groupBy ?? "NULL";
  const partition = groupBy ? `PARTITION BY ${groupBy}` : "";
  const { results } = await d1
    .prepare(
      `SELECT grp, SUM(gap) AS micros FROM (
         SELECT ${group} AS grp,
           MIN(t - LAG(t) OVER (${partition} ORDER BY t, id), ?4) AS gap
         FROM (SELECT id, ${groupBy ?? "NULL AS _"}, CAST(ROUND(time * 1000000) AS INTEGER) AS t FROM heartbeats
               WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3)
       ) GROUP BY grp`,
    )
    .bind(userId, range.start, range.end, TIMEOUT_MICROS)
    .all<{ grp: string | null; micros: number | null }>();
  return new Map(results.map((r) => [r.grp, microsToSeconds(r.micros ?? 0)]));
}
