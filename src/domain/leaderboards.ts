// Leaderboards (hackatime-behavior.md §7): snapshots built page by page through the queue and
// served from the latest finished snapshot.
//
// A build:
//   1. the cron inserts a `leaderboards` row for (period, UTC date, window), unless a build of
//      the same period and date is already in progress (one statement, so two overlapping cron
//      runs cannot both start one);
//   2. a fan-out step reads candidate user ids from `user_active_days` (UTC days the window
//      touches; red users dropped), ≤ FANOUT_LIMIT ids per step, and sends them as pages of
//      ≤ PAGE_SIZE ids, one queue message each. More candidates than one step takes → the step
//      also sends a `leaderboard_fanout` message carrying the cursor (the last user id);
//   3. each page asks every user's UserActivity for their leaderboard-chain total over the
//      window, keeps users with more than 60 s, writes their entries in one statement and
//      counts itself done; the page that completes the count finishes the board.
//
// Counting: `pages_total` starts at 1, a placeholder for the fan-out still running, so no page
// can finish the board while pages may still be sent. A step adds its pages to the total
// BEFORE sending them; the last step drops the placeholder (finishing the board right there
// if every page already landed, or if there were no candidates at all). At the end
// pages_total is exactly the number of pages.
//
// Storage: Hackatime keeps one board per (period, date) and rebuilds it in place. Here every
// run makes a new snapshot (so readers never see a half-built board); once a newer snapshot
// of the same (period, date) is finished the older one is pruned, a bounded number of rows per
// cron run. Every date's last snapshot is kept.
import { log } from "../lib/log";
import { userActivity } from "../durable/stub";
import { isoSeconds, safeTimeZone } from "../lib/time";
import { LEADERBOARD, microsToSeconds } from "./durations/dimensions";
import { streakDays } from "./stats/streak";
import { avatarUrl, displayName } from "./users/profile";
import type { LeaderboardPeriod } from "../db/schema";

export type { LeaderboardPeriod };

export const LEADERBOARD_PAGE = "leaderboard_page";
export const LEADERBOARD_FANOUT = "leaderboard_fanout";

/** User ids per page message (and per entries statement). */
export const PAGE_SIZE = 100;
/** Candidate ids one fan-out step reads: at most 100 page messages, one sendBatch. */
export const FANOUT_LIMIT = PAGE_SIZE * 100;
/** Users are ranked only with more than this many seconds. */
export const MIN_SECONDS = 60;
/** An unfinished build older than this no longer blocks a new one (a page died in the DLQ). */
export const BUILD_STALE_SECONDS = 15 * 60;
/** Unfinished builds older than this are pruned. */
export const ABANDONED_AFTER_SECONDS = 24 * 3600;
/** Entry rows of superseded snapshots deleted per cron run, per statement. */
export const PRUNE_CHUNK = 10_000;
export const PRUNE_CHUNKS_PER_RUN = 5;
/**
 * UserActivity calls in flight per page: the whole page (each user is a different object; the
 * platform queues what exceeds its connection cap). Locally 100 builds ~2x faster than 25.
 */
const PAGE_CONCURRENCY = PAGE_SIZE;
const RED = 1;
const DAY = 86_400;
const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

export interface PageMessage {
  kind: typeof LEADERBOARD_PAGE;
  leaderboard_id: number;
  user_ids: number[];
}
export interface FanoutMessage {
  kind: typeof LEADERBOARD_FANOUT;
  leaderboard_id: number;
  after_user_id: number;
}

const utcDate = (epochSeconds: number) => new Date(Math.floor(epochSeconds) * 1000).toISOString().slice(0, 10);
const utcMidnight = (epochSeconds: number) => Math.floor(epochSeconds / DAY) * DAY;

export interface BoardWindow {
  period: LeaderboardPeriod;
  /** The UTC date the board is keyed by. */
  startDate: string;
  /** [start, end), epoch seconds. */
  start: number;
  end: number;
  /** The UTC days [start, end) touches: where its candidates are found. */
  days: string[];
}

/** daily: rolling [now − 24 h, now). last_7_days: [(today − 6 d) 00:00, tomorrow 00:00) UTC. */
export function boardWindow(period: LeaderboardPeriod, now: number): BoardWindow {
  const startDate = utcDate(now);
  const [start, end] = period === "daily" ? [now - DAY, now] : [utcMidnight(now) - 6 * DAY, utcMidnight(now) + DAY];
  const days: string[] = [];
  for (let d = utcMidnight(start); d < end; d += DAY) days.push(utcDate(d));
  return { period, startDate, start, end, days };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** strftime('%b %d'). */
const monthDay = (date: string) => `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(8, 10)}`;

/** Hackatime's Leaderboard#date_range_text: "Last 24 hours", or "Aug 16 - Aug 22, 2026". */
export function dateRangeText(period: LeaderboardPeriod, startDate: string): string {
  if (period !== "last_7_days") return "Last 24 hours";
  const from = utcDate(Date.parse(`${startDate}T00:00:00Z`) / 1000 - 6 * DAY);
  return `${monthDay(from)} - ${monthDay(startDate)}, ${startDate.slice(0, 4)}`;
}

// ---------------------------------------------------------------- building

export interface StartedBuild {
  id: number;
  window: BoardWindow;
  /** Page messages sent by the first fan-out step. */
  pages: number;
  /** Whether a continuation was queued for more candidates. */
  more: boolean;
}

/**
 * Starts a build of `period` as of `now` (epoch seconds) and runs its first fan-out step.
 * Returns null when a build of the same period and date is already in progress.
 */
export async function startBuild(env: Env, period: LeaderboardPeriod, now: number): Promise<StartedBuild | null> {
  const w = boardWindow(period, now);
  const row = await env.DB.prepare(
    `INSERT INTO leaderboards (period, start_date, window_start, window_end, pages_total, pages_done)
     SELECT ?1, ?2, ?3, ?4, 1, 0
     WHERE NOT EXISTS (
       SELECT 1 FROM leaderboards WHERE period = ?1 AND finished_generating_at IS NULL AND start_date = ?2
         AND created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?5))
     RETURNING id`,
  )
    .bind(period, w.startDate, w.start, w.end, `-${BUILD_STALE_SECONDS} seconds`)
    .first<{ id: number }>();
  if (!row) {
    log.info("leaderboard build already in progress", { period, start_date: w.startDate });
    return null;
  }
  const step = await fanOutStep(env, row.id, w.days, 0);
  return { id: row.id, window: w, ...step };
}

/** A continuation of a board's fan-out after `afterUserId`. */
export async function continueFanOut(env: Env, boardId: number, afterUserId: number): Promise<void> {
  const board = await env.DB.prepare("SELECT window_start, window_end, finished_generating_at FROM leaderboards WHERE id = ?")
    .bind(boardId)
    .first<{ window_start: number; window_end: number; finished_generating_at: string | null }>();
  if (!board || board.finished_generating_at) return; // pruned, or a redelivery after it finished
  const days: string[] = [];
  for (let d = utcMidnight(board.window_start); d < board.window_end; d += DAY) days.push(utcDate(d));
  await fanOutStep(env, boardId, days, afterUserId);
}

/**
 * Candidate ids after `after`, ascending, at most `limit`, with whether each may be ranked.
 * A step reads at most days × limit index rows however many users were active: `bound` is the
 * smallest of each day's limit-th id after the cursor (one day alone has `limit` ids up to
 * it, so the `limit` smallest ids over all days are ≤ it), and each day's (day, user_id)
 * primary-key range is read only up to there.
 */
export const CANDIDATES_SQL = `WITH bound AS (
    SELECT COALESCE(MIN(x), 9223372036854775807) AS u FROM (
      SELECT (SELECT user_id FROM user_active_days WHERE day = d.value AND user_id > ?1 ORDER BY user_id LIMIT 1 OFFSET ?2 - 1) AS x
      FROM json_each(?3) d)),
  c AS (
    SELECT DISTINCT user_id FROM user_active_days
    WHERE day IN (SELECT value FROM json_each(?3)) AND user_id > ?1 AND user_id <= (SELECT u FROM bound)
    ORDER BY user_id LIMIT ?2)
  SELECT c.user_id AS id, (u.id IS NOT NULL AND u.trust_level != ${RED}) AS eligible
  FROM c LEFT JOIN users u ON u.id = c.user_id
  ORDER BY c.user_id`;

async function candidates(d1: D1Database, days: string[], after: number, limit: number) {
  const { results } = await d1.prepare(CANDIDATES_SQL).bind(after, limit, JSON.stringify(days)).all<{ id: number; eligible: number }>();
  return results;
}

async function fanOutStep(env: Env, boardId: number, days: string[], after: number): Promise<{ pages: number; more: boolean }> {
  const rows = await candidates(env.DB, days, after, FANOUT_LIMIT);
  const more = rows.length === FANOUT_LIMIT;
  const ids = rows.filter((r) => r.eligible).map((r) => r.id);
  const pages: PageMessage[] = [];
  for (let i = 0; i < ids.length; i += PAGE_SIZE) pages.push({ kind: LEADERBOARD_PAGE, leaderboard_id: boardId, user_ids: ids.slice(i, i + PAGE_SIZE) });

  if (pages.length) {
    // Counted before they are sent, so no page can finish the board early.
    await env.DB.prepare("UPDATE leaderboards SET pages_total = pages_total + ?2 WHERE id = ?1").bind(boardId, pages.length).run();
    try {
      await env.IMPORTS.sendBatch(pages.map((body) => ({ body }))); // ≤ 100 messages: one call, all or nothing
    } catch (err) {
      await env.DB.prepare("UPDATE leaderboards SET pages_total = pages_total - ?2 WHERE id = ?1").bind(boardId, pages.length).run();
      throw err;
    }
  }
  if (more) {
    const next: FanoutMessage = { kind: LEADERBOARD_FANOUT, leaderboard_id: boardId, after_user_id: rows[rows.length - 1].id };
    await env.IMPORTS.send(next);
  } else {
    // The fan-out is over: drop its placeholder; finish now if every page already landed.
    await env.DB.prepare(
      `UPDATE leaderboards SET pages_total = pages_total - 1,
         finished_generating_at = CASE WHEN pages_done >= pages_total - 1 THEN ${NOW_SQL} END
       WHERE id = ?1 AND finished_generating_at IS NULL`,
    )
      .bind(boardId)
      .run();
  }
  return { pages: pages.length, more };
}

/** fn over items, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface PageResult {
  /** Entries written (users with more than MIN_SECONDS). */
  entries: number;
  finished: boolean;
}

/**
 * Scores one page of users over the board's window and records it. A page of a board that is
 * gone (pruned) or already finished is a no-op. Entries are upserted, so a redelivered page
 * rewrites the same rows.
 */
export async function buildPage(env: Env, boardId: number, userIds: number[]): Promise<PageResult> {
  const board = await env.DB.prepare("SELECT window_start, window_end, created_at, finished_generating_at FROM leaderboards WHERE id = ?")
    .bind(boardId)
    .first<{ window_start: number; window_end: number; created_at: string; finished_generating_at: string | null }>();
  if (!board || board.finished_generating_at) return { entries: 0, finished: !!board };

  const { results: users } = await env.DB.prepare("SELECT id, timezone, trust_level FROM users WHERE id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(userIds))
    .all<{ id: number; timezone: string; trust_level: number }>();
  // Streaks count back from when the build started (the daily window ends then; the weekly
  // one ends at tomorrow's midnight).
  const streakNow = Math.min(Date.parse(board.created_at) / 1000, board.window_end - 1);

  const scored = await mapLimit(
    users.filter((u) => u.trust_level !== RED),
    PAGE_CONCURRENCY,
    async (u): Promise<[number, number, number] | null> => {
      const subject = { id: u.id, timezone: safeTimeZone(u.timezone) };
      const totals = await userActivity(env, u.id).rangeTotals(u.id, subject.timezone, board.window_start, board.window_end, [{ dim: LEADERBOARD }]);
      const seconds = microsToSeconds(totals.reduce((s, t) => s + t.micros, 0));
      if (seconds <= MIN_SECONDS) return null;
      return [u.id, seconds, await streakDays(env, subject, streakNow)];
    },
  );
  const entries = scored.filter((e): e is [number, number, number] => e !== null);

  const statements: D1PreparedStatement[] = [];
  if (entries.length) {
    // One JSON parameter for the whole page keeps the statement far under 100 bound parameters.
    // EXISTS: a page of a board pruned meanwhile writes nothing (and breaks no foreign key).
    statements.push(
      env.DB.prepare(
        `INSERT INTO leaderboard_entries (leaderboard_id, user_id, total_seconds, streak_count)
         SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
         FROM json_each(?2) WHERE EXISTS (SELECT 1 FROM leaderboards WHERE id = ?1)
         ON CONFLICT (leaderboard_id, user_id) DO UPDATE SET total_seconds = excluded.total_seconds, streak_count = excluded.streak_count`,
      ).bind(boardId, JSON.stringify(entries)),
    );
  }
  statements.push(
    env.DB.prepare(
      `UPDATE leaderboards SET pages_done = pages_done + 1,
         finished_generating_at = CASE WHEN pages_done + 1 >= pages_total THEN ${NOW_SQL} END
       WHERE id = ?1 AND finished_generating_at IS NULL
       RETURNING finished_generating_at`,
    ).bind(boardId),
  );
  // One transaction: the entries and the page's count land together or not at all.
  const results = await env.DB.batch<{ finished_generating_at: string | null }>(statements);
  const done = results[results.length - 1].results[0];
  return { entries: entries.length, finished: !!done?.finished_generating_at };
}

/**
 * Deletes snapshots superseded by a newer finished one of the same (period, date), and builds
 * abandoned long ago; at most PRUNE_CHUNK × PRUNE_CHUNKS_PER_RUN entry rows per call.
 */
export async function pruneBoards(env: Env, period: LeaderboardPeriod): Promise<{ entries: number; boards: number }> {
  const doomed = `SELECT b.id FROM leaderboards b WHERE b.period = ?1 AND (
      (b.finished_generating_at IS NOT NULL AND EXISTS (
        SELECT 1 FROM leaderboards n WHERE n.period = b.period AND n.start_date = b.start_date AND n.finished_generating_at IS NOT NULL
          AND (n.finished_generating_at, n.id) > (b.finished_generating_at, b.id)))
      OR (b.finished_generating_at IS NULL AND b.created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2)))`;
  const abandoned = `-${ABANDONED_AFTER_SECONDS} seconds`;
  const ids = (await env.DB.prepare(doomed).bind(period, abandoned).all<{ id: number }>()).results.map((r) => r.id);
  if (!ids.length) return { entries: 0, boards: 0 };
  let entries = 0;
  for (let i = 0; i < PRUNE_CHUNKS_PER_RUN; i++) {
    const r = await env.DB.prepare(
      `DELETE FROM leaderboard_entries WHERE rowid IN (
         SELECT rowid FROM leaderboard_entries WHERE leaderboard_id IN (SELECT value FROM json_each(?1)) LIMIT ?2)`,
    )
      .bind(JSON.stringify(ids), PRUNE_CHUNK)
      .run();
    entries += r.meta.changes;
    if (r.meta.changes < PRUNE_CHUNK) break;
  }
  // Boards whose entries are all gone.
  const r = await env.DB.prepare(
    `DELETE FROM leaderboards WHERE id IN (SELECT value FROM json_each(?1))
       AND NOT EXISTS (SELECT 1 FROM leaderboard_entries e WHERE e.leaderboard_id = leaderboards.id)`,
  )
    .bind(JSON.stringify(ids))
    .run();
  return { entries, boards: r.meta.changes };
}

// ---------------------------------------------------------------- serving

export interface LeaderboardBody {
  period: LeaderboardPeriod;
  start_date: string;
  date_range: string;
  generated_at: string;
  entries: Array<{ rank: number; user: { id: number; username: string; avatar_url: string }; total_seconds: number }>;
}

type EntryRow = {
  user_id: number;
  total_seconds: number;
  username: string | null;
  display_name_override: string | null;
  slack_username: string | null;
  slack_avatar_url: string | null;
  github_username: string | null;
  github_avatar_url: string | null;
  email: string | null;
};

const LATEST_FINISHED = `SELECT id FROM leaderboards WHERE period = ?1 AND finished_generating_at IS NOT NULL
  ORDER BY finished_generating_at DESC, id DESC LIMIT 1`;
export const SERVE_BOARD_SQL = `SELECT id, period, start_date, finished_generating_at FROM leaderboards WHERE id = (${LATEST_FINISHED})`;
export const SERVE_ENTRIES_SQL = `SELECT e.user_id, e.total_seconds, u.username, u.display_name_override, u.slack_username, u.slack_avatar_url,
    u.github_username, u.github_avatar_url,
    (SELECT m.email FROM email_addresses m WHERE m.user_id = u.id ORDER BY m.id LIMIT 1) AS email
  FROM leaderboard_entries e JOIN users u ON u.id = e.user_id
  WHERE e.leaderboard_id = (${LATEST_FINISHED}) AND u.leaderboard_shadowbanned = 0
  ORDER BY e.total_seconds DESC, e.user_id ASC`;

/**
 * The latest finished snapshot of `period`, shadowbanned users left out (read now, not at build
 * time) and ranks 1..n over who is left; ties by user id. Null when no snapshot is finished.
 */
export async function latestLeaderboard(env: Env, period: LeaderboardPeriod): Promise<LeaderboardBody | null> {
  // One batch is one transaction: the board and its entries come from the same snapshot even
  // if a newer one finishes, and this one is pruned, in between.
  const [boards, rows] = await env.DB.batch<any>([env.DB.prepare(SERVE_BOARD_SQL).bind(period), env.DB.prepare(SERVE_ENTRIES_SQL).bind(period)]);
  const board = boards.results[0] as { id: number; period: LeaderboardPeriod; start_date: string; finished_generating_at: string } | undefined;
  if (!board) return null;
  const entries = await Promise.all(
    (rows.results as EntryRow[]).map(async (r, i) => ({
      rank: i + 1,
      user: { id: r.user_id, username: displayName(r), avatar_url: await avatarUrl({ id: r.user_id, slack_avatar_url: r.slack_avatar_url, github_avatar_url: r.github_avatar_url, email: r.email }) },
      total_seconds: r.total_seconds,
    })),
  );
  return {
    period: board.period,
    start_date: board.start_date,
    date_range: dateRangeText(board.period, board.start_date),
    generated_at: isoSeconds(Date.parse(board.finished_generating_at) / 1000),
    entries,
  };
}
