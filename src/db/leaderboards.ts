// Leaderboard tables: snapshots, their entries, and user_active_days (the UTC days each user
// sent heartbeats on: whom a build has to look at). Raw SQL: json_each batching, correlated
// subqueries and conditional single-statement counters that drizzle's builder would only wrap.

/** Records the UTC days of `times` (epoch seconds) as active for the user; duplicates are ignored. */
export const RECORD_ACTIVE_DAYS_SQL = `INSERT OR IGNORE INTO user_active_days (day, user_id)
  SELECT DISTINCT date(value, 'unixepoch'), ?1 FROM json_each(?2)`;

/**
 * The statement that keeps user_active_days up to date with newly sent heartbeats. The ingest
 * path runs it in the same D1 batch (one transaction) as the heartbeat insert.
 */
export function recordActiveDays(d1: D1Database, userId: number, times: number[]): D1PreparedStatement {
  return d1.prepare(RECORD_ACTIVE_DAYS_SQL).bind(userId, JSON.stringify(times));
}
