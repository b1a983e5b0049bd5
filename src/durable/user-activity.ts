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
// Design note: the rollups live here, in each user's own SQLite, rather than in D1 as the first
// design sketched: every write and read of them is keyed by one user, so per-user storage
// scales out with users and keeps D1 (one query at a time) for what is truly shared.
// Cross-user readers (leaderboards) get per-user totals from a D1 table the objects keep.
import { DurableObject } from "cloudflare:workers";
import { insertHeartbeats, pageHeartbeatsForChains, type ChainSource, type StoredHeartbeat } from "../db/heartbeats";
import { recordActiveDays } from "../db/leaderboards";
import { GROUP_DIMENSIONS, cappedGap, chainKeys, isOverCap, toMicros, type Dimension } from "../domain/durations/dimensions";
import type { NormalizedHeartbeat } from "../domain/heartbeats/normalize";
import { dayKeyer } from "../lib/time";
import { ProjectionWriter } from "./projection-writer";
import { planRange, rangeTotals, type ChainSelector, type RangeTotal } from "./range-totals";

const STATUS_BAR_DIMENSIONS: Dimension[] = ["all", ...GROUP_DIMENSIONS];

export interface DayTotal {
  dim: Dimension;
  key: string;
  micros: number;
}

const REBUILD_PAGE = 5000;
const PROJECTION_VERSION = 6;

export class UserActivity extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private dayOf: (epochSeconds: number) => string = dayKeyer("UTC");
  private ready: Promise<void> | null = null;
  private readyFor: string | null = null;
  private readonly tails = new Map<string, ChainEnd | null>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // A projection in an older layout is dropped; prepare() then rebuilds it from D1.
    this.sql.exec("CREATE TABLE IF NOT EXISTS projection_version (v INTEGER NOT NULL)");
    if (this.sql.exec<{ v: number }>("SELECT v FROM projection_version").toArray()[0]?.v !== PROJECTION_VERSION) {
      this.sql.exec("DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS hb; DROP TABLE IF EXISTS chain; DROP TABLE IF EXISTS rollup;");
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
    `);
  }

  /**
   * Stores a user's normalised heartbeats in D1 (duplicates map to the existing row) and
   * folds the new ones into the projection. Returns the stored row for each input, in order.
   */
  async ingest(userId: number, timezone: string, batch: NormalizedHeartbeat[]): Promise<StoredHeartbeat[]> {
    await this.ensureReady(userId, timezone);
    if (batch.length === 0) return [];
    // The leaderboards' user_active_days is kept in the same transaction as the insert.
    const stored = await insertHeartbeats(this.env.DB, userId, batch, [recordActiveDays(this.env.DB, userId, batch.map((h) => h.time))]);
    const rows = batch.map((h) => {
      const row = stored.get(h.fields_hash);
      if (!row) throw new Error("stored heartbeat missing after insert");
      return row;
    });
    this.applyAll(rows);
    return rows;
  }

  /** Per-chain totals of one local day, each chain restarted at local midnight. */
  async dayTotals(userId: number, timezone: string, day: string): Promise<DayTotal[]> {
    await this.ensureReady(userId, timezone);
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
    await this.ensureReady(userId, timezone);
    return rangeTotals(this.sql, planRange(start, end, timezone), selectors);
  }

  /** One chain's own total per local day in [fromDay, toDay] (chain restarted at midnight). */
  async dailyTotals(userId: number, timezone: string, dim: Dimension, key: string, fromDay: string, toDay: string): Promise<Array<{ day: string; micros: number }>> {
    await this.ensureReady(userId, timezone);
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
    this.ready = null;
    this.sql.exec("DELETE FROM meta");
    await this.ensureReady(userId, timezone);
    return { heartbeats: this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hb").one().n };
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
    if (meta.get("user_id") === String(userId) && meta.get("timezone") === timezone) return;

    // New object, or the user's zone changed (day keys move): rebuild from the source of truth.
    this.sql.exec("DELETE FROM hb; DELETE FROM chain; DELETE FROM rollup; DELETE FROM meta;");
    this.tails.clear();
    let after: { time: number; id: number } | null = null;
    for (;;) {
      const page: ChainSource[] = await pageHeartbeatsForChains(this.env.DB, userId, after, REBUILD_PAGE);
      if (page.length === 0) break;
      this.applyAll(page);
      const last = page[page.length - 1];
      after = { time: last.time, id: last.id };
      if (page.length < REBUILD_PAGE) break;
    }
    this.sql.exec("INSERT INTO meta (k, v) VALUES ('user_id', ?), ('timezone', ?)", String(userId), timezone);
  }

  /** Folds heartbeats into every chain they belong to, in one storage transaction. */
  private applyAll(rows: ChainSource[]): void {
    try {
      this.ctx.storage.transactionSync(() => {
        const writer = new ProjectionWriter(this.sql);
        // Rows already applied (duplicates, retries, a crash between D1 and here) are skipped by id.
        const known = new Set(
          this.sql
            .exec<{ id: number }>("SELECT id FROM hb WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(rows.map((r) => r.id)))
            .toArray()
            .map((r) => r.id),
        );
        for (const row of rows) {
          if (known.has(row.id)) continue;
          known.add(row.id);
          this.apply(row, writer);
        }
        writer.flush();
      });
    } catch (err) {
      this.tails.clear(); // the transaction rolled back; the cache may hold rows it undid
      throw err;
    }
  }

  private apply(row: ChainSource, writer: ProjectionWriter): void {
    const t = toMicros(row.time);
    const keys = chainKeys(row);
    writer.heartbeat(row.id, t, keys);
    const day = this.dayOf(row.time);
    for (const [dim, key] of keys) this.insertIntoChain(dim, key, t, row.id, day, writer);
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
    if (appends) this.tails.set(`${dim}\u0000${key}`, { t, id, day, gap, over });

    if (next) {
      // The successor now chains to this heartbeat. If it sits on a later day it was, and stays,
      // that day's first row, so its new gap is also that day's first_gap.
      const nextGap = cappedGap(next.t, t);
      const nextOver = isOverCap(next.t, t) ? 1 : 0;
      this.sql.exec("UPDATE chain SET gap = ?, over = ? WHERE dim = ? AND key = ? AND t = ? AND id = ?", nextGap, nextOver, dim, key, next.t, next.id);
      writer.rollup(next.day, dim, key, nextGap - next.gap, 0, nextOver - next.over, next.day !== day ? { gap: nextGap, over: nextOver } : undefined);
      const cached = this.tails.get(`${dim}\u0000${key}`);
      if (cached && cached.t === next.t && cached.id === next.id) Object.assign(cached, { gap: nextGap, over: nextOver });
    }
  }
}

type ChainEnd = { t: number; id: number; day: string; gap: number; over: number };
