// Leaderboards (hackatime-behavior.md §7): snapshots built by the cron from the per-user time
// buckets each UserActivity keeps next to its heartbeats, served from the latest finished one.
//
// Inputs (db/leaderboard-buckets.ts): per user and UTC minute (the last 26 h) and per user and
// UTC day, the leaderboard chain's Σ capped gaps, the gap of the bucket's first heartbeat and a
// count, kept exact at write time (late, out-of-order and duplicate heartbeats included); and
// per user their zone and latest streak run. A window made of whole buckets totals
//   Σ gap_sum − first_gap of its first non-empty bucket
// which equals Hackatime's capped LAG over the window's eligible heartbeats (partitioned by
// user, the first contributing 0): consecutive eligible heartbeats inside the window are
// consecutive in the user's chain, so each one's chain gap is its LAG gap, except the first's.
//
// A build, in the cron invocation itself (no Durable Object calls, no queue):
//   1. a `leaderboards` row for (period, UTC date, window), unless a build of the same period and
//      date is already in progress (one statement, so overlapping cron runs cannot both start one);
//   2. per heartbeat database, ONE statement sums the window's buckets per user, keeps users over
//      60 s and joins their streak row;
//   3. one batch writes the entries (red and vanished users dropped by a join on users) and marks
//      the board finished: readers see all of it or none of it.
// Then superseded snapshots and buckets no window can reach are pruned, a bounded number of rows.
//
// Windows: daily is [M − 24 h, M) at the cron minute M (minute buckets); last_7_days is
// [(today − 6 d) 00:00, tomorrow 00:00) UTC (day buckets).
//
// The local-day board (?timezone=Area/City): the users whose zone is that zone, ranked by their
// shared calendar today [local midnight, M) from the minute buckets — one window for everyone
// ranked, so the comparison is fair (ranking everyone by their own local day would mix windows
// of different lengths and ends). Computed on request for the current minute, from the same
// buckets (one statement per heartbeat database), and cached per (zone, minute) by the route:
// only zones someone asks for cost anything, where building every zone in use each minute would
// cost one statement per zone whether or not anyone looks.
import { TRUST_LEVELS } from "../auth/levels";
import { shardDatabases, sumAcrossShards } from "../db/shards";
import { DAY_BUCKET_RETENTION_SECONDS, MINUTE_BUCKET_RETENTION_SECONDS, pruneBuckets, windowTotals, zoneWindowTotals, type WindowTotal } from "../db/leaderboard-buckets";
import {
  abandonBuild,
  boardPage,
  deleteEmptyBoards,
  deleteEntriesOf,
  doomedBoards,
  finishBuild,
  insertBuildUnlessRunning,
  latestFinishedBoard,
  rankableProfiles,
  type ServedBoard,
  type ServedEntry,
} from "../db/leaderboards";
import type { LeaderboardPeriod } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { isoSeconds, localDate, safeTimeZone, startOfLocalDay } from "../lib/time";
import { MICROS, microsToSeconds } from "./durations/dimensions";
import { streakFromRun } from "./stats/streak";
import { avatarUrl, displayName } from "./users/profile";

export type { LeaderboardPeriod };

/** Users are ranked only with more than this many (whole) seconds. */
export const MIN_SECONDS = 60;
/** …that is, at least this many microseconds (microsToSeconds rounds half up). */
const MIN_MICROS = (MIN_SECONDS + 0.5) * MICROS;
/** An unfinished build older than this no longer blocks a new one (its cron invocation died). */
export const BUILD_STALE_SECONDS = 5 * 60;
/** Unfinished builds older than this are pruned. */
export const ABANDONED_AFTER_SECONDS = 24 * 3600;
/** Entry rows of superseded snapshots deleted per cron run, per statement. */
export const PRUNE_CHUNK = 10_000;
export const PRUNE_CHUNKS_PER_RUN = 5;
/** Bucket rows deleted per cron run, per statement and heartbeat database. */
export const BUCKET_PRUNE_CHUNK = 20_000;
export const BUCKET_PRUNE_CHUNKS_PER_RUN = 5;
const RED = TRUST_LEVELS.red;
const DAY = 86_400;

const utcDate = (epochSeconds: number) => new Date(Math.floor(epochSeconds) * 1000).toISOString().slice(0, 10);
const utcMidnight = (epochSeconds: number) => Math.floor(epochSeconds / DAY) * DAY;
const minuteOf = (epochSeconds: number) => Math.floor(epochSeconds / 60) * 60;

export interface BoardWindow {
  period: LeaderboardPeriod;
  /** The UTC date the board is keyed by. */
  startDate: string;
  /** [start, end), epoch seconds, on the edges of the buckets summed. */
  start: number;
  end: number;
}

/** daily: [M − 24 h, M) at the minute M of `now`. last_7_days: [(today − 6 d) 00:00, tomorrow 00:00) UTC. */
export function boardWindow(period: LeaderboardPeriod, now: number): BoardWindow {
  const m = minuteOf(now);
  const [start, end] = period === "daily" ? [m - DAY, m] : [utcMidnight(now) - 6 * DAY, utcMidnight(now) + DAY];
  return { period, startDate: utcDate(now), start, end };
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

/** The streak a window total's row gives as of `now` (0 without a streak row). */
function streakOf(row: WindowTotal, now: number): number {
  if (row.timezone === null) return 0;
  return streakFromRun({ lastDay: row.last_day, length: row.length ?? 0 }, localDate(now, safeTimeZone(row.timezone)));
}

/** Every user's total over [start, end) from `kind` buckets, over every heartbeat database. */
async function totalsOver(env: Env, kind: "minute" | "day", start: number, end: number): Promise<WindowTotal[]> {
  return sumAcrossShards(env, (db) => windowTotals(db, kind, start, end, MIN_MICROS));
}

export interface BuiltBoard {
  id: number;
  window: BoardWindow;
  /** Users over MIN_SECONDS before red users are dropped. */
  ranked: number;
}

/**
 * Builds the board of `period` as of `now` (epoch seconds). Null when a build of the same
 * period and date is already in progress.
 */
export async function buildBoard(env: Env, period: LeaderboardPeriod, now: number): Promise<BuiltBoard | null> {
  const w = boardWindow(period, now);
  const id = await insertBuildUnlessRunning(env.DB, w, BUILD_STALE_SECONDS);
  if (id === null) return null;
  try {
    const totals = await totalsOver(env, period === "daily" ? "minute" : "day", w.start, w.end);
    // Streaks count back from the build time (the daily window ends then; the weekly one ends at tomorrow's midnight).
    const streakNow = Math.min(now, w.end - 1);
    const entries = totals.map((t): [number, number, number] => [t.user_id, microsToSeconds(t.micros), streakOf(t, streakNow)]);
    await finishBuild(env.DB, id, entries, RED);
    return { id, window: w, ranked: entries.length };
  } catch (err) {
    await abandonBuild(env.DB, id);
    throw err;
  }
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

/**
 * Deletes the buckets no window can reach any more as of `now`: minute buckets over 26 h old,
 * day buckets before (today − 8 d); bounded per run and database.
 */
export async function pruneLeaderboardInputs(env: Env, now: number): Promise<number> {
  const cutoffs = [
    ["minute", minuteOf(now) - MINUTE_BUCKET_RETENTION_SECONDS],
    ["day", utcMidnight(now) - DAY_BUCKET_RETENTION_SECONDS],
  ] as const;
  let deleted = 0;
  for (const d1 of shardDatabases(env)) {
    for (const [kind, before] of cutoffs) {
      for (let i = 0; i < BUCKET_PRUNE_CHUNKS_PER_RUN; i++) {
        const n = await pruneBuckets(d1, kind, before, BUCKET_PRUNE_CHUNK);
        deleted += n;
        if (n < BUCKET_PRUNE_CHUNK) break;
      }
    }
  }
  return deleted;
}

// ---------------------------------------------------------------- serving

export interface LeaderboardEntry {
  rank: number;
  user: { id: number; username: string; avatar_url: string };
  total_seconds: number;
}

export interface LeaderboardBody {
  period: LeaderboardPeriod;
  start_date: string;
  date_range: string;
  generated_at: string;
  /** The local-day board's zone. */
  timezone?: string;
  entries: LeaderboardEntry[];
  /** Paged responses only. */
  page?: number;
  limit?: number;
  total_entries?: number;
}

/** `?page=&limit=`: none = every entry (Hackatime's shape); else `limit` entries (default DEFAULT_PAGE_LIMIT, at most MAX_PAGE_LIMIT) of page `page` (1-based). */
export interface Paging {
  page: number;
  limit: number | null;
}
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** The identicon of users with no avatar: a URL on this origin the browser caches (routes/avatars.ts). */
export const identiconPath = (seed: string) => `/avatars/identicon/${seed}.svg`;

async function entryOf(row: Omit<ServedEntry, "total_seconds">, rank: number, totalSeconds: number, origin: string): Promise<LeaderboardEntry> {
  const avatar = await avatarUrl({ id: row.user_id, slack_avatar_url: row.slack_avatar_url, github_avatar_url: row.github_avatar_url, email: row.email }, (seed) => `${origin}${identiconPath(seed)}`);
  return { rank, user: { id: row.user_id, username: displayName(row), avatar_url: avatar }, total_seconds: totalSeconds };
}

const pagingFields = (paging: Paging, total: number) => (paging.limit === null ? {} : { page: paging.page, limit: paging.limit, total_entries: total });

/** The latest finished snapshot and a tag naming exactly what a page of it shows (the ETag and cache key). */
export interface BoardHead {
  board: ServedBoard;
  tag: string;
}

/** The latest finished board of `period` and its tag for `paging`; null when none is finished. */
export async function boardHead(env: Env, period: LeaderboardPeriod, paging: Paging): Promise<BoardHead | null> {
  const board = await latestFinishedBoard(env.DB, period);
  if (!board) return null;
  // The snapshot (its id and finish time) and who is shadowbanned now: nothing else changes a page.
  const tag = `${period}-${board.id}-${(await sha256Hex(`${board.finished_generating_at}|${board.shadowbanned ?? ""}`)).slice(0, 16)}-${paging.page}-${paging.limit ?? "all"}`;
  return { board, tag };
}

/**
 * A page of a snapshot, shadowbanned users left out (read now, not at build time) and ranks
 * 1..n over who is left, most time first, ties by user id. Null when the snapshot is no
 * longer the latest (ask boardHead again).
 */
export async function boardBody(env: Env, head: BoardHead, paging: Paging, origin: string): Promise<LeaderboardBody | null> {
  const { board } = head;
  const offset = paging.limit === null ? 0 : (paging.page - 1) * paging.limit;
  const page = await boardPage(env.DB, board.id, board.period, offset, paging.limit ?? -1);
  if (!page) return null;
  return {
    period: board.period,
    start_date: board.start_date,
    date_range: dateRangeText(board.period, board.start_date),
    generated_at: isoSeconds(Date.parse(board.finished_generating_at) / 1000),
    entries: await Promise.all(page.entries.map((r, i) => entryOf(r, offset + i + 1, r.total_seconds, origin))),
    ...pagingFields(paging, page.total),
  };
}

/** Every entry of the latest finished board of `period` (identicons on `origin`); null when none is finished. */
export async function latestBoard(env: Env, period: LeaderboardPeriod, origin: string): Promise<LeaderboardBody | null> {
  const paging: Paging = { page: 1, limit: null };
  // A snapshot superseded between the head and its page is asked for again, once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const head = await boardHead(env, period, paging);
    if (!head) return null;
    const body = await boardBody(env, head, paging, origin);
    if (body) return body;
  }
  return null;
}

/** The local-day board's tag for (zone, minute, paging): it is computed for the current minute. */
export function localBoardTag(timezone: string, now: number, paging: Paging): string {
  return `local-${encodeURIComponent(timezone)}-${minuteOf(now)}-${paging.page}-${paging.limit ?? "all"}`;
}

/**
 * The daily board of one zone's users over their calendar today, [local midnight, M) at the
 * current minute M, from minute buckets (exact: local midnight is less than 25 h before M).
 * Red and shadowbanned users are left out; ranks and ties as the snapshot boards.
 */
export async function localDayBoard(env: Env, timezone: string, now: number, paging: Paging, origin: string): Promise<LeaderboardBody> {
  const m = minuteOf(now);
  const today = localDate(m, timezone);
  const start = startOfLocalDay(today, timezone);
  const totals = (await sumAcrossShards(env, (db) => zoneWindowTotals(db, timezone, start, m, MIN_MICROS))).map((t) => ({ userId: t.user_id, seconds: microsToSeconds(t.micros) }));
  const profiles = new Map(totals.length ? (await rankableProfiles(env.DB, totals.map((t) => t.userId), RED)).map((p) => [p.user_id, p]) : []);
  const ranked = totals.filter((t) => profiles.has(t.userId)).sort((a, b) => b.seconds - a.seconds || a.userId - b.userId);
  const offset = paging.limit === null ? 0 : (paging.page - 1) * paging.limit;
  const shown = paging.limit === null ? ranked : ranked.slice(offset, offset + paging.limit);
  return {
    period: "daily",
    start_date: today,
    date_range: "Today",
    generated_at: isoSeconds(m),
    timezone,
    entries: await Promise.all(shown.map((t, i) => entryOf(profiles.get(t.userId)!, offset + i + 1, t.seconds, origin))),
    ...pagingFields(paging, ranked.length),
  };
}
