// Leaderboard snapshots (leaderboards) and their entries (leaderboard_entries), in the main
// database. The inputs a build sums live next to the heartbeats (db/leaderboard-buckets.ts).
// Raw SQL: json_each batching, correlated subqueries and single-statement guards that
// drizzle's builder would only wrap.
import type { LeaderboardPeriod } from "./schema";
import { NOW_ISO, firstEmailOf } from "./sql";
import type { ProfileSource } from "./users";

// ---------------------------------------------------------------- building

/**
 * A new build of (?1 period, ?2 date) over [?3, ?4), unless a build of the same period and date
 * started after `now ?5` and is unfinished: one statement, so two overlapping cron runs cannot
 * both start one.
 */
export const START_BUILD_SQL = `INSERT INTO leaderboards (period, start_date, window_start, window_end)
     SELECT ?1, ?2, ?3, ?4
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

/** Entries per statement: a JSON parameter of a few hundred kB, far below D1's 2 MB value limit. */
const ENTRY_CHUNK = 10_000;

/**
 * Writes a build's entries ([user_id, total_seconds, streak]) and finishes it, in one batch (one
 * transaction: readers see all of the board or none). Users who no longer exist or whose trust
 * level is ?3 (red) are left out here, by a primary-key probe of users per entry.
 */
export const INSERT_ENTRIES_SQL = `INSERT INTO leaderboard_entries (leaderboard_id, user_id, total_seconds, streak_count)
  SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) j JOIN users u ON u.id = j.value ->> 0
  WHERE u.trust_level != ?3`;

export async function finishBuild(d1: D1Database, boardId: number, entries: Array<[number, number, number]>, excludedTrustLevel: number): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < entries.length; i += ENTRY_CHUNK) {
    statements.push(d1.prepare(INSERT_ENTRIES_SQL).bind(boardId, JSON.stringify(entries.slice(i, i + ENTRY_CHUNK)), excludedTrustLevel));
  }
  statements.push(d1.prepare(`UPDATE leaderboards SET finished_generating_at = ${NOW_ISO} WHERE id = ?1`).bind(boardId));
  await d1.batch(statements);
}

/** Drops a build that failed before finishing (it has no entries: they land with the finish). */
export async function abandonBuild(d1: D1Database, boardId: number): Promise<void> {
  await d1.prepare("DELETE FROM leaderboards WHERE id = ?1 AND finished_generating_at IS NULL").bind(boardId).run();
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

/**
 * The latest finished board of ?1, with the ids of the shadowbanned users (a served page depends
 * on the snapshot and on them only; the partial index users_leaderboard_shadowbanned holds just them).
 */
export const SERVE_BOARD_SQL = `SELECT id, period, start_date, finished_generating_at,
    (SELECT group_concat(id) FROM (SELECT id FROM users WHERE leaderboard_shadowbanned = 1 ORDER BY id)) AS shadowbanned
  FROM leaderboards WHERE id = (${LATEST_FINISHED})`;

export interface ServedBoard {
  id: number;
  period: LeaderboardPeriod;
  start_date: string;
  finished_generating_at: string;
  /** Comma-separated ids of the shadowbanned users, or null. */
  shadowbanned: string | null;
}

/** The latest finished board of `period`, or null when none is finished. */
export async function latestFinishedBoard(d1: D1Database, period: LeaderboardPeriod): Promise<ServedBoard | null> {
  return d1.prepare(SERVE_BOARD_SQL).bind(period).first<ServedBoard>();
}

const ENTRY_PROFILE = `u.username, u.display_name_override, u.slack_username, u.slack_avatar_url, u.github_username, u.github_avatar_url, ${firstEmailOf("u")} AS email`;

/** ?1 is still the latest finished board of ?2 (so none of its entries has been pruned). */
const STILL_LATEST_SQL = `SELECT 1 AS ok WHERE ?1 = (${LATEST_FINISHED.replaceAll("?1", "?2")})`;
export const SERVE_ENTRY_COUNT_SQL = `SELECT count(*) AS n FROM leaderboard_entries le JOIN users u ON u.id = le.user_id
  WHERE le.leaderboard_id = ?1 AND u.leaderboard_shadowbanned = 0`;
/** A page of board ?1's entries (shadowbanned users left out, most time first, ties by user id): ?2 rows after ?3. */
export const SERVE_ENTRIES_SQL = `SELECT le.user_id, le.total_seconds, ${ENTRY_PROFILE}
  FROM leaderboard_entries le JOIN users u ON u.id = le.user_id
  WHERE le.leaderboard_id = ?1 AND u.leaderboard_shadowbanned = 0
  ORDER BY le.total_seconds DESC, le.user_id ASC LIMIT ?2 OFFSET ?3`;

/** An entry with what the user's display name and avatar are built from (a profile's naming fields). */
export type ServedEntry = { user_id: number; total_seconds: number } & Omit<ProfileSource, "id" | "timezone" | "created_at" | "updated_at">;

/**
 * `limit` entries of board `boardId` after `offset`, and how many it has, shadowbanned users left
 * out; null when the board is no longer the latest finished one of `period` (a newer one
 * finished meanwhile, and this one may be being pruned). One batch: one transaction.
 */
export async function boardPage(
  d1: D1Database,
  boardId: number,
  period: LeaderboardPeriod,
  offset: number,
  limit: number,
): Promise<{ total: number; entries: ServedEntry[] } | null> {
  const [latest, count, rows] = await d1.batch<any>([
    d1.prepare(STILL_LATEST_SQL).bind(boardId, period),
    d1.prepare(SERVE_ENTRY_COUNT_SQL).bind(boardId),
    d1.prepare(SERVE_ENTRIES_SQL).bind(boardId, limit, offset),
  ]);
  if (!latest.results.length) return null;
  return { total: (count.results[0] as { n: number }).n, entries: rows.results as ServedEntry[] };
}

/**
 * The naming fields of the users in ?1 (JSON ids) who may be ranked: not trust level ?2 (red),
 * not shadowbanned. A primary-key probe per id.
 */
export const RANKABLE_PROFILES_SQL = `SELECT u.id AS user_id, ${ENTRY_PROFILE}
  FROM json_each(?1) j JOIN users u ON u.id = j.value
  WHERE u.trust_level != ?2 AND u.leaderboard_shadowbanned = 0`;

export async function rankableProfiles(d1: D1Database, userIds: number[], excludedTrustLevel: number): Promise<Array<Omit<ServedEntry, "total_seconds">>> {
  const { results } = await d1.prepare(RANKABLE_PROFILES_SQL).bind(JSON.stringify(userIds), excludedTrustLevel).all<Omit<ServedEntry, "total_seconds">>();
  return results;
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
