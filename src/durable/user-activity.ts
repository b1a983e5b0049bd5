// UserActivity: one Durable Object per user. It serialises that user's writes and keeps a
// projection of their heartbeats that makes durations cheap to read:
//
//   chain(dim, key, t, id, gap, day)   every heartbeat once per chain it belongs to ("all", and
//                                      each grouping dimension's value), with its capped gap to
//                                      the previous heartbeat of the same chain, across days
//   rollup(day, dim, key, gap_sum, n, first_gap)
//                                      per user-local day: Σ gaps, count, and the gap of the day's
//                                      first heartbeat in that chain
//
// A day's own total (chain restarted at local midnight, as the status bar counts it) is
// gap_sum − first_gap; a range of whole days is Σ gap_sum − the first day's first_gap.
// Inserting a heartbeat between two others fixes its successor's gap, so out-of-order and late
// heartbeats leave exactly what a from-scratch computation gives. The projection can always
// be rebuilt from D1 (it is, whenever the user's time zone changes).
import { DurableObject } from "cloudflare:workers";
import { insertHeartbeats, pageHeartbeatsForChains, type ChainSource, type StoredHeartbeat } from "../db/heartbeats";
import { cappedGap, chainKeys, toMicros, type Dimension } from "../domain/durations/dimensions";
import type { NormalizedHeartbeat } from "../domain/heartbeats/normalize";
import { dayKeyer } from "../lib/time";

export interface DayTotal {
  dim: Dimension;
  key: string;
  micros: number;
}

const REBUILD_PAGE = 5000;

export class UserActivity extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private dayOf: (epochSeconds: number) => string = dayKeyer("UTC");
  private ready: Promise<void> | null = null;
  private readyFor: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS hb (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, keys TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS chain (
        dim TEXT NOT NULL, key TEXT NOT NULL, t INTEGER NOT NULL, id INTEGER NOT NULL,
        gap INTEGER NOT NULL, day TEXT NOT NULL,
        PRIMARY KEY (dim, key, t, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS rollup (
        day TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL,
        gap_sum INTEGER NOT NULL, n INTEGER NOT NULL, first_gap INTEGER NOT NULL,
        PRIMARY KEY (day, dim, key)) WITHOUT ROWID;
    `);
  }

  /**
   * Stores a user's normalised heartbeats in D1 (duplicates map to the existing row) and
   * folds the new ones into the projection. Returns the stored row for each input, in order.
   */
  async ingest(userId: number, timezone: string, batch: NormalizedHeartbeat[]): Promise<StoredHeartbeat[]> {
    await this.ensureReady(userId, timezone);
    if (batch.length === 0) return [];
    const stored = await insertHeartbeats(this.env.DB, userId, batch);
    const rows = batch.map((h) => {
      const row = stored.get(h.fields_hash);
      if (!row) throw new Error("stored heartbeat missing after insert");
      return row;
    });
    // Rows already applied (duplicates, retries, a crash between D1 and here) are skipped by id.
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) this.apply(row as unknown as ChainSource);
    });
    return rows;
  }

  /** Per-chain totals of one local day, each chain restarted at local midnight. */
  async dayTotals(userId: number, timezone: string, day: string): Promise<DayTotal[]> {
    await this.ensureReady(userId, timezone);
    return this.sql
      .exec<{ dim: Dimension; key: string; micros: number }>(
        "SELECT dim, key, gap_sum - first_gap AS micros FROM rollup WHERE day = ?",
        day,
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
    let after: { time: number; id: number } | null = null;
    for (;;) {
      const page: ChainSource[] = await pageHeartbeatsForChains(this.env.DB, userId, after, REBUILD_PAGE);
      if (page.length === 0) break;
      this.ctx.storage.transactionSync(() => {
        for (const row of page) this.apply(row);
      });
      const last = page[page.length - 1];
      after = { time: last.time, id: last.id };
      if (page.length < REBUILD_PAGE) break;
    }
    this.sql.exec("INSERT INTO meta (k, v) VALUES ('user_id', ?), ('timezone', ?)", String(userId), timezone);
  }

  /** Folds one heartbeat into every chain it belongs to; a no-op if it is already there. */
  private apply(row: ChainSource): void {
    const t = toMicros(row.time);
    const keys = chainKeys(row);
    const inserted = this.sql.exec("INSERT OR IGNORE INTO hb (id, t, keys) VALUES (?, ?, ?)", row.id, t, JSON.stringify(keys));
    if (inserted.rowsWritten === 0) return;
    const day = this.dayOf(row.time);
    for (const [dim, key] of keys) this.insertIntoChain(dim, key, t, row.id, day);
  }

  private insertIntoChain(dim: Dimension, key: string, t: number, id: number, day: string): void {
    const prev = this.sql
      .exec<{ t: number; day: string }>(
        "SELECT t, day FROM chain WHERE dim = ?1 AND key = ?2 AND (t, id) < (?3, ?4) ORDER BY t DESC, id DESC LIMIT 1",
        dim,
        key,
        t,
        id,
      )
      .toArray()[0];
    const next = this.sql
      .exec<{ t: number; id: number; day: string; gap: number }>(
        "SELECT t, id, day, gap FROM chain WHERE dim = ?1 AND key = ?2 AND (t, id) > (?3, ?4) ORDER BY t, id LIMIT 1",
        dim,
        key,
        t,
        id,
      )
      .toArray()[0];

    const gap = prev ? cappedGap(t, prev.t) : 0;
    const isFirstOfDay = !prev || prev.day !== day;
    this.sql.exec("INSERT INTO chain (dim, key, t, id, gap, day) VALUES (?, ?, ?, ?, ?, ?)", dim, key, t, id, gap, day);
    this.sql.exec(
      `INSERT INTO rollup (day, dim, key, gap_sum, n, first_gap) VALUES (?1, ?2, ?3, ?4, 1, ?4)
       ON CONFLICT (day, dim, key) DO UPDATE SET gap_sum = gap_sum + ?4, n = n + 1,
         first_gap = CASE WHEN ?5 THEN ?4 ELSE first_gap END`,
      day,
      dim,
      key,
      gap,
      isFirstOfDay ? 1 : 0,
    );

    if (next) {
      // The successor now chains to this heartbeat. If it sits on a later day it was, and stays,
      // that day's first row, so its new gap is also that day's first_gap.
      const nextGap = cappedGap(next.t, t);
      this.sql.exec("UPDATE chain SET gap = ? WHERE dim = ? AND key = ? AND t = ? AND id = ?", nextGap, dim, key, next.t, next.id);
      this.sql.exec(
        `UPDATE rollup SET gap_sum = gap_sum + ?1, first_gap = CASE WHEN ?2 THEN ?3 ELSE first_gap END
         WHERE day = ?4 AND dim = ?5 AND key = ?6`,
        nextGap - next.gap,
        next.day !== day ? 1 : 0,
        nextGap,
        next.day,
        dim,
        key,
      );
    }
  }
}
