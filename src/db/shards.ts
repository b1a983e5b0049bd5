// Shard databases: heartbeats and the per-user tables that grow with them live in SHARD_0 …
// SHARD_{N-1} (wrangler.toml); everything shared stays in the main database (DB). A user's
// shard is recorded on the user (users.shard) when the user is created, and every per-user
// query reaches its database through shardFor(env, user).
export interface Shard {
  index: number;
  db: D1Database;
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
        return m ? [{ index: Number(m[1]), db: binding as D1Database }] : [];
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

export const shardDatabases = (env: Env): D1Database[] => shards(env).map((s) => s.db);

export function shardAt(env: Env, index: number): Shard {
  const shard = shards(env)[index];
  if (!shard) throw new Error(`shard ${index} is not configured (this Worker has ${shards(env).length})`);
  return shard;
}

/** The shard holding the user's heartbeats. */
export const shardFor = (env: Env, user: { shard: number }): Shard => shardAt(env, user.shard);

/** Heartbeat ids of shard k are k·2^40 + 1, k·2^40 + 2, …: unique across shards (id_sequences). */
export const HEARTBEAT_ID_BLOCK = 2 ** 40;
