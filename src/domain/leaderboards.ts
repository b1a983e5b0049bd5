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
import { TRUST_LEVELS } from "../auth/levels";
import {
  addToPagesTotal,
  boardState,
  candidates,
  deleteEmptyBoards,
  deleteEntriesOf,
  doomedBoards,
  endFanOut,
  insertBuildUnlessRunning,
  latestFinishedBoard,
  pageUsers,
  recordPage,
} from "../db/leaderboards";
import type { LeaderboardPeriod } from "../db/schema";
import { userActivity } from "../durable/stub";
import { log } from "../lib/log";
import { isoSeconds, safeTimeZone } from "../lib/time";
import { LEADERBOARD, microsToSeconds } from "./durations/dimensions";
import { streakDays } from "./stats/streak";
import { avatarUrl, displayName } from "./users/profile";

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
const RED = TRUST_LEVELS.red;
const DAY = 86_400;

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
  const id = await insertBuildUnlessRunning(env.DB, w, BUILD_STALE_SECONDS);
  if (id === null) {
    log.info("leaderboard build already in progress", { period, start_date: w.startDate });
    return null;
  }
  const step = await fanOutStep(env, id, w.days, 0);
  return { id, window: w, ...step };
}

/** A continuation of a board's fan-out after `afterUserId`. */
export async function continueFanOut(env: Env, boardId: number, afterUserId: number): Promise<void> {
  const board = await boardState(env.DB, boardId);
  if (!board || board.finished_generating_at) return; // pruned, or a redelivery after it finished
  const days: string[] = [];
  for (let d = utcMidnight(board.window_start); d < board.window_end; d += DAY) days.push(utcDate(d));
  await fanOutStep(env, boardId, days, afterUserId);
}

async function fanOutStep(env: Env, boardId: number, days: string[], after: number): Promise<{ pages: number; more: boolean }> {
  // Candidate ids after `after`, ascending, with whether each may be ranked (db/leaderboards.ts
  // CANDIDATES_SQL: at most days × FANOUT_LIMIT index rows read, however many users were active).
  const rows = await candidates(env.DB, days, after, FANOUT_LIMIT, RED);
  const more = rows.length === FANOUT_LIMIT;
  const ids = rows.filter((r) => r.eligible).map((r) => r.id);
  const pages: PageMessage[] = [];
  for (let i = 0; i < ids.length; i += PAGE_SIZE) pages.push({ kind: LEADERBOARD_PAGE, leaderboard_id: boardId, user_ids: ids.slice(i, i + PAGE_SIZE) });

  if (pages.length) {
    // Counted before they are sent, so no page can finish the board early.
    await addToPagesTotal(env.DB, boardId, pages.length);
    try {
      await env.IMPORTS.sendBatch(pages.map((body) => ({ body }))); // ≤ 100 messages: one call, all or nothing
    } catch (err) {
      await addToPagesTotal(env.DB, boardId, -pages.length);
      throw err;
    }
  }
  if (more) {
    const next: FanoutMessage = { kind: LEADERBOARD_FANOUT, leaderboard_id: boardId, after_user_id: rows[rows.length - 1].id };
    await env.IMPORTS.send(next);
  } else {
    // The fan-out is over: drop its placeholder; finish now if every page already landed.
    await endFanOut(env.DB, boardId);
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
  const board = await boardState(env.DB, boardId);
  if (!board || board.finished_generating_at) return { entries: 0, finished: !!board };

  const users = await pageUsers(env.DB, userIds);
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

  // One transaction: the entries and the page's count land together or not at all.
  const finished = await recordPage(env.DB, boardId, entries);
  return { entries: entries.length, finished };
}

/**
 * Deletes snapshots superseded by a newer finished one of the same (period, date), and builds
 * abandoned long ago; at most PRUNE_CHUNK × PRUNE_CHUNKS_PER_RUN entry rows per call.
 */
export async function pruneBoards(env: Env, period: LeaderboardPeriod): Promise<{ entries: number; boards: number }> {
  const ids = await doomedBoards(env.DB, period, ABANDONED_AFTER_SECONDS);
  if (!ids.length) return { entries: 0, boards: 0 };
  let entries = 0;
  for (let i = 0; i < PRUNE_CHUNKS_PER_RUN; i++) {
    const deleted = await deleteEntriesOf(env.DB, ids, PRUNE_CHUNK);
    entries += deleted;
    if (deleted < PRUNE_CHUNK) break;
  }
  // Boards whose entries are all gone.
  return { entries, boards: await deleteEmptyBoards(env.DB, ids) };
}

// ---------------------------------------------------------------- serving

export interface LeaderboardBody {
  period: LeaderboardPeriod;
  start_date: string;
  date_range: string;
  generated_at: string;
  entries: Array<{ rank: number; user: { id: number; username: string; avatar_url: string }; total_seconds: number }>;
}

/**
 * The latest finished snapshot of `period`, shadowbanned users left out (read now, not at build
 * time) and ranks 1..n over who is left; ties by user id. Null when no snapshot is finished.
 */
export async function latestLeaderboard(env: Env, period: LeaderboardPeriod): Promise<LeaderboardBody | null> {
  const latest = await latestFinishedBoard(env.DB, period);
  if (!latest) return null;
  const { board } = latest;
  const entries = await Promise.all(
    latest.entries.map(async (r, i) => ({
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
