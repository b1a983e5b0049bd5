// Leaderboard figures, each as a ratio to a baseline measured in the same run:
//   1. ingest heartbeats/s with the leaderboard buckets ÷ without: the same code on a second
//      server started with BENCH_SKIP_LEADERBOARD_BUCKETS (UserActivity skips its D1 bucket write);
//   2. the daily and weekly board builds for N users (BENCH_LB_USERS, default 10 000) with 7 days
//      of history, seeded through the real heartbeats.bulk endpoint, ÷ one user's stats p50;
//   3. GET /api/v1/leaderboard/daily with N entries ÷ the bare /up route (p50);
//   4. the builds again for BIG users (BENCH_LB_BIG_USERS, default 100 000): the users beyond N
//      and their buckets and streak rows are inserted directly with SQL (seeding 90 000 users
//      through the API would take hours), shaped as the API-seeded ones.
// A build's time is the server's own: its board's created_at → finished_generating_at.
// Users are inserted with ONE `wrangler d1 execute --file` (user:create per user would take hours).
import { freePort, startLocalServer, type LocalServer } from "../scripts/local-server";
import { CLI_UA, cliHeaders, createUsersDirect, d1Query, executeSqlFile, fmt, load, type LoadResult } from "./lib";

const DAY = 86_400;

const executeFile = (persistTo: string, sql: string) => executeSqlFile(persistTo, "DB", sql);
const query = <T>(persistTo: string, sql: string) => d1Query<T>(persistTo, "DB", sql);

const bulk = (server: LocalServer, key: string, body: string) =>
  fetch(`${server.base}/api/hackatime/v1/users/current/heartbeats.bulk`, { method: "POST", headers: cliHeaders(key, server.rateLimitBypass), body });

/** `count` coding heartbeats a minute apart from `start`. */
const heartbeats = (start: number, count: number, i: number) =>
  Array.from({ length: count }, (_, k) => ({
    entity: `/src/f${k % 5}.ts`,
    type: "file",
    category: "coding",
    time: start + k * 60 + 0.5,
    project: `p${i % 50}`,
    language: "TypeScript",
    user_agent: CLI_UA,
  }));

/**
 * Ingest throughput of `users` fresh users on one server: a warm-up post each (the objects
 * are created), then `rounds` posts of `size` heartbeats each, in time order, 8 clients.
 */
async function ingestRun(server: LocalServer, users: Array<{ key: string }>, round: number, size: number): Promise<LoadResult> {
  const start = Math.floor(Date.now() / 1000) - 6 * 3600;
  return load(users.length, 8, (i) => bulk(server, users[i].key, JSON.stringify(heartbeats(start + round * size * 60, size, i))));
}

async function ingestComparison(server: LocalServer) {
  const n = Number(process.env.BENCH_LB_INGEST_USERS ?? 300);
  const size = 25;
  const port = await freePort();
  console.log(`\n== ingest with the leaderboard buckets ÷ without (a second server on :${port} with BENCH_SKIP_LEADERBOARD_BUCKETS), ${n} users × ${size} heartbeats per post, 8 clients`);
  const without = await startLocalServer(port, { BENCH_SKIP_LEADERBOARD_BUCKETS: "1" });
  try {
    const prefix = `ing_${Date.now().toString(36)}_`;
    const withUsers = createUsersDirect(server.persistTo, prefix, n);
    const withoutUsers = createUsersDirect(without.persistTo, prefix, n);
    await ingestRun(server, withUsers, 0, size); // warm-up: objects created
    await ingestRun(without, withoutUsers, 0, size);
    // A B B A A B: load drift on a shared machine hits both sides alike.
    const runs: Record<"with" | "without", LoadResult[]> = { with: [], without: [] };
    let round = 1;
    for (const side of ["with", "without", "without", "with", "with", "without"] as const) {
      const r = await ingestRun(side === "with" ? server : without, side === "with" ? withUsers : withoutUsers, round++, size);
      runs[side].push(r);
      console.log(`  ${side.padEnd(7)} buckets: POST heartbeats.bulk (${size})  ${fmt(r)}  = ${(r.rps * size).toFixed(0)} heartbeats/s`);
    }
    const rate = (rs: LoadResult[]) => rs.reduce((s, r) => s + r.requests * size, 0) / rs.reduce((s, r) => s + r.seconds, 0);
    const ratio = rate(runs.with) / rate(runs.without);
    console.log(`  heartbeats/s with ${rate(runs.with).toFixed(0)}, without ${rate(runs.without).toFixed(0)}: ratio ${ratio.toFixed(3)} (target ≥ 0.9)`);
    return ratio;
  } finally {
    await without.stop();
  }
}

/** Fires a cron trigger and returns the build time of the board it made (the server's timestamps). */
async function timedBuild(server: LocalServer, period: "daily" | "last_7_days") {
  const cron = period === "daily" ? "*+*+*+*+*" : "*/7+*+*+*+*";
  for (let attempt = 0; attempt < 5; attempt++) {
    const [before] = query<{ id: number | null }>(server.persistTo, "SELECT MAX(id) AS id FROM leaderboards");
    const started = performance.now();
    let fired: Response;
    try {
      fired = await fetch(`${server.base}/__scheduled?cron=${cron}`);
      await fired.arrayBuffer();
    } catch (err) {
      // A kept-alive socket the server closed meanwhile ("other side closed"): ask again.
      console.log(`  /__scheduled failed (${String(err)}); again`);
      continue;
    }
    const wall = performance.now() - started;
    if (!fired.ok) throw new Error(`/__scheduled answered ${fired.status}`);
    type Row = { created_at: string; finished_generating_at: string | null; entries: number };
    // The board this request built (the local cron driver may build its own meanwhile: the last one).
    const rows = query<Row>(
      server.persistTo,
      `SELECT b.created_at, b.finished_generating_at, (SELECT count(*) FROM leaderboard_entries e WHERE e.leaderboard_id = b.id) AS entries
       FROM leaderboards b WHERE b.period = '${period}' AND b.id > ${before?.id ?? 0} AND b.finished_generating_at IS NOT NULL ORDER BY b.id`,
    );
    const board = rows[rows.length - 1];
    if (!board) {
      await new Promise((r) => setTimeout(r, 2000)); // a build of the same date was in progress
      continue;
    }
    const ms = Date.parse(board.finished_generating_at!) - Date.parse(board.created_at);
    return { ms, wall, entries: board.entries };
  }
  throw new Error(`no ${period} board was built`);
}

async function builds(server: LocalServer, label: string, statsP50: number, runs = 3) {
  const out: Record<string, number> = {};
  for (const period of ["daily", "last_7_days"] as const) {
    const times: number[] = [];
    let entries = 0;
    for (let i = 0; i < runs; i++) {
      const b = await timedBuild(server, period);
      times.push(b.ms);
      entries = b.entries;
      console.log(`  ${period.padEnd(11)} build ${i + 1}: ${b.ms.toFixed(0)} ms (created_at → finished_generating_at), cron request ${b.wall.toFixed(0)} ms incl. pruning, ${b.entries} entries`);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    out[period] = median / statsP50;
    console.log(`  ${period.padEnd(11)} median ${median.toFixed(0)} ms ÷ stats p50 ${statsP50.toFixed(1)} ms = ${(median / statsP50).toFixed(1)}  (${label}, ${entries} entries)`);
  }
  return out;
}

/**
 * Users beyond the API-seeded ones, straight into D1: `n` users, each with 3–12 minute buckets
 * in the last 3 hours and 7 day buckets (as `heartbeats` a minute apart leave them), and a streak row.
 */
function seedDirect(persistTo: string, prefix: string, n: number) {
  const now = Math.floor(Date.now() / 1000);
  const minute0 = Math.floor((now - 3 * 3600) / 60) * 60;
  const today = Math.floor(now / DAY) * DAY;
  // The users in the main database (all on shard 0, one insert: consecutive ids), their buckets
  // and streaks in shard 0.
  executeFile(
    persistTo,
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ${n - 1})
     INSERT INTO users (username, timezone, shard) SELECT '${prefix}' || i, 'UTC', 0 FROM k;`,
  );
  const [{ lo, hi }] = query<{ lo: number; hi: number }>(persistTo, `SELECT MIN(id) AS lo, MAX(id) AS hi FROM users WHERE username >= '${prefix}' AND username < '${prefix}~'`);
  const users = `WITH RECURSIVE ids(id) AS (SELECT ${lo} UNION ALL SELECT id + 1 FROM ids WHERE id < ${hi}) SELECT id FROM ids`;
  executeSqlFile(
    persistTo,
    "SHARD_0",
    `WITH RECURSIVE j(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM j WHERE j < 11)
     INSERT INTO lb_minute_buckets (user_id, minute, gap_sum, first_gap, n)
       SELECT u.id, ${minute0} + ((u.id % 120) + j.j) * 60, CASE j.j WHEN 0 THEN 120000000 ELSE 60000000 END, CASE j.j WHEN 0 THEN 120000000 ELSE 60000000 END, 1
       FROM (${users}) u JOIN j ON j.j < 3 + u.id % 10;
     WITH RECURSIVE d(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM d WHERE d < 6)
     INSERT INTO lb_day_buckets (user_id, day, gap_sum, first_gap, n)
       SELECT u.id, ${today} - d.d * ${DAY}, (3 + u.id % 10) * 60000000 + 60000000, 120000000, 3 + u.id % 10 FROM (${users}) u JOIN d;
     INSERT INTO lb_streaks (user_id, timezone, last_day, length) SELECT id, 'UTC', date(${today}, 'unixepoch'), 7 FROM (${users});`,
  );
}

export async function leaderboardBench(server: LocalServer, n = Number(process.env.BENCH_LB_USERS ?? 10_000), big = Number(process.env.BENCH_LB_BIG_USERS ?? 100_000)) {
  const ingestRatio = await ingestComparison(server);

  console.log(`\n== leaderboard (${n} users active in the last 24 h, 7 days of history each)`);
  const prefix = `lb_${Date.now().toString(36)}_`;
  let t = performance.now();
  const users = createUsersDirect(server.persistTo, prefix, n);
  console.log(`created ${n} users with one d1 execute in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Each user: 3–12 coding heartbeats a minute apart on each of the last 7 days (120–660 s a
  // day; today's in the last few hours), one bulk post.
  const now = Math.floor(Date.now() / 1000);
  const week = (i: number) =>
    JSON.stringify(Array.from({ length: 7 }, (_, d) => heartbeats(now - d * DAY - 3 * 3600 + (i % 7200), 3 + (i % 10), i)).flat());
  t = performance.now();
  const seeded = await load(n, 16, (i) => bulk(server, users[i].key, week(i)));
  console.log(`seeded heartbeats (one bulk post of 21–84 per user)  ${fmt(seeded)}`);

  // A single user's stats (7 days of history), measured in the same run.
  const statsHeaders = { Authorization: `Bearer ${users[0].key}`, "Rate-Limit-Bypass": server.rateLimitBypass };
  const stats = () => fetch(`${server.base}/api/v1/users/${users[0].username}/stats?features=languages,projects`, { headers: statsHeaders });
  await (await stats()).arrayBuffer();
  const statsLoad = await load(60, 1, stats);
  console.log(`GET /api/v1/users/{u}/stats (1 client)       ${fmt(statsLoad)}`);

  const small = await builds(server, `${n} users`, statsLoad.p50);

  // Serving the board: the bare route and the board, one client each, warmed first.
  const bare = () => fetch(`${server.base}/up`, { headers: { "Rate-Limit-Bypass": server.rateLimitBypass } });
  const board = () => fetch(`${server.base}/api/v1/leaderboard/daily`, { headers: { "Rate-Limit-Bypass": server.rateLimitBypass } });
  await (await bare()).arrayBuffer();
  const first = await board();
  const bytes = (await first.arrayBuffer()).byteLength;
  const bareLoad = await load(200, 1, bare);
  const served = await load(200, 1, board);
  const bareLoad2 = await load(200, 1, bare);
  const bareP50 = (bareLoad.p50 + bareLoad2.p50) / 2;
  console.log(`GET /up                                     ${fmt(bareLoad)}`);
  console.log(`GET /api/v1/leaderboard/daily (${(bytes / 1024).toFixed(0)} kB)   ${fmt(served)}`);
  console.log(`GET /up (again)                             ${fmt(bareLoad2)}`);
  const etag = first.headers.get("ETag") ?? "";
  const revalidated = await load(200, 1, () => fetch(`${server.base}/api/v1/leaderboard/daily`, { headers: { "Rate-Limit-Bypass": server.rateLimitBypass, "If-None-Match": etag } }));
  console.log(`GET /api/v1/leaderboard/daily If-None-Match (304)  ${fmt(revalidated)}`);
  const paged = await load(200, 1, () => fetch(`${server.base}/api/v1/leaderboard/daily?page=3&limit=100`, { headers: { "Rate-Limit-Bypass": server.rateLimitBypass } }));
  console.log(`GET /api/v1/leaderboard/daily?page=3&limit=100     ${fmt(paged)}`);
  const serveRatio = served.p50 / bareP50;

  let large: Record<string, number> | null = null;
  if (big > n) {
    console.log(`\n== leaderboard (${big} users: ${big - n} more inserted directly with SQL: users, minute and day buckets, streak rows)`);
    t = performance.now();
    seedDirect(server.persistTo, `lbsql_${Date.now().toString(36)}_`, big - n);
    console.log(`seeded ${big - n} users with their buckets in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    large = await builds(server, `${big} users`, statsLoad.p50);
  }

  console.log(`\nratios (one run; stats p50 ${statsLoad.p50.toFixed(1)} ms, /up p50 ${bareP50.toFixed(2)} ms)`);
  console.log(`  ingest heartbeats/s with buckets ÷ without           ${ingestRatio.toFixed(3)}   (target ≥ 0.9)`);
  console.log(`  daily build ÷ stats p50, ${n} users                   ${small.daily.toFixed(1)}   (target ≤ 20)`);
  console.log(`  weekly build ÷ stats p50, ${n} users                  ${small.last_7_days.toFixed(1)}   (target ≤ 20)`);
  if (large) {
    console.log(`  daily build ÷ stats p50, ${big} users                 ${large.daily.toFixed(1)}   (target ≤ 100)`);
    console.log(`  weekly build ÷ stats p50, ${big} users                ${large.last_7_days.toFixed(1)}   (target ≤ 100)`);
  }
  console.log(`  GET /leaderboard/daily p50 ÷ /up p50, ${n} entries  ${serveRatio.toFixed(2)}   (target ≤ 3)`);
  return { ingestRatio, small, large, serveRatio, statsP50: statsLoad.p50 };
}
