// Shard figures (docs/scale.md), each from servers started in this run:
//   1. concurrent ingest from USERS users spread over 4 shards ÷ the same load on 1 shard (both
//      servers up at once, rounds alternating; the median round);
//   2. all-time stats p50 for a BIG-heartbeat user on the 4-shard server ÷ on the 1-shard one;
//   3. the capacity model's inputs, on the 1-shard server: D1 bytes per heartbeat (rows and
//      indexes: the SQLite files' growth over BIG heartbeats) and UserActivity projection bytes
//      per heartbeat (the Durable Object files' growth once the BIG user's projection is built).
// Each server runs on a wrangler configuration written here: wrangler.toml with N SHARD_n
// bindings (wrangler.bench-<N>-shards.toml, removed afterwards). The BIG user's heartbeats are
// inserted with SQL into their shard, shaped as the API stores them (seeding 500 000 through the
// API takes longer than the rest of the run); USERS users and their keys likewise.
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startLocalServer, type LocalServer } from "../scripts/local-server";
import { projectRoot } from "../scripts/wrangler";
import { HEARTBEAT_ID_BLOCK } from "../src/db/shards";
import { CLI_UA, cliHeaders, createUsersDirect, d1Query, executeSqlFile, fetchAgain, fmt, load, sqlString, type LoadResult } from "./lib";

const DAY = 86_400;

/** wrangler.toml with `n` shard bindings instead of its own, in the project folder (relative paths hold). */
function writeConfig(n: number): string {
  const base = readFileSync(path.join(projectRoot, "wrangler.toml"), "utf8");
  const withoutShards = base.replace(/\[\[d1_databases\]\]\nbinding = "SHARD_\d+"\n(?:[^\n]+\n)*\n/g, "");
  const shards = Array.from(
    { length: n },
    (_, k) => `[[d1_databases]]\nbinding = "SHARD_${k}"\ndatabase_name = "tally-shard-${k}"\ndatabase_id = "00000000-0000-4000-8000-0000000001${String(k).padStart(2, "0")}"\nmigrations_dir = "migrations-shard"\n\n`,
  ).join("");
  const name = `wrangler.bench-${n}-shards.toml`;
  // The shard blocks go where the first one was: before the Durable Object section.
  writeFileSync(path.join(projectRoot, name), withoutShards.replace("# ---- Durable Objects", `${shards}# ---- Durable Objects`));
  return name;
}

/** `n` users with one API key each, user i on shard shardOf(i), with their ids. */
function createUsers(persistTo: string, prefix: string, n: number, shardOf: (i: number) => number) {
  const users = createUsersDirect(persistTo, prefix, n, shardOf);
  const ids = new Map(d1Query<{ username: string; id: number }>(persistTo, "DB", `SELECT username, id FROM users WHERE username >= '${prefix}' AND username < '${prefix}~'`).map((r) => [r.username, r.id]));
  return users.map((u) => ({ ...u, id: ids.get(u.username)! }));
}

/**
 * `count` heartbeats of user `userId` in shard `shard`, as the API stores them: over 730 days,
 * three sessions a day, 30 s apart, 20 projects, 8 languages, wakatime-cli's user agent; ids from
 * the shard's block, and the shard's id sequence moved past them.
 */
function seedHeartbeats(persistTo: string, shard: number, userId: number, count: number) {
  const days = 730;
  const perDay = Math.ceil(count / days);
  const start = (Math.floor(Date.now() / 1000 / DAY) - days) * DAY;
  const first = shard * HEARTBEAT_ID_BLOCK + 1_000_000_000;
  executeSqlFile(
    persistTo,
    `SHARD_${shard}`,
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ${count - 1})
     INSERT INTO heartbeats (id, user_id, time, entity, type, category, project, branch, language, editor, operating_system, machine, user_agent, is_write, lineno, cursorpos, lines, fields_hash)
     SELECT ${first} + i, ${userId},
       ${start} + (i / ${perDay}) * ${DAY} + 8 * 3600 + ((i % ${perDay}) * 3 / ${perDay}) * 4 * 3600 + ((i % ${perDay}) % ${Math.ceil(perDay / 3)}) * 30 + 0.5,
       '/home/dev/src/project/src/f' || (i % 31) || '.ts', 'file', CASE WHEN i % 10 = 0 THEN 'debugging' ELSE 'coding' END,
       'project-' || ((i / ${perDay}) % 20), 'main', json_extract('["TypeScript","Rust","Go","Python","Markdown","JSON","Shell","SQL"]', '$[' || (i % 8) || ']'),
       'VS Code', 'Linux', 'bench', ${sqlString(CLI_UA)}, 1, i % 400, i % 80, 400, printf('%064x', ${first} + i)
     FROM k;
     INSERT INTO id_sequences (name, last) VALUES ('heartbeats', ${first + count}) ON CONFLICT (name) DO UPDATE SET last = MAX(last, excluded.last);`,
  );
}

/** Bytes of the SQLite files under a folder of the server's state (main files and WALs). */
function sqliteBytes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.sqlite(-wal)?$/.test(e.name)) out.set(p, statSync(p).size);
    }
  };
  walk(dir);
  return out;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

interface Setup {
  server: LocalServer;
  config: string;
  shards: number;
  people: Array<{ key: string; id: number }>;
}

async function setUp(shards: number, users: number): Promise<Setup> {
  const config = writeConfig(shards);
  const server = await startLocalServer(await freePort(), {}, { config });
  const prefix = `sh${shards}_${Date.now().toString(36)}_`;
  const people = withConfig(config, () => createUsers(server.persistTo, prefix, users, (i) => i % shards));
  return { server, config, shards, people };
}

/** Runs `fn` with the SQL helpers' wrangler pointed at `config`. */
function withConfig<T>(config: string, fn: () => T): T {
  process.env.TALLY_WRANGLER_CONFIG = config;
  try {
    return fn();
  } finally {
    delete process.env.TALLY_WRANGLER_CONFIG;
  }
}

/** Round `round`: every user posts `postsPerUser` bulk posts of 100 new heartbeats of yesterday, 32 in flight. */
async function ingestRound({ server: s, people }: Setup, round: number, postsPerUser: number): Promise<LoadResult> {
  const base = (Math.floor(Date.now() / 1000 / DAY) - 1) * DAY + round * postsPerUser * 3000;
  const body = (post: number) =>
    JSON.stringify(Array.from({ length: 100 }, (_, j) => ({ entity: `/src/f${j % 9}.ts`, type: "file", time: base + 60 + post * 3000 + j * 30 + 0.25, project: "p", language: "TypeScript" })));
  const r = await load(people.length * postsPerUser, 32, (i) =>
    fetchAgain(`${s.base}/api/hackatime/v1/users/current/heartbeats.bulk`, { method: "POST", headers: cliHeaders(people[i % people.length].key, s.rateLimitBypass), body: body(Math.floor(i / people.length)) }),
  );
  if (r.failures) throw new Error(`ingest failed: ${r.firstFailure}`);
  return r;
}

/** The big user on the last shard: all-time stats p50 after a warm-up (the first call builds the projection), and the capacity inputs. */
async function bigUser({ server: s, config, shards }: Setup, big: number) {
  const [u] = withConfig(config, () => createUsers(s.persistTo, `big${shards}_${Date.now().toString(36)}_`, 1, () => shards - 1));
  const d1Dir = path.join(s.persistTo, "v3", "d1");
  const doDir = path.join(s.persistTo, "v3", "do");
  const before = sqliteBytes(d1Dir);
  const doBefore = total(sqliteBytes(doDir));
  withConfig(config, () => seedHeartbeats(s.persistTo, shards - 1, u.id, big));
  const after = sqliteBytes(d1Dir);
  const stats = () => fetchAgain(`${s.base}/api/v1/users/${u.username}/stats`, { headers: { "Rate-Limit-Bypass": s.rateLimitBypass } });
  const warm = await stats();
  if (!warm.ok) throw new Error(`stats: ${warm.status} ${await warm.text()}`);
  const statsLoad = await load(30, 1, stats);
  return { statsP50: statsLoad.p50, d1BytesPerHeartbeat: (total(after) - total(before)) / big, projectionBytesPerHeartbeat: (total(sqliteBytes(doDir)) - doBefore) / big };
}

async function tearDown(x: Setup) {
  await x.server.stop();
  rmSync(path.join(projectRoot, x.config), { force: true });
}

export async function shardsBench(users = Number(process.env.BENCH_SHARD_USERS ?? 200), postsPerUser = 5, big = Number(process.env.BENCH_BIG ?? 500_000), rounds = 3) {
  console.log(`\n== shards (${users} users posting ${postsPerUser} × 100 heartbeats, 32 in flight, ${rounds} rounds alternating; big user: ${big} heartbeats)`);
  const one = await setUp(1, users);
  const four = await setUp(4, users);
  try {
    // Both servers up at once, rounds alternating, so machine noise falls on both alike.
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const a = await ingestRound(one, round, postsPerUser);
      const b = await ingestRound(four, round, postsPerUser);
      ratios.push(b.rps / a.rps);
      console.log(`round ${round + 1}: 1 shard ${(a.rps * 100).toFixed(0)} heartbeats/s (p50 ${a.p50.toFixed(0)} ms), 4 shards ${(b.rps * 100).toFixed(0)} heartbeats/s (p50 ${b.p50.toFixed(0)} ms): ${(b.rps / a.rps).toFixed(2)}`);
    }
    const median = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)];
    console.log(`concurrent ingest, 4 shards ÷ 1 shard (median of ${rounds} rounds): ${median.toFixed(2)}  (> 1 wanted)`);
    const bigOne = await bigUser(one, big);
    const bigFour = await bigUser(four, big);
    console.log(`all-time stats p50 of a ${big}-heartbeat user: 1 shard ${bigOne.statsP50.toFixed(1)} ms, 4 shards ${bigFour.statsP50.toFixed(1)} ms: ${(bigFour.statsP50 / bigOne.statsP50).toFixed(2)}  (≤ 1.1 wanted)`);
    console.log(`capacity inputs: D1 ${bigOne.d1BytesPerHeartbeat.toFixed(0)} bytes/heartbeat (row + indexes); UserActivity projection ${bigOne.projectionBytesPerHeartbeat.toFixed(0)} bytes/heartbeat`);
  } finally {
    await tearDown(one);
    await tearDown(four);
  }
}
