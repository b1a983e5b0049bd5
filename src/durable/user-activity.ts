// UserActivity: one Durable Object per user. It serialises that user's writes and keeps a
// projection of their heartbeats that makes durations cheap to read:
//
//   chain(dim, key, t, id, gap, over, day)
//                                      every heartbeat once per chain it belongs to ("all", and
//                                      each grouping dimension's value), with its capped gap to
//                                      the previous heartbeat of the same chain, across days, and
//                                      whether the real gap was over the cap
//   rollup(dim, day, key, gap_sum, n, first_gap, over_n, first_over)
//                                      per user-local day: Σ gaps, count, Σ over, and the gap and
//                                      over flag of the day's first heartbeat in that chain
//
// A day's own total (chain restarted at local midnight, as the status bar counts it) is
// gap_sum − first_gap; a range of whole days is Σ gap_sum − the first day's first_gap.
// Inserting a heartbeat between two others fixes its successor's gap, so out-of-order and late
// heartbeats leave exactly what a from-scratch computation gives. The projection can always
// be rebuilt from D1 (it is, whenever the user's time zone changes).
//
//   lb_bucket(kind, bucket, gap_sum, n, first_gap, dirty)
//                                      the leaderboard chain per UTC minute ('m', the last 26 h
//                                      before min(now, the latest heartbeat)) and per UTC day
//                                      ('d'), kept as the rollups are; `dirty` rows are not yet
//                                      in D1's lb_minute_buckets / lb_day_buckets
//
// Design note: the rollups live here, in each user's own SQLite, rather than in D1 as the first
// design sketched: every write and read of them is keyed by one user, so per-user storage
// scales out with users and keeps D1 (one query at a time) for what is truly shared.
// Cross-user readers (leaderboards) read the buckets and streak row each object keeps in D1
// (db/leaderboard-buckets.ts): an outbox. Bucket changes are marked dirty in the same storage
// transaction as the projection change; their absolute values are upserted into D1 (idempotent)
// before ingest() returns. Usually in the heartbeat insert's own D1 batch (one D1 call and one
// transaction per ingest): ingest works the outbox out beforehand (speculateOutbox: the batch
// folded into the two chains it depends on, then rolled back) and, after the real fold, sends
// the rows again only where they differ (duplicates change a count). Whatever a crash left dirty
// goes with the next ingest. One ingest at a time (a mutex), so two batches never interleave
// their D1 writes.
import { DurableObject } from "cloudflare:workers";
import { shardAt } from "../db/shards";
import { switchUserShard } from "../db/users";
import { ALL_TIME, MOVE_START, copyHeartbeatRows, heartbeatCounts, heartbeatPageForMove, type MoveCursor, type ShardRowCounts } from "../db/shard-moves";
import { boundaryAwareTotalMicros, type HeartbeatFilter } from "../db/durations";
import { insertHeartbeats, pageHeartbeatsForChains, type ChainSource, type StoredHeartbeat } from "../db/heartbeats";
import {
  BUCKET_SECONDS,
  DAY_BUCKET_RETENTION_SECONDS,
  MINUTE_BUCKET_RETENTION_SECONDS,
  bucketWriteStatements,
  isEmptyOutbox,
  writeBuckets,
  type BucketOutbox,
  type BucketRow,
  type StreakRow,
} from "../db/leaderboard-buckets";
import { ALL_KEY, GROUP_DIMENSIONS, LEADERBOARD, MICROS, NON_BROWSING, TIMEOUT_MICROS, cappedGap, chainKeys, isOverCap, toMicros, type Dimension, type GroupDimension } from "../domain/durations/dimensions";
import type { NormalizedHeartbeat } from "../domain/heartbeats/normalize";
import { STREAK_MAX, STREAK_MIN_MICROS, latestRun } from "../domain/stats/streak";
import { dayKeyer } from "../lib/time";
import { CredentialStore, type KeyCheck } from "./credentials";
import { FILTER_DAY_TABLES, FilterDays, type FilteredTotal } from "./filter-days";
import { ProjectionWriter } from "./projection-writer";
import { planRange, rangeTotals, type ChainSelector, type RangeTotal } from "./range-totals";

const STATUS_BAR_DIMENSIONS: Dimension[] = ["all", ...GROUP_DIMENSIONS];

/** What finishMove found on both sides: equal counts and all-time totals, or why not. */
export interface MoveCheck {
  ok: boolean;
  from: number;
  to: number;
  source: ShardRowCounts & { micros: number };
  target: ShardRowCounts & { micros: number };
}

export interface DayTotal {
  dim: Dimension;
  key: string;
  micros: number;
}

const REBUILD_PAGE = 5000;
const PROJECTION_VERSION = 9;
/** The meta keys of a move under way: a rebuild of the projection keeps them. */
const MOVE_META = "('moving_to', 'move_cursor')";
const MINUTE = "m";
const DAY = "d";

export class UserActivity extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private dayOf: (epochSeconds: number) => string = dayKeyer("UTC");
  private ready: Promise<void> | null = null;
  private readyFor: string | null = null;
  private readonly tails = new Map<string, ChainEnd | null>();
  /** Minute buckets before this (epoch s) are neither kept nor updated (see applyAll). */
  private minuteHorizon = NO_HORIZON;
  /** Whether storage may hold an outbox to send (after a restart or a rebuild). */
  private outboxMaybe = true;
  private lock: Promise<unknown> = Promise.resolve();
  /** The shard database holding this user's heartbeats and buckets (meta "shard"). */
  private shard = 0;
  /** During a move: the shard every write is also copied to (meta "moving_to"; the copy's cursor is "move_cursor"). */
  private movingTo: number | null = null;
  /** The user's row and key hashes: this object answers key checks (docs/edge-auth.md). */
  private readonly credentials: CredentialStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // A projection in an older layout is dropped; prepare() then rebuilds it from D1.
    this.sql.exec("CREATE TABLE IF NOT EXISTS projection_version (v INTEGER NOT NULL)");
    if (this.sql.exec<{ v: number }>("SELECT v FROM projection_version").toArray()[0]?.v !== PROJECTION_VERSION) {
      this.sql.exec("DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS hb; DROP TABLE IF EXISTS chain; DROP TABLE IF EXISTS rollup; DROP TABLE IF EXISTS lb_bucket; DROP TABLE IF EXISTS filter_day; DROP TABLE IF EXISTS filter_sig;");
      this.sql.exec("DELETE FROM projection_version; INSERT INTO projection_version (v) VALUES (?)", PROJECTION_VERSION);
    }
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS hb (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, keys TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS chain (
        dim TEXT NOT NULL, key TEXT NOT NULL, t INTEGER NOT NULL, id INTEGER NOT NULL,
        gap INTEGER NOT NULL, over INTEGER NOT NULL, day TEXT NOT NULL,
        PRIMARY KEY (dim, key, t, id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS chain_day ON chain (dim, day, t);
      CREATE TABLE IF NOT EXISTS rollup (
        dim TEXT NOT NULL, day TEXT NOT NULL, key TEXT NOT NULL,
        gap_sum INTEGER NOT NULL, n INTEGER NOT NULL, first_gap INTEGER NOT NULL,
        over_n INTEGER NOT NULL, first_over INTEGER NOT NULL,
        PRIMARY KEY (dim, day, key)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS rollup_key ON rollup (dim, key, day);
      CREATE TABLE IF NOT EXISTS lb_bucket (
        kind TEXT NOT NULL, bucket INTEGER NOT NULL,
        gap_sum INTEGER NOT NULL, n INTEGER NOT NULL, first_gap INTEGER NOT NULL, dirty INTEGER NOT NULL,
        PRIMARY KEY (kind, bucket)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS lb_bucket_dirty ON lb_bucket (kind, bucket) WHERE dirty = 1;
    `);
    this.sql.exec(FILTER_DAY_TABLES);
    this.credentials = new CredentialStore(this.sql, () => this.env.DB);
  }

  /**
   * Verifies a user key by its SHA-256 against this user's keys (the full hash, in constant
   * time): the user as the key lookup reads them, or why the key is refused. `reloadFirst`: read
   * the user's credentials from D1 first (the caller found the key there; a key inserted
   * without telling this object, by an operator, becomes known).
   */
  async authenticateKey(userId: number, hash: string, reloadFirst = false): Promise<KeyCheck> {
    if (reloadFirst) await this.credentials.reload(userId);
    return this.credentials.check(userId, hash);
  }

  /**
   * Something that a key check answers changed in D1 (a key created, rotated or revoked; the
   * time zone, privacy, levels, a deletion request, a daily goal): read it again before answering.
   */
  async credentialsChanged(userId: number): Promise<void> {
    await this.credentials.reload(userId);
  }

  /**
   * Stores a user's normalised heartbeats in D1 (duplicates map to the existing row) and
   * folds the new ones into the projection. Returns the stored row for each input, in order.
   */
  async ingest(userId: number, timezone: string, batch: NormalizedHeartbeat[]): Promise<StoredHeartbeat[]> {
    await this.ensureReady(userId, timezone);
    if (batch.length === 0) return [];
    return this.exclusive(async () => {
      // The D1 rows this batch will leave, worked out beforehand (see speculateOutbox), go in
      // the insert's batch: one D1 call per ingest, one transaction with the heartbeats.
      const speculative = this.speculateOutbox(batch, timezone);
      const shard = shardAt(this.env, this.shard);
      const stored = await insertHeartbeats(shard, userId, batch, speculative ? bucketWriteStatements(shard.db, userId, speculative) : []);
      const rows = batch.map((h) => {
        const row = stored.get(h.fields_hash);
        if (!row) throw new Error("stored heartbeat missing after insert");
        return row;
      });
      // During a move the same rows (ids included) go to the target too: the copy may already
      // have passed their place. Copying a row twice is a no-op.
      if (this.movingTo !== null) {
        const target = shardAt(this.env, this.movingTo).db;
        await target.batch(copyHeartbeatRows(target, rows));
      }
      this.applyAll(rows, timezone);
      // What the projection really holds for every row sent, and whatever else changed: usually
      // exactly what was sent; else sent now (absolute values, so this corrects the first write).
      if (speculative) this.markDirty(speculative);
      const outbox = this.readOutbox();
      if (outbox && JSON.stringify(outbox) !== JSON.stringify(speculative)) await writeBuckets(shard.db, userId, outbox);
      if (outbox) this.outboxSent();
      return rows;
    });
  }

  /** Per-chain totals of one local day, each chain restarted at local midnight. */
  async dayTotals(userId: number, timezone: string, day: string): Promise<DayTotal[]> {
    await this.readyToRead(userId, timezone);
    return this.sql
      .exec<{ dim: Dimension; key: string; micros: number }>(
        "SELECT dim, key, gap_sum - first_gap AS micros FROM rollup WHERE dim IN (SELECT value FROM json_each(?)) AND day = ?",
        JSON.stringify(STATUS_BAR_DIMENSIONS),
        day,
      )
      .toArray();
  }

  /** Capped-gap totals per chain key over [start, end) (epoch seconds). */
  async rangeTotals(userId: number, timezone: string, start: number, end: number, selectors: ChainSelector[]): Promise<RangeTotal[]> {
    await this.readyToRead(userId, timezone);
    return rangeTotals(this.sql, planRange(start, end, timezone), selectors);
  }

  /** Totals over [start, end) of the heartbeats a filter selects, and per value of `dims` (filter-days.ts). */
  async filteredTotals(userId: number, timezone: string, start: number, end: number, filter: HeartbeatFilter, dims: GroupDimension[]): Promise<FilteredTotal[]> {
    await this.readyToRead(userId, timezone);
    return new FilterDays(this.sql, filter, dims).rangeTotals(planRange(start, end, timezone));
  }

  /** Each local day's own totals in [fromDay, toDay] of the heartbeats a filter selects, and per value of `dims`. */
  async filteredDailyTotals(userId: number, timezone: string, filter: HeartbeatFilter, dims: GroupDimension[], fromDay: string, toDay: string) {
    await this.readyToRead(userId, timezone);
    return new FilterDays(this.sql, filter, dims).dailyTotals(fromDay, toDay);
  }

  /** One chain's own total per local day in [fromDay, toDay] (chain restarted at midnight). */
  async dailyTotals(userId: number, timezone: string, dim: Dimension, key: string, fromDay: string, toDay: string): Promise<Array<{ day: string; micros: number }>> {
    await this.readyToRead(userId, timezone);
    return this.sql
      .exec<{ day: string; micros: number }>(
        "SELECT day, gap_sum - first_gap AS micros FROM rollup WHERE dim = ? AND key = ? AND day >= ? AND day <= ? ORDER BY day",
        dim,
        key,
        fromDay,
        toDay,
      )
      .toArray();
  }

  /** Every key of these dimensions: its own total per local day in [fromDay, toDay] (the daily charts). */
  async dailyTotalsByKey(userId: number, timezone: string, dims: Dimension[], fromDay: string, toDay: string): Promise<Array<{ dim: Dimension; day: string; key: string; micros: number }>> {
    await this.ensureReady(userId, timezone);
    return this.sql
      .exec<{ dim: Dimension; day: string; key: string; micros: number }>(
        "SELECT dim, day, key, gap_sum - first_gap AS micros FROM rollup WHERE dim IN (SELECT value FROM json_each(?)) AND day >= ? AND day <= ? ORDER BY day",
        JSON.stringify(dims),
        fromDay,
        toDay,
      )
      .toArray();
  }

  /** Drops the projection and replays the user's heartbeats from D1. */
  async rebuild(userId: number, timezone: string): Promise<{ heartbeats: number }> {
    return this.exclusive(async () => {
      this.ready = null;
      this.sql.exec(`DELETE FROM meta WHERE k NOT IN ${MOVE_META}`);
      await this.ensureReady(userId, timezone);
      await this.sendOutbox(userId);
      return { heartbeats: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hb").one().n };
    });
  }

  // ---------------------------------------------------------------- moving between shards
  // domain/shards/move.ts drives these: begin, copy pages until done, finish (verify and switch)
  // or abort. Each step runs between the user's writes, never beside one.

  /** Starts (or resumes) copying this user's rows to shard `to`; answers the shard they are on. */
  async beginMove(userId: number, timezone: string, to: number): Promise<{ from: number; to: number; resumed: boolean }> {
    await this.ensureReady(userId, timezone);
    return this.exclusive(async () => {
      if (this.movingTo === to) return { from: this.shard, to, resumed: true };
      if (this.movingTo !== null) throw new Error(`already moving to shard ${this.movingTo}`);
      if (to === this.shard) throw new Error(`already on shard ${to}`);
      shardAt(this.env, to); // throws for a shard this Worker does not have
      this.movingTo = to;
      this.setMeta({ moving_to: String(to), move_cursor: JSON.stringify(MOVE_START) });
      return { from: this.shard, to, resumed: false };
    });
  }

  /** Copies the next page of rows (live and deleted, in (time, id) order) to the target. */
  async copyStep(userId: number, timezone: string, limit: number): Promise<{ copied: number; done: boolean }> {
    await this.ensureReady(userId, timezone);
    return this.exclusive(async () => {
      if (this.movingTo === null) return { copied: 0, done: true }; // switched, by another run of the same move
      const cursor = JSON.parse(this.meta("move_cursor") ?? JSON.stringify(MOVE_START)) as MoveCursor;
      if (cursor.time === null) cursor.time = -Infinity; // JSON has no -Infinity
      const page = await heartbeatPageForMove(shardAt(this.env, this.shard).db, userId, cursor, limit);
      if (page.length) {
        const target = shardAt(this.env, this.movingTo).db;
        await target.batch(copyHeartbeatRows(target, page));
        const last = page[page.length - 1];
        this.setMeta({ move_cursor: JSON.stringify({ time: last.time, id: last.id }) });
      }
      return { copied: page.length, done: page.length < limit };
    });
  }

  /**
   * Copies the active days, then compares both sides (row counts, live rows, all-time capped
   * total); when they agree, switches the user to the target in the main database and here.
   * Null when there is no move to finish (another run of it switched already).
   */
  async finishMove(userId: number, timezone: string): Promise<MoveCheck | null> {
    await this.ensureReady(userId, timezone);
    return this.exclusive(async () => {
      if (this.movingTo === null) return null; // switched, by another run of the same move
      const from = shardAt(this.env, this.shard).db;
      const to = shardAt(this.env, this.movingTo).db;
      const side = async (db: typeof from) => ({ ...(await heartbeatCounts(db, userId)), micros: await boundaryAwareTotalMicros(db, userId, ALL_TIME, TIMEOUT_MICROS) });
      const [source, target] = await Promise.all([side(from), side(to)]);
      const check: MoveCheck = { ok: source.rows === target.rows && source.live === target.live && source.micros === target.micros, from: this.shard, to: this.movingTo, source, target };
      if (!check.ok) return check;
      await switchUserShard(this.env.DB, userId, this.shard, this.movingTo);
      await this.credentials.reload(userId);
      this.shard = this.movingTo;
      this.movingTo = null;
      this.setMeta({ shard: String(this.shard) });
      this.sql.exec("DELETE FROM meta WHERE k IN ('moving_to', 'move_cursor')");
      // The leaderboard buckets and streak, all of them, to the new shard (the old shard's copy
      // is left out of board sums by users.stale_shard until the move deletes it).
      this.sql.exec("UPDATE lb_bucket SET dirty = 1; INSERT OR REPLACE INTO meta (k, v) VALUES ('lb_replace', '1'), ('lb_streak_dirty', '1');");
      this.outboxMaybe = true;
      await this.sendOutbox(userId);
      return check;
    });
  }

  /** Stops a move before its switch: writes go to the user's shard alone again. */
  async abortMove(userId: number, timezone: string): Promise<void> {
    await this.ensureReady(userId, timezone);
    await this.exclusive(async () => {
      this.movingTo = null;
      this.sql.exec("DELETE FROM meta WHERE k IN ('moving_to', 'move_cursor')");
    });
  }

  private meta(k: string): string | undefined {
    return this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v;
  }

  private setMeta(values: Record<string, string>): void {
    for (const [k, v] of Object.entries(values)) this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
  }

  /** Runs `fn` after every earlier call has finished (the object's D1 writes stay in order). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** The projection ready for reading, and any outbox a rebuild or a crash left sent. */
  private async readyToRead(userId: number, timezone: string): Promise<void> {
    await this.ensureReady(userId, timezone);
    if (this.outboxMaybe) await this.exclusive(() => this.sendOutbox(userId));
  }

  private ensureReady(userId: number, timezone: string): Promise<void> {
    if (!this.ready || this.readyFor !== timezone) {
      this.readyFor = timezone;
      // blockConcurrencyWhile: no other request sees a half-built projection.
      this.ready = this.ctx.blockConcurrencyWhile(() => this.prepare(userId, timezone));
      this.ready.catch(() => (this.ready = null));
    }
    return this.ready;
  }

  private async prepare(userId: number, timezone: string): Promise<void> {
    this.dayOf = dayKeyer(timezone);
    const meta = new Map(this.sql.exec<{ k: string; v: string }>("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v]));
    this.movingTo = meta.has("moving_to") ? Number(meta.get("moving_to")) : null;
    if (meta.get("user_id") === String(userId) && meta.get("timezone") === timezone && meta.has("shard")) {
      this.shard = Number(meta.get("shard"));
      return;
    }
    // Which shard holds the user's rows: read once from the main database (with the user's
    // credentials, which the key check has usually read already), then kept here (a move
    // between shards changes it through this object, the user's single writer).
    this.shard = (await this.credentials.user(userId))?.shard ?? 0;

    // New object, or the user's zone changed (day keys move): rebuild from the source of truth.
    // The user's D1 buckets are then replaced by the rebuilt ones (the outbox's `replace`).
    this.sql.exec(`DELETE FROM hb; DELETE FROM chain; DELETE FROM rollup; DELETE FROM lb_bucket; DELETE FROM filter_day; DELETE FROM filter_sig; DELETE FROM meta WHERE k NOT IN ${MOVE_META}; INSERT INTO meta (k, v) VALUES ('lb_replace', '1');`);
    this.tails.clear();
    this.minuteHorizon = NO_HORIZON;
    this.outboxMaybe = true;
    let after: { time: number; id: number } | null = null;
    for (;;) {
      const page: ChainSource[] = await pageHeartbeatsForChains(shardAt(this.env, this.shard).db, userId, after, REBUILD_PAGE);
      if (page.length === 0) break;
      this.applyAll(page, timezone);
      const last = page[page.length - 1];
      after = { time: last.time, id: last.id };
      if (page.length < REBUILD_PAGE) break;
    }
    this.updateStreak(timezone); // also for a user with no heartbeats left: their D1 row says so
    this.sql.exec("INSERT INTO meta (k, v) VALUES ('user_id', ?), ('timezone', ?), ('shard', ?)", String(userId), timezone, String(this.shard));
  }

  /**
   * Folds heartbeats into every chain they belong to, in one storage transaction, with the
   * leaderboard buckets and the streak summary they change (marked for D1).
   *
   * Minute buckets are kept from the minute horizon on: 26 h before min(now, the latest
   * heartbeat). The horizon never moves back, so a bucket at or after it has seen every row
   * of its minute; buckets before it are dropped and no longer updated. Any board window ends
   * at or before now and starts less than 25 h before it, so it only reads complete buckets.
   */
  private applyAll(rows: ChainSource[], timezone: string): void {
    try {
      this.ctx.storage.transactionSync(() => {
        // Rows already applied (duplicates, retries, a crash between D1 and here) are skipped by id.
        const known = new Set(
          this.sql
            .exec<{ id: number }>("SELECT id FROM hb WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(rows.map((r) => r.id)))
            .toArray()
            .map((r) => r.id),
        );
        this.fold(
          rows.filter((r) => !known.has(r.id) && known.add(r.id)),
          timezone,
          null,
        );
      });
    } catch (err) {
      this.tails.clear(); // the transaction rolled back; the cache may hold rows it undid
      throw err;
    }
  }

  /** Folds new rows into the chains of `dims` (null: every chain), inside the caller's transaction. */
  private fold(rows: ChainSource[], timezone: string, dims: ReadonlySet<Dimension> | null): void {
    let latest = this.chainTail("all", ALL_KEY)?.t ?? NO_HORIZON;
    for (const r of rows) latest = Math.max(latest, toMicros(r.time));
    this.minuteHorizon = Math.max(this.minuteHorizon, bucketOf("minute", Math.min(Date.now() * 1000, latest) - MINUTE_BUCKET_RETENTION_SECONDS * MICROS));
    const writer = new ProjectionWriter(this.sql);
    for (const row of rows) this.apply(row, writer, dims);
    writer.flush();
    this.sql.exec("DELETE FROM lb_bucket WHERE kind = ? AND bucket < ?", MINUTE, this.minuteHorizon);
    if (rows.length) {
      this.updateStreak(timezone);
      this.outboxMaybe = true;
    }
  }

  /**
   * The outbox `batch` would leave, without keeping anything: the batch folded into the two
   * chains the outbox depends on (leaderboard: the buckets; non-browsing: the streak) with
   * provisional ids, read, and rolled back. Bucket sums and first gaps depend neither on ids
   * (heartbeats at equal times add 0 whichever comes first) nor on which of the batch are
   * duplicates (a duplicate has the same time and fields as its original), so this is what the
   * real fold leaves unless duplicates change a count; ingest checks and corrects that.
   */
  private speculateOutbox(batch: NormalizedHeartbeat[], timezone: string): BucketOutbox | null {
    // Big batches (imports) send theirs after the fold instead: a second call is cheap next to them.
    if (this.env.BENCH_SKIP_LEADERBOARD_BUCKETS || batch.length > SPECULATE_MAX) return null;
    const saved = { tails: new Map([...this.tails].map(([k, v]) => [k, v && { ...v }])), horizon: this.minuteHorizon, maybe: this.outboxMaybe };
    let outbox: BucketOutbox | null = null;
    try {
      this.ctx.storage.transactionSync(() => {
        this.fold(
          batch.map((h, i) => ({ ...h, id: -1 - i })),
          timezone,
          OUTBOX_DIMENSIONS,
        );
        // The real fold will have these heartbeats in the "all" chain: the day horizon counts them.
        let latest = this.chainTail("all", ALL_KEY)?.t ?? NO_HORIZON;
        for (const h of batch) latest = Math.max(latest, toMicros(h.time));
        outbox = this.readOutbox(false, latest);
        throw ROLLBACK;
      });
    } catch (err) {
      if (err !== ROLLBACK) throw err;
    } finally {
      this.tails.clear();
      for (const [k, v] of saved.tails) this.tails.set(k, v);
      this.minuteHorizon = saved.horizon;
      this.outboxMaybe = saved.maybe;
    }
    return outbox;
  }

  private apply(row: ChainSource, writer: ProjectionWriter, dims: ReadonlySet<Dimension> | null = null): void {
    const t = toMicros(row.time);
    const keys = chainKeys(row);
    const day = this.dayOf(row.time);
    if (!dims) writer.heartbeat(row.id, t, keys, day);
    for (const [dim, key] of keys) if (!dims || dims.has(dim)) this.insertIntoChain(dim, key, t, row.id, day, writer);
  }

  /** The latest heartbeat of a chain, cached: editors send in time order, so most inserts append. */
  private chainTail(dim: Dimension, key: string): ChainEnd | null {
    const cacheKey = `${dim}\u0000${key}`;
    let tail = this.tails.get(cacheKey);
    if (tail === undefined) {
      tail =
        this.sql
          .exec<ChainEnd>("SELECT t, id, day, gap, over FROM chain WHERE dim = ? AND key = ? ORDER BY t DESC, id DESC LIMIT 1", dim, key)
          .toArray()[0] ?? null;
      this.tails.set(cacheKey, tail);
    }
    return tail;
  }

  private insertIntoChain(dim: Dimension, key: string, t: number, id: number, day: string, writer: ProjectionWriter): void {
    const tail = this.chainTail(dim, key);
    const appends = !tail || t > tail.t || (t === tail.t && id > tail.id);
    let prev: { t: number; day: string } | undefined;
    let next: ChainEnd | undefined;
    if (appends) {
      prev = tail ?? undefined;
    } else {
      writer.flushChain(); // the neighbour lookups must see this batch's rows
      prev = this.sql
        .exec<{ t: number; day: string }>(
          "SELECT t, day FROM chain WHERE dim = ?1 AND key = ?2 AND (t, id) < (?3, ?4) ORDER BY t DESC, id DESC LIMIT 1",
          dim,
          key,
          t,
          id,
        )
        .toArray()[0];
      next = this.sql
        .exec<ChainEnd>("SELECT t, id, day, gap, over FROM chain WHERE dim = ?1 AND key = ?2 AND (t, id) > (?3, ?4) ORDER BY t, id LIMIT 1", dim, key, t, id)
        .toArray()[0];
    }

    const gap = prev ? cappedGap(t, prev.t) : 0;
    const over = prev && isOverCap(t, prev.t) ? 1 : 0;
    writer.chainRow(dim, key, t, id, gap, over, day);
    writer.rollup(day, dim, key, gap, 1, over, !prev || prev.day !== day ? { gap, over } : undefined);
    if (dim === LEADERBOARD) this.addToBuckets(t, gap, prev?.t, writer);
    if (appends) this.tails.set(`${dim}\u0000${key}`, { t, id, day, gap, over });

    if (next) {
      // The successor now chains to this heartbeat. If it sits on a later day it was, and stays,
      // that day's first row, so its new gap is also that day's first_gap.
      const nextGap = cappedGap(next.t, t);
      const nextOver = isOverCap(next.t, t) ? 1 : 0;
      this.sql.exec("UPDATE chain SET gap = ?, over = ? WHERE dim = ? AND key = ? AND t = ? AND id = ?", nextGap, nextOver, dim, key, next.t, next.id);
      writer.rollup(next.day, dim, key, nextGap - next.gap, 0, nextOver - next.over, next.day !== day ? { gap: nextGap, over: nextOver } : undefined);
      if (dim === LEADERBOARD) this.regapInBuckets(next.t, next.gap, nextGap, t, writer);
      const cached = this.tails.get(`${dim}\u0000${key}`);
      if (cached && cached.t === next.t && cached.id === next.id) Object.assign(cached, { gap: nextGap, over: nextOver });
    }
  }

  /** A new leaderboard row at `t` (its predecessor at `prevT`): it is its bucket's first when the predecessor is in an earlier one. */
  private addToBuckets(t: number, gap: number, prevT: number | undefined, writer: ProjectionWriter): void {
    for (const [kind, size] of BUCKET_KINDS) {
      const b = bucketOf(size, t);
      if (kind === MINUTE && b < this.minuteHorizon) continue;
      const first = prevT === undefined || bucketOf(size, prevT) !== b;
      writer.bucket(kind, b, gap, 1, first ? gap : undefined);
    }
  }

  /** The row at `nextT` now follows a new row at `t`: if that is in an earlier bucket, `nextT` was and stays its bucket's first. */
  private regapInBuckets(nextT: number, oldGap: number, newGap: number, t: number, writer: ProjectionWriter): void {
    for (const [kind, size] of BUCKET_KINDS) {
      const b = bucketOf(size, nextT);
      if (kind === MINUTE && b < this.minuteHorizon) continue;
      writer.bucket(kind, b, newGap - oldGap, 0, bucketOf(size, t) !== b ? newGap : undefined);
    }
  }

  /**
   * Recomputes the streak summary from the non-browsing chain's local-day rollups (the latest
   * run of qualifying days, domain/stats/streak.ts) and marks it for D1 when it changed.
   */
  private updateStreak(timezone: string): void {
    const days = this.sql
      .exec<{ day: string }>("SELECT day FROM rollup WHERE dim = ? AND key = ? AND gap_sum - first_gap >= ? ORDER BY day DESC LIMIT ?", NON_BROWSING, ALL_KEY, STREAK_MIN_MICROS, STREAK_MAX)
      .toArray()
      .map((r) => r.day);
    const run = latestRun(days);
    const streak = JSON.stringify({ timezone, lastDay: run.lastDay, length: run.length } satisfies StreakRow);
    const meta = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'lb_streak'").toArray()[0];
    if (meta?.v === streak) return;
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('lb_streak', ?), ('lb_streak_dirty', '1')", streak);
    this.outboxMaybe = true;
  }

  /**
   * What D1 does not have yet, or null: dirty buckets (day buckets only from 8 days before
   * min(now, the latest heartbeat): older ones no board reads), the streak if it changed, and
   * whether the user's rows are to be replaced (a rebuilt projection).
   */
  private readOutbox(markEmptySent = true, latest = this.chainTail("all", ALL_KEY)?.t): BucketOutbox | null {
    if (!this.outboxMaybe) return null;
    const meta = new Map(this.sql.exec<{ k: string; v: string }>("SELECT k, v FROM meta WHERE k IN ('lb_replace', 'lb_streak', 'lb_streak_dirty')").toArray().map((r) => [r.k, r.v]));
    const dayHorizon = latest === undefined ? NO_HORIZON : bucketOf("day", Math.min(Date.now() * 1000, latest) - DAY_BUCKET_RETENTION_SECONDS * MICROS);
    const dirty = (kind: string, from: number) =>
      this.sql
        .exec<{ bucket: number; gap_sum: number; first_gap: number; n: number }>("SELECT bucket, gap_sum, first_gap, n FROM lb_bucket WHERE dirty = 1 AND kind = ? AND bucket >= ?", kind, from)
        .toArray()
        .map((r): BucketRow => [r.bucket, r.gap_sum, r.first_gap, r.n]);
    const streak = meta.get("lb_streak_dirty") ? (JSON.parse(meta.get("lb_streak")!) as StreakRow) : null;
    const outbox: BucketOutbox = { replace: meta.has("lb_replace"), minutes: dirty(MINUTE, NO_HORIZON), days: dirty(DAY, dayHorizon), streak };
    // Benchmarks measure ingest without the leaderboard write (bench/leaderboard.ts): dropped as if sent.
    if (isEmptyOutbox(outbox) || this.env.BENCH_SKIP_LEADERBOARD_BUCKETS) {
      if (markEmptySent) this.outboxSent();
      return null;
    }
    return outbox;
  }

  /** Marks an outbox's rows dirty again, so the next read has their current values. */
  private markDirty(outbox: BucketOutbox): void {
    for (const [kind, rows] of [[MINUTE, outbox.minutes], [DAY, outbox.days]] as const) {
      if (rows.length) this.sql.exec("UPDATE lb_bucket SET dirty = 1 WHERE kind = ? AND bucket IN (SELECT value ->> 0 FROM json_each(?))", kind, JSON.stringify(rows));
    }
    if (outbox.streak) this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('lb_streak_dirty', '1')");
    this.outboxMaybe = true;
  }

  private outboxSent(): void {
    this.sql.exec("UPDATE lb_bucket SET dirty = 0 WHERE dirty = 1; DELETE FROM meta WHERE k IN ('lb_replace', 'lb_streak_dirty');");
    this.outboxMaybe = false;
  }

  /** Sends the outbox to D1 (one batch) and marks it sent. Callers hold the mutex. */
  private async sendOutbox(userId: number): Promise<void> {
    const outbox = this.readOutbox();
    if (!outbox) return;
    await writeBuckets(shardAt(this.env, this.shard).db, userId, outbox);
    this.outboxSent();
  }
}

/** The chains the outbox is derived from: the buckets' and the streak's. */
const OUTBOX_DIMENSIONS: ReadonlySet<Dimension> = new Set([LEADERBOARD, NON_BROWSING]);
const ROLLBACK = new Error("speculation rolled back");
/** The largest batch whose outbox ingest works out before the insert (a client's bulk post is ≤ a few hundred). */
const SPECULATE_MAX = 1000;

const BUCKET_KINDS = [
  [MINUTE, "minute"],
  [DAY, "day"],
] as const;

type ChainEnd = { t: number; id: number; day: string; gap: number; over: number };

/** Before every bucket (a finite number SQLite binds as an integer). */
const NO_HORIZON = Number.MIN_SAFE_INTEGER;

/** The start (epoch seconds) of the `kind` bucket holding `micros`. */
const bucketOf = (kind: keyof typeof BUCKET_SECONDS, micros: number) => Math.floor(micros / (BUCKET_SECONDS[kind] * MICROS)) * BUCKET_SECONDS[kind];
