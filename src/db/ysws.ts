// YSWS claims: stamping heartbeats.ysws_program over a user's time range. Raw SQL run as one D1
// batch (a transaction), so the conflict check and the update see the same rows; every
// statement filters on CLAIM_SCOPE (index heartbeats_user_time: user_id, then the time range)
// with a fixed, small number of parameters however many rows it touches.
import { NOW_ISO } from "./sql";

/** ?1 user, ?2..?3 the time range (inclusive), ?4 a project or NULL for every project. */
const CLAIM_SCOPE = "user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time <= ?3 AND (?4 IS NULL OR project = ?4)";

/** How many heartbeats in the scope are claimed already. */
export const CLAIMED_COUNT_SQL = `SELECT COUNT(*) AS n FROM heartbeats WHERE ${CLAIM_SCOPE} AND ysws_program != 0`;
/** The first ?5 claimed heartbeats in the scope, by id. */
export const CLAIMED_LIST_SQL = `SELECT id, ysws_program FROM heartbeats WHERE ${CLAIM_SCOPE} AND ysws_program != 0 ORDER BY id LIMIT ?5`;
/** Stamps program ?5 on the scope, unless any of it is claimed. */
export const CLAIM_UPDATE_SQL = `UPDATE heartbeats SET ysws_program = ?5, updated_at = ${NOW_ISO}
  WHERE ${CLAIM_SCOPE} AND NOT EXISTS (SELECT 1 FROM heartbeats WHERE ${CLAIM_SCOPE} AND ysws_program != 0)`;

export interface ClaimScope {
  userId: number;
  start: number;
  end: number;
  project: string | null;
}

/**
 * Stamps `programId` on the scope's heartbeats unless any is claimed. Returns how many were
 * stamped, or the conflict: how many are claimed and the first `listLimit` of them.
 */
export async function stampUnclaimed(
  d1: D1Database,
  scope: ClaimScope,
  programId: number,
  listLimit: number,
): Promise<{ claimed: number } | { conflictCount: number; conflicts: Array<{ id: number; program: number }> }> {
  const args = [scope.userId, scope.start, scope.end, scope.project] as const;
  const [count, listed, update] = await d1.batch([
    d1.prepare(CLAIMED_COUNT_SQL).bind(...args),
    d1.prepare(CLAIMED_LIST_SQL).bind(...args, listLimit),
    d1.prepare(CLAIM_UPDATE_SQL).bind(...args, programId),
  ]);
  const conflictCount = (count.results[0] as { n: number }).n;
  if (conflictCount > 0) {
    const rows = listed.results as Array<{ id: number; ysws_program: number }>;
    return { conflictCount, conflicts: rows.map((r) => ({ id: r.id, program: r.ysws_program })) };
  }
  return { claimed: update.meta.changes ?? 0 };
}
