// Leaderboard snapshots and their entries. Raw SQL.
import type { LeaderboardPeriod } from "./schema";

/** The id of the latest finished board of `period` (by start date, then finish time), or null. */
export async function latestFinishedBoardId(d1: D1Database, period: LeaderboardPeriod): Promise<number | null> {
  const board = await d1
    .prepare(
      `SELECT id FROM leaderboards WHERE period = ?1 AND finished_generating_at IS NOT NULL
       ORDER BY start_date DESC, finished_generating_at DESC, id DESC LIMIT 1`,
    )
    .bind(period)
    .first<{ id: number }>();
  return board?.id ?? null;
}

/** A board's top `limit` users, most seconds first (leaderboard_entries_rank). */
export async function topUserIds(d1: D1Database, boardId: number, limit: number): Promise<number[]> {
  const { results } = await d1
    .prepare("SELECT user_id FROM leaderboard_entries WHERE leaderboard_id = ?1 ORDER BY total_seconds DESC, user_id LIMIT ?2")
    .bind(boardId, limit)
    .all<{ user_id: number }>();
  return results.map((r) => r.user_id);
}
