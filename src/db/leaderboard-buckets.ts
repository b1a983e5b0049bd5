// Leaderboard inputs (lb_minute_buckets, lb_day_buckets, lb_streaks), kept by each user's
// UserActivity in the database that holds that user's heartbeats: every function here takes
// that D1Database. A bucket row is the user's leaderboard-eligible time in one UTC bucket
// [start, start + size): gap_sum (Σ capped gaps, µs), first_gap (the gap of its first heartbeat,
// µs) and n. A window made of whole buckets totals
//   Σ gap_sum − first_gap of its first non-empty bucket
// which is exactly the capped LAG over the window's heartbeats (the first contributes 0).
// Raw SQL: json_each batching for the upserts, and the period sums rely on SQLite's bare-column
// rule (with exactly one MIN() aggregate, a bare column comes from the row holding the minimum).

import type { ShardDb } from "./shards";

export type BucketKind = "minute" | "day";

export const BUCKET_SECONDS = { minute: 60, day: 86_400 } as const satisfies Record<BucketKind, number>;
/**
 * How far back each kind is kept. Minute buckets serve the rolling 24-hour board and any zone's
 * local today (which began less than 25 h ago); day buckets the weekly board ([today − 6 d, tomorrow)).
 */
export const MINUTE_BUCKET_RETENTION_SECONDS = 26 * 3600;
export const DAY_BUCKET_RETENTION_SECONDS = 8 * 86_400;

/** A bucket's absolute values: [start (epoch s), gap_sum µs, first_gap µs, n]. */
export type BucketRow = [number, number, number, number];

/** The streak summary a board needs: the user's zone and their latest run of qualifying local days. */
export interface StreakRow {
  timezone: string;
  lastDay: string | null;
  length: number;
}

/** What a UserActivity has to write: buckets changed since its last write, its streak, whether to replace all. */
export interface BucketOutbox {
  /** The user's rows are rewritten from scratch (a rebuilt projection): delete theirs first. */
  replace: boolean;
  minutes: BucketRow[];
  days: BucketRow[];
  streak: StreakRow | null;
}

const TABLE: Record<BucketKind, { table: string; column: string }> = {
  minute: { table: "lb_minute_buckets", column: "minute" },
  day: { table: "lb_day_buckets", column: "day" },
};

/** Upserts ?2 (JSON [[start, gap_sum, first_gap, n], …]) as user ?1's absolute bucket values: idempotent. */
export const upsertBucketsSql = (kind: BucketKind) => `INSERT INTO ${TABLE[kind].table} (user_id, ${TABLE[kind].column}, gap_sum, first_gap, n)
  SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2) WHERE true
  ON CONFLICT (user_id, ${TABLE[kind].column}) DO UPDATE SET gap_sum = excluded.gap_sum, first_gap = excluded.first_gap, n = excluded.n`;

export const UPSERT_STREAK_SQL = `INSERT INTO lb_streaks (user_id, timezone, last_day, length) VALUES (?1, ?2, ?3, ?4)
  ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone, last_day = excluded.last_day, length = excluded.length`;

/** Bucket rows per statement: a JSON parameter far below D1's 2 MB value limit. */
const UPSERT_CHUNK = 5000;

/**
 * The statements that write an outbox, in order (a caller runs them in one D1 batch, alone or
 * next to the heartbeat insert, so a board never sees half of them).
 */
export function bucketWriteStatements(d1: ShardDb, userId: number, outbox: BucketOutbox): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  if (outbox.replace) {
    // Primary-key ranges (user_id, …).
    out.push(d1.prepare("DELETE FROM lb_minute_buckets WHERE user_id = ?").bind(userId));
    out.push(d1.prepare("DELETE FROM lb_day_buckets WHERE user_id = ?").bind(userId));
  }
  for (const [kind, rows] of [["minute", outbox.minutes], ["day", outbox.days]] as const) {
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) out.push(d1.prepare(upsertBucketsSql(kind)).bind(userId, JSON.stringify(rows.slice(i, i + UPSERT_CHUNK))));
  }
  if (outbox.streak) out.push(d1.prepare(UPSERT_STREAK_SQL).bind(userId, outbox.streak.timezone, outbox.streak.lastDay, outbox.streak.length));
  return out;
}

export const isEmptyOutbox = (o: BucketOutbox) => !o.replace && o.minutes.length === 0 && o.days.length === 0 && o.streak === null;

/** Writes an outbox in one batch (one transaction). */
export async function writeBuckets(d1: ShardDb, userId: number, outbox: BucketOutbox): Promise<void> {
  const statements = bucketWriteStatements(d1, userId, outbox);
  if (statements.length) await d1.batch(statements);
}

// ---------------------------------------------------------------- boards

/** A user's total over a window, with their streak row (null fields: no row yet). */
export interface WindowTotal {
  user_id: number;
  micros: number;
  timezone: string | null;
  last_day: string | null;
  length: number | null;
}

/**
 * Per user with buckets in [?1, ?2): Σ gap_sum − the first bucket's first_gap, kept when ≥ ?3 µs,
 * with the user's streak row. One range of the (bucket, user_id) index; the per-user sums are
 * grouped in a temporary b-tree.
 */
export const windowTotalsSql = (kind: BucketKind) => `SELECT t.user_id, t.micros, s.timezone, s.last_day, s.length FROM (
    SELECT user_id, SUM(gap_sum) - first_gap AS micros, MIN(${TABLE[kind].column}) AS first_bucket
    FROM ${TABLE[kind].table} WHERE ${TABLE[kind].column} >= ?1 AND ${TABLE[kind].column} < ?2
    GROUP BY user_id HAVING micros >= ?3) t
  LEFT JOIN lb_streaks s ON s.user_id = t.user_id`;

export const MINUTE_WINDOW_TOTALS_SQL = windowTotalsSql("minute");
export const DAY_WINDOW_TOTALS_SQL = windowTotalsSql("day");

/** Totals of every user over [start, end) (epoch seconds on `kind`'s bucket edges), at least `minMicros`. */
export async function windowTotals(d1: ShardDb, kind: BucketKind, start: number, end: number, minMicros: number): Promise<WindowTotal[]> {
  const { results } = await d1.prepare(windowTotalsSql(kind)).bind(start, end, minMicros).all<WindowTotal>();
  return results;
}

/**
 * The same over minute buckets for the users whose streak row has zone ?1: the zone's users by
 * lb_streaks_timezone, then each one's primary-key range of minutes [?2, ?3).
 */
export const ZONE_WINDOW_TOTALS_SQL = `SELECT b.user_id, SUM(b.gap_sum) - b.first_gap AS micros, MIN(b.minute) AS first_bucket, s.timezone, s.last_day, s.length
  FROM lb_streaks s JOIN lb_minute_buckets b ON b.user_id = s.user_id
  WHERE s.timezone = ?1 AND b.minute >= ?2 AND b.minute < ?3
  GROUP BY b.user_id HAVING micros >= ?4`;

export async function zoneWindowTotals(d1: ShardDb, timezone: string, start: number, end: number, minMicros: number): Promise<WindowTotal[]> {
  const { results } = await d1.prepare(ZONE_WINDOW_TOTALS_SQL).bind(timezone, start, end, minMicros).all<WindowTotal>();
  return results;
}

// ---------------------------------------------------------------- pruning

/** At most ?2 bucket rows older than ?1, by the (bucket, user_id) index. */
export const pruneBucketsSql = (kind: BucketKind) => `DELETE FROM ${TABLE[kind].table} WHERE rowid IN (
    SELECT rowid FROM ${TABLE[kind].table} WHERE ${TABLE[kind].column} < ?1 LIMIT ?2)`;

/** Deletes at most `limit` `kind` buckets starting before `before`; how many went. */
export async function pruneBuckets(d1: ShardDb, kind: BucketKind, before: number, limit: number): Promise<number> {
  const r = await d1.prepare(pruneBucketsSql(kind)).bind(before, limit).run();
  return r.meta.changes;
}

/** Every bucket and the streak of one user in this database (a move between shards leaves them behind). */
export async function deleteBucketsOf(d1: ShardDb, userId: number): Promise<void> {
  await d1.batch([
    d1.prepare("DELETE FROM lb_minute_buckets WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM lb_day_buckets WHERE user_id = ?").bind(userId),
    d1.prepare("DELETE FROM lb_streaks WHERE user_id = ?").bind(userId),
  ]);
}
