// A user's raw heartbeats, newest first or paged oldest first (hackatime-behavior.md §6.8, §6.9):
// the "most recent" lookups, the keyset-paged listing, their query-parameter parsing, and Rails'
// time_ago_in_words. The queries (db/heartbeat-reads.ts) are keyed by user and walk the
// heartbeats(user_id, time, id) index; soft-deleted rows never show.
import type { HeartbeatField, StoredHeartbeat } from "../../db/heartbeat-fields";
import { heartbeatPage, mostRecent, type RecentFilter } from "../../db/heartbeat-reads";

// ---------------------------------------------------------------------------------------------
// time_ago_in_words (ActionView DateHelper#distance_of_time_in_words, include_seconds: false,
// the :en locale). Pure.

const MINUTES_IN_YEAR = 525_600;
const MINUTES_IN_QUARTER_YEAR = 131_400;
const MINUTES_IN_THREE_QUARTERS_YEAR = 394_200;

const count = (n: number, one: string, other: string) => (n === 1 ? one : other.replace("%{count}", String(n)));
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
// Ruby's Float#round rounds half away from zero (Math.round rounds half up); distances are ≥ 0.
const rubyRound = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/** Rails distance_of_time_in_words between two instants (epoch seconds), in either order. */
export function distanceOfTimeInWords(fromEpoch: number, toEpoch: number): string {
  let from = fromEpoch;
  let to = toEpoch;
  if (from > to) [from, to] = [to, from];
  const minutes = rubyRound((to - from) / 60);
  if (minutes <= 1) return minutes === 0 ? "less than a minute" : "1 minute";
  if (minutes < 45) return `${minutes} minutes`;
  if (minutes < 90) return "about 1 hour";
  if (minutes < 1440) return count(rubyRound(minutes / 60), "about 1 hour", "about %{count} hours");
  if (minutes < 2520) return "1 day";
  if (minutes < 43200) return count(rubyRound(minutes / 1440), "1 day", "%{count} days");
  if (minutes < 86400) return count(rubyRound(minutes / 43200), "about 1 month", "about %{count} months");
  if (minutes < 525600) return count(rubyRound(minutes / 43200), "1 month", "%{count} months");
  // Years, discounting the leap days between the two dates (UTC calendar, as Time.at is here).
  const f = new Date(from * 1000);
  const t = new Date(to * 1000);
  let fromYear = f.getUTCFullYear();
  if (f.getUTCMonth() + 1 >= 3) fromYear += 1;
  let toYear = t.getUTCFullYear();
  if (t.getUTCMonth() + 1 < 3) toYear -= 1;
  let leapYears = 0;
  for (let y = fromYear; y <= toYear; y++) if (isLeap(y)) leapYears++;
  const withOffset = minutes - leapYears * 1440;
  const remainder = ((withOffset % MINUTES_IN_YEAR) + MINUTES_IN_YEAR) % MINUTES_IN_YEAR;
  const years = Math.floor(withOffset / MINUTES_IN_YEAR);
  if (remainder < MINUTES_IN_QUARTER_YEAR) return count(years, "about 1 year", "about %{count} years");
  if (remainder < MINUTES_IN_THREE_QUARTERS_YEAR) return count(years, "over 1 year", "over %{count} years");
  return count(years + 1, "almost 1 year", "almost %{count} years");
}

/** What Hackatime shows for most_recent: time_ago_in_words(Time.at(time)) + " ago". */
export const timeAgo = (epochSeconds: number, now: number) => `${distanceOfTimeInWords(epochSeconds, now)} ago`;

// ---------------------------------------------------------------------------------------------
// Query parameters.

// parseTimeParam lives in lib/dates; re-exported for routes/my-data.ts, which imports it from here.
export { parseTimeParam } from "../../lib/dates";

/** ISO 8601 in UTC with milliseconds, as Rails renders a Time in JSON: 2024-03-13T10:00:00.000Z. */
export const isoMillis = (epochSeconds: number) => new Date(Math.floor(epochSeconds * 1000)).toISOString();

// ---------------------------------------------------------------------------------------------
// Keyset cursor over (time, id): opaque to clients (base64url of "time:id"). time is the exact
// stored double (JS prints it round-trippably), so the next page starts right after that row.

export interface HeartbeatKey {
  time: number;
  id: number;
}

export function encodeCursor(key: HeartbeatKey): string {
  return btoa(`${key.time}:${key.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): HeartbeatKey | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  let text: string;
  try {
    const b64 = cursor.replace(/-/g, "+").replace(/_/g, "/");
    text = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
  const m = /^(\d+(?:\.\d+)?(?:e[+-]?\d+)?):(\d{1,16})$/i.exec(text);
  if (!m) return null;
  const time = Number(m[1]);
  const id = Number(m[2]);
  return Number.isFinite(time) && Number.isSafeInteger(id) ? { time, id } : null;
}

// ---------------------------------------------------------------------------------------------
// Queries.

export const PAGE_DEFAULT_LIMIT = 1000;
export const PAGE_MAX_LIMIT = 5000;

export interface HeartbeatPage {
  rows: StoredHeartbeat[];
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * One page of a user's live heartbeats with start ≤ time ≤ end, in (time, id) order, after the
 * cursor's row. Reads limit + 1 rows to know whether another page follows.
 */
export async function pageHeartbeats(
  d1: D1Database,
  userId: number,
  range: { start: number; end: number },
  after: HeartbeatKey | null,
  limit: number,
): Promise<HeartbeatPage> {
  // With a cursor the index seek starts at the cursor's time, not the range start, so a page
  // costs the same at the end of a long range as at its beginning.
  const from = after ? Math.max(range.start, after.time) : range.start;
  const results = await heartbeatPage(d1, userId, { start: from, end: range.end }, after, limit + 1);
  const hasMore = results.length > limit;
  const rows = hasMore ? results.slice(0, limit) : results;
  const last = rows[rows.length - 1];
  return { rows, hasMore, nextCursor: hasMore && last ? encodeCursor({ time: last.time, id: last.id }) : null };
}

export type { RecentFilter };

export async function mostRecentHeartbeat(d1: D1Database, userId: number, filter: RecentFilter = {}): Promise<StoredHeartbeat | null> {
  return mostRecent(d1, userId, filter);
}

/** The fields /authenticated/heartbeats/latest shows, of the newest non-test heartbeat. */
export const LATEST_FIELDS = ["id", "created_at", "time", "category", "project", "language", "editor", "operating_system", "machine", "entity"] as const satisfies readonly HeartbeatField[];

export type LatestHeartbeat = Pick<StoredHeartbeat, (typeof LATEST_FIELDS)[number]>;

export async function latestHeartbeat(d1: D1Database, userId: number): Promise<LatestHeartbeat | null> {
  return mostRecent(d1, userId, {}, LATEST_FIELDS);
}

// routes/my-data.ts' tests (another area) EXPLAIN these; re-exported until they import db/.
