// Shard databases: heartbeats and the per-user tables that grow with them live in SHARD_0 …
// SHARD_{N-1} (wrangler.toml); everything shared stays in the main database (DB). A user's
// shard is recorded on the user (users.shard) when the user is created, and every per-user
// query reaches its database through shardFor(env, user).
import { usersWithStaleShard } from "./users";
declare const shardBrand: unique symbol;
/**
 * A shard database. The brand makes the compiler refuse the main database (env.DB) where a
 * function reads a per-user table: every such call must come through shardFor(env, user).
 */
export type ShardDb = D1Database & { readonly [shardBrand]: true };

export interface Shard {
  index: number;
  db: ShardDb;
}

const SHARD_BINDING = /^SHARD_(\d+)$/;
const cache = new WeakMap<object, Shard[]>();

/** The shards declared for this Worker, in index order (0 … N-1; a gap is a configuration error). */
export function shards(env: Env): Shard[] {
  let found = cache.get(env);
  if (!found) {
    found = Object.entries(env as unknown as Record<string, unknown>)
      .flatMap(([name, binding]) => {
        const m = SHARD_BINDING.exec(name);
        return m ? [{ index: Number(m[1]), db: binding as ShardDb }] : [];
      })
      .sort((a, b) => a.index - b.index);
    if (found.length === 0) throw new Error("no shard databases: declare SHARD_0 … in wrangler.toml");
    found.forEach((s, i) => {
      if (s.index !== i) throw new Error(`shard bindings must be SHARD_0 … SHARD_${found!.length - 1}; SHARD_${i} is missing`);
    });
    cache.set(env, found);
  }
  return found;
}

export const shardDatabases = (env: Env): ShardDb[] => shards(env).map((s) => s.db);

export function shardAt(env: Env, index: number): Shard {
  const shard = shards(env)[index];
  if (!shard) throw new Error(`shard ${index} is not configured (this Worker has ${shards(env).length})`);
  return shard;
}

/** The shard holding the user's heartbeats. */
export const shardFor = (env: Env, user: { shard: number }): Shard => shardAt(env, user.shard);

/** Heartbeat ids of shard k are k·2^40 + 1, k·2^40 + 2, …: unique across shards (id_sequences). */
export const HEARTBEAT_ID_BLOCK = 2 ** 40;

/**
 * A scalar subquery choosing the shard for a new user: the least-filled by number of users (ties
 * to the lowest index), over shards 0 … count−1. Least-filled rather than a hash so that a shard
 * added for capacity takes the new users until it has caught up. Users are counted by the
 * users_shard index (one range count per shard).
 */
export function leastFilledShardSql(count: number): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`bad shard count ${count}`);
  return `(WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k + 1 < ${count})
    SELECT k FROM s ORDER BY (SELECT COUNT(*) FROM users WHERE users.shard = s.k), k LIMIT 1)`;
}

/**
 * Runs a per-item batch read grouped by each item's shard, all shards in parallel, and returns
 * one result per item in input order (`run` answers one result per item it is given, in order).
 */
export async function perShard<T, R>(env: Env, items: T[], shardOf: (item: T) => number, run: (db: ShardDb, items: T[]) => Promise<R[]>): Promise<R[]> {
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => {
    const k = shardOf(item);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out: R[] = new Array(items.length);
  await Promise.all(
    [...groups].map(async ([k, positions]) => {
      const results = await run(shardAt(env, k).db, positions.map((i) => items[i]));
      positions.forEach((i, j) => (out[i] = results[j]));
    }),
  );
  return out;
}

/**
 * A cross-user read on every shard, in parallel, merged: rows are de-duplicated by `key` (a user
 * being moved has rows in two shards), sorted by `compare` and cut to `limit` — each shard is
 * asked for at most `limit` rows, so the merge is bounded by shards × limit.
 */
export async function acrossShards<R>(env: Env, read: (db: ShardDb) => Promise<R[]>, opts: { key: (row: R) => string; compare: (a: R, b: R) => number; limit: number }): Promise<R[]> {
  const perShardRows = await Promise.all(shards(env).map((s) => read(s.db)));
  const seen = new Map<string, R>();
  for (const rows of perShardRows) for (const row of rows) if (!seen.has(opts.key(row))) seen.set(opts.key(row), row);
  return [...seen.values()].sort(opts.compare).slice(0, opts.limit);
}

/**
 * A cross-user sum on every shard, in parallel, each shard's rows of users whose rows there are
 * a partial copy (users.stale_shard: a move under way) left out, so no user counts twice.
 */
export async function sumAcrossShards<R extends { user_id: number }>(env: Env, read: (db: ShardDb, skip: number[]) => Promise<R[]>): Promise<R[]> {
  const moving = await usersWithStaleShard(env.DB);
  const perShard = await Promise.all(
    shards(env).map(async (s) => {
      const skip = moving.filter((m) => m.staleShard === s.index).map((m) => m.id);
      const stale = new Set(skip);
      return (await read(s.db, skip)).filter((r) => !stale.has(r.user_id));
    }),
  );
  return perShard.flat();
}
