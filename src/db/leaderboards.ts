// Leaderboard tables: snapshots, their entries, and user_active_days (the UTC days each user
// sent heartbeats on: whom a build has to look at). Raw SQL: json_each batching, correlated
// subqueries and conditional single-statement counters that drizzle's builder would only wrap.
import type { LeaderboardPeriod } from "./schema";
import { NOW_ISO } from "./sql";
import type { ProfileSource } from "./users";

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

// ---------------------------------------------------------------- building

/**
 * A new build of (?1 period, ?2 date) over [?3, ?4), with pages_total 1 (the fan-out's
 * placeholder), unless a build of the same period and date started after `now ?5` and is
 * unfinished: one statement, so two overlapping cron runs cannot both start one.
 */
export const START_BUILD_SQL = `INSERT INTO leaderboards (period, start_date, window_start, window_end, pages_total, pages_done)
     SELECT ?1, ?2, ?3, ?4, 1, 0
     WHERE NOT EXISTS (
       SELECT 1 FROM leaderboards WHERE period = ?1 AND finished_generating_at IS NULL AND start_date = ?2
         AND created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?5))
     RETURNING id`;

/** The new build's id, or null when one of the same period and date, younger than `staleSeconds`, is in progress. */
export async function insertBuildUnlessRunning(
  d1: D1Database,
  build: { period: LeaderboardPeriod; startDate: string; start: number; end: number },
  staleSeconds: number,
): Promise<number | null> {
  const row = await d1
    .prepare(START_BUILD_SQL)
    .bind(build.period, build.startDate, build.start, build.end, `-${staleSeconds} seconds`)
    .first<{ id: number }>();
  return row?.id ?? null;
}

export interface BoardState {
  window_start: number;
  window_end: number;
  created_at: string;
  finished_generating_at: string | null;
}

export async function boardState(d1: D1Database, boardId: number): Promise<BoardState | null> {
  return d1.prepare("SELECT window_start, window_end, created_at, finished_generating_at FROM leaderboards WHERE id = ?").bind(boardId).first<BoardState>();
}

/**
 * Candidate ids after ?1, ascending, at most ?2, over the days in ?3 (JSON), with whether each
 * may be ranked (the user exists and their trust level is not ?4). A step reads at most
 * days × limit index rows however many users were active: `bound` is the smallest of each day's
 * limit-th id after the cursor (one day alone has `limit` ids up to it, so the `limit` smallest
 * ids over all days are ≤ it), and each day's (day, user_id) primary-key range is read only up to there.
 */
export const CANDIDATES_SQL = `WITH bound AS (
    SELECT COALESCE(MIN(x), 9223372036854775807) AS u FROM (
      SELECT (SELECT user_id FROM user_active_days WHERE day = d.value AND user_id > ?1 ORDER BY user_id LIMIT 1 OFFSET ?2 - 1) AS x
      FROM json_each(?3) d)),
  c AS (
    SELECT DISTINCT user_id FROM user_active_days
    WHERE day IN (SELECT value FROM json_each(?3)) AND user_id > ?1 AND user_id <= (SELECT u FROM bound)
    ORDER BY user_id LIMIT ?2)
  SELECT c.user_id AS id, (u.id IS NOT NULL AND u.trust_level != ?4) AS eligible
  FROM c LEFT JOIN users u ON u.id = c.user_id
  ORDER BY c.user_id`;

export async function candidates(d1: D1Database, days: string[], after: number, limit: number, excludedTrustLevel: number) {
  const { results } = await d1.prepare(CANDIDATES_SQL).bind(after, limit, JSON.stringify(days), excludedTrustLevel).all<{ id: number; eligible: number }>();
  return results;
}

/** pages_total += delta (a fan-out step counts its pages before sending them; a failed send takes them back). */
export async function addToPagesTotal(d1: D1Database, boardId: number, delta: number): Promise<void> {
  await d1.prepare("UPDATE leaderboards SET pages_total = pages_total + ?2 WHERE id = ?1").bind(boardId, delta).run();
}

/** The fan-out is over: drops its placeholder page and finishes the board if every page already landed. */
export async function endFanOut(d1: D1Database, boardId: number): Promise<void> {
  await d1
    .prepare(
      `UPDATE leaderboards SET pages_total = pages_total - 1,
         finished_generating_at = CASE WHEN pages_done >= pages_total - 1 THEN ${NOW_ISO} END
       WHERE id = ?1 AND finished_generating_at IS NULL`,
    )
    .bind(boardId)
    .run();
}

/** The users of a page message, with what scoring them needs. */
export async function pageUsers(d1: D1Database, userIds: number[]) {
  const { results } = await d1
    .prepare("SELECT id, timezone, trust_level FROM users WHERE id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(userIds))
    .all<{ id: number; timezone: string; trust_level: number }>();
  return results;
}

/**
 * Records a scored page in one transaction: its entries ([user_id, total_seconds, streak]
 * upserted, so a redelivered page rewrites the same rows) and its count; true when this page
 * finished the board. One JSON parameter for the whole page keeps the statement far under 100
 * bound parameters; EXISTS: a page of a board pruned meanwhile writes nothing (and breaks no foreign key).
 */
export async function recordPage(d1: D1Database, boardId: number, entries: Array<[number, number, number]>): Promise<boolean> {
  const statements: D1PreparedStatement[] = [];
  if (entries.length) {
    statements.push(
      d1
        .prepare(
          `INSERT INTO leaderboard_entries (leaderboard_id, user_id, total_seconds, streak_count)
         SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
         FROM json_each(?2) WHERE EXISTS (SELECT 1 FROM leaderboards WHERE id = ?1)
         ON CONFLICT (leaderboard_id, user_id) DO UPDATE SET total_seconds = excluded.total_seconds, streak_count = excluded.streak_count`,
        )
        .bind(boardId, JSON.stringify(entries)),
    );
  }
  statements.push(
    d1
      .prepare(
        `UPDATE leaderboards SET pages_done = pages_done + 1,
         finished_generating_at = CASE WHEN pages_done + 1 >= pages_total THEN ${NOW_ISO} END
       WHERE id = ?1 AND finished_generating_at IS NULL
       RETURNING finished_generating_at`,
      )
      .bind(boardId),
  );
  const results = await d1.batch<{ finished_generating_at: string | null }>(statements);
  const done = results[results.length - 1].results[0];
  return !!done?.finished_generating_at;
}

// ---------------------------------------------------------------- pruning

/** Boards of ?1 superseded by a newer finished one of the same date, and unfinished ones created before `now ?2`. */
export const DOOMED_BOARDS_SQL = `SELECT b.id FROM leaderboards b WHERE b.period = ?1 AND (
      (b.finished_generating_at IS NOT NULL AND EXISTS (
        SELECT 1 FROM leaderboards n WHERE n.period = b.period AND n.start_date = b.start_date AND n.finished_generating_at IS NOT NULL
          AND (n.finished_generating_at, n.id) > (b.finished_generating_at, b.id)))
      OR (b.finished_generating_at IS NULL AND b.created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2)))`;

export async function doomedBoards(d1: D1Database, period: LeaderboardPeriod, abandonedAfterSeconds: number): Promise<number[]> {
  const { results } = await d1.prepare(DOOMED_BOARDS_SQL).bind(period, `-${abandonedAfterSeconds} seconds`).all<{ id: number }>();
  return results.map((r) => r.id);
}

/** Deletes at most `limit` entry rows of these boards; returns how many went. */
export async function deleteEntriesOf(d1: D1Database, boardIds: number[], limit: number): Promise<number> {
  const r = await d1
    .prepare(
      `DELETE FROM leaderboard_entries WHERE rowid IN (
         SELECT rowid FROM leaderboard_entries WHERE leaderboard_id IN (SELECT value FROM json_each(?1)) LIMIT ?2)`,
    )
    .bind(JSON.stringify(boardIds), limit)
    .run();
  return r.meta.changes;
}

/** Deletes those of these boards whose entries are all gone; returns how many went. */
export async function deleteEmptyBoards(d1: D1Database, boardIds: number[]): Promise<number> {
  const r = await d1
    .prepare(
      `DELETE FROM leaderboards WHERE id IN (SELECT value FROM json_each(?1))
       AND NOT EXISTS (SELECT 1 FROM leaderboard_entries e WHERE e.leaderboard_id = leaderboards.id)`,
    )
    .bind(JSON.stringify(boardIds))
    .run();
  return r.meta.changes;
}

// ---------------------------------------------------------------- serving

const LATEST_FINISHED = `SELECT id FROM leaderboards WHERE period = ?1 AND finished_generating_at IS NOT NULL
  ORDER BY finished_generating_at DESC, id DESC LIMIT 1`;
export const SERVE_BOARD_SQL = `SELECT id, period, start_date, finished_generating_at FROM leaderboards WHERE id = (${LATEST_FINISHED})`;
export const SERVE_ENTRIES_SQL = `SELECT e.user_id, e.total_seconds, u.username, u.display_name_override, u.slack_username, u.slack_avatar_url,
    u.github_username, u.github_avatar_url,
    (SELECT m.email FROM email_addresses m WHERE m.user_id = u.id ORDER BY m.id LIMIT 1) AS email
  FROM leaderboard_entries e JOIN users u ON u.id = e.user_id
  WHERE e.leaderboard_id = (${LATEST_FINISHED}) AND u.leaderboard_shadowbanned = 0
  ORDER BY e.total_seconds DESC, e.user_id ASC`;

export interface ServedBoard {
  id: number;
  period: LeaderboardPeriod;
  start_date: string;
  finished_generating_at: string;
}

/** An entry with what the user's display name and avatar are built from (a profile's naming fields). */
export type ServedEntry = { user_id: number; total_seconds: number } & Omit<ProfileSource, "id" | "timezone" | "created_at" | "updated_at">;

/**
 * The latest finished board of `period` and its entries (shadowbanned users left out, most time
 * first, ties by user id); null when none is finished. One batch is one transaction: the board
 * and its entries come from the same snapshot even if a newer one finishes, and this one is
 * pruned, in between.
 */
export async function latestFinishedBoard(d1: D1Database, period: LeaderboardPeriod): Promise<{ board: ServedBoard; entries: ServedEntry[] } | null> {
  const [boards, rows] = await d1.batch<any>([d1.prepare(SERVE_BOARD_SQL).bind(period), d1.prepare(SERVE_ENTRIES_SQL).bind(period)]);
  const board = boards.results[0] as ServedBoard | undefined;
  return board ? { board, entries: rows.results as ServedEntry[] } : null;
}

// ---------------------------------------------------------------- the admin timeline

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
