import { invalidateFilterDays } from "./filter-days";

/**
 * Buffers a batch's projection writes and sends each table's rows as ONE JSON parameter
 * (json_each), so an in-order batch costs a handful of statements whatever its size.
 * Rollup and leaderboard-bucket changes are summed per row; first_gap/first_over follow the
 * last assignment, as sequential updates would leave them (-1 in the buffer means "unchanged").
 * Every bucket row written is marked dirty: UserActivity sends it to D1. The filtered day cache's
 * entries of every day a new heartbeat lands in are dropped (filter-days.ts).
 */
export class ProjectionWriter {
  private hbRows: Array<[number, number, string]> = [];
  private readonly days = new Set<string>();
  private chainRows: Array<[string, string, number, number, number, number, string]> = [];
  // [day, dim, key, gap Δ, n Δ, first_gap, over Δ, first_over]
  private readonly rollups = new Map<string, [string, string, string, number, number, number, number, number]>();
  // [kind, bucket start, gap Δ, n Δ, first_gap]
  private readonly buckets = new Map<string, [string, number, number, number, number]>();

  constructor(private readonly sql: SqlStorage) {}

  heartbeat(id: number, t: number, keys: unknown, day: string): void {
    this.hbRows.push([id, t, JSON.stringify(keys)]);
    this.days.add(day);
  }

  chainRow(dim: string, key: string, t: number, id: number, gap: number, over: number, day: string): void {
    this.chainRows.push([dim, key, t, id, gap, over, day]);
  }

  /** Adds to a day's rollup; `first` is the day's (new) first row, when it changed. */
  rollup(day: string, dim: string, key: string, gap: number, n: number, over: number, first: { gap: number; over: number } | undefined): void {
    const id = `${day}\u0000${dim}\u0000${key}`;
    let row = this.rollups.get(id);
    if (!row) this.rollups.set(id, (row = [day, dim, key, 0, 0, -1, 0, -1]));
    row[3] += gap;
    row[4] += n;
    row[6] += over;
    if (first !== undefined) {
      row[5] = first.gap;
      row[7] = first.over;
    }
  }

  /** Adds to a leaderboard bucket; `firstGap` is the gap of its (new) first row, when it changed. */
  bucket(kind: string, start: number, gap: number, n: number, firstGap: number | undefined): void {
    const id = `${kind}\u0000${start}`;
    let row = this.buckets.get(id);
    if (!row) this.buckets.set(id, (row = [kind, start, 0, 0, -1]));
    row[2] += gap;
    row[3] += n;
    if (firstGap !== undefined) row[4] = firstGap;
  }

  flushChain(): void {
    if (this.chainRows.length === 0) return;
    this.sql.exec(
      `INSERT INTO chain (dim, key, t, id, gap, over, day)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?)`,
      JSON.stringify(this.chainRows),
    );
    this.chainRows = [];
  }

  flush(): void {
    if (this.hbRows.length) {
      this.sql.exec("INSERT INTO hb (id, t, keys) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)", JSON.stringify(this.hbRows));
      this.hbRows = [];
    }
    this.flushChain();
    invalidateFilterDays(this.sql, this.days);
    this.days.clear();
    if (this.rollups.size) {
      // A (day, dim, key) seen for the first time always had its first row assigned (>= 0).
      this.sql.exec(
        `INSERT INTO rollup (day, dim, key, gap_sum, n, first_gap, over_n, first_over)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7 FROM json_each(?) WHERE true
         ON CONFLICT (dim, day, key) DO UPDATE SET gap_sum = gap_sum + excluded.gap_sum, n = n + excluded.n, over_n = over_n + excluded.over_n,
           first_gap = CASE WHEN excluded.first_gap >= 0 THEN excluded.first_gap ELSE first_gap END,
           first_over = CASE WHEN excluded.first_over >= 0 THEN excluded.first_over ELSE first_over END`,
        JSON.stringify([...this.rollups.values()]),
      );
      this.rollups.clear();
    }
    if (this.buckets.size) {
      // A bucket seen for the first time always had its first row assigned (>= 0).
      this.sql.exec(
        `INSERT INTO lb_bucket (kind, bucket, gap_sum, n, first_gap, dirty)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, 1 FROM json_each(?) WHERE true
         ON CONFLICT (kind, bucket) DO UPDATE SET gap_sum = gap_sum + excluded.gap_sum, n = n + excluded.n,
           first_gap = CASE WHEN excluded.first_gap >= 0 THEN excluded.first_gap ELSE first_gap END, dirty = 1`,
        JSON.stringify([...this.buckets.values()]),
      );
      this.buckets.clear();
    }
  }
}
