// Leaderboard build figures: N users active in the last 24 hours (BENCH_LB_USERS, default
// 10 000), the daily cron fired once, the time until its board is finished, next to the p50
// of one user's GET /api/v1/users/{u}/stats measured in the same run.
//
// Users are inserted with ONE `wrangler d1 execute --file` (user:create per user would take
// hours at 10k); their heartbeats go through the real heartbeats.bulk endpoint, so
// user_active_days and each user's UserActivity projection are filled as in production.
import { createHash, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LocalServer } from "../scripts/local-server";
import { wranglerSync } from "../scripts/wrangler";
import { CLI_UA, cliHeaders, fmt, load } from "./lib";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function d1(persistTo: string, args: string[]) {
  const r = wranglerSync(["d1", "execute", "DB", "--local", "--persist-to", persistTo, ...args], { capture: true });
  if (r.status !== 0) throw new Error(`wrangler d1 execute failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function query<T>(persistTo: string, sql: string): T[] {
  const out = JSON.parse(d1(persistTo, ["--json", "--command", sql])) as Array<{ results: T[] }>;
  return out[out.length - 1]?.results ?? [];
}

/** Inserts `n` users with one API key each, in one `wrangler d1 execute --file`. */
function createUsers(persistTo: string, prefix: string, n: number) {
  const users = Array.from({ length: n }, (_, i) => ({ username: `${prefix}${i}`, key: randomUUID() }));
  const lines: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const chunk = users.slice(i, i + 500);
    lines.push(`INSERT INTO users (username, timezone) VALUES ${chunk.map((u) => `(${sqlString(u.username)}, 'UTC')`).join(", ")};`);
    lines.push(
      `INSERT INTO api_keys (user_id, name, token_hash) SELECT u.id, 'Hackatime key', v.column2 FROM (VALUES ${chunk
        .map((u) => `(${sqlString(u.username)}, ${sqlString(sha256(u.key))})`)
        .join(", ")}) v JOIN users u ON u.username = v.column1;`,
    );
  }
  const file = path.join(tmpdir(), `tally-lb-users-${process.pid}-${Date.now()}.sql`);
  writeFileSync(file, lines.join("\n"));
  try {
    d1(persistTo, ["--file", file]);
  } finally {
    rmSync(file, { force: true });
  }
  return users;
}

export async function leaderboardBench(server: LocalServer, n = Number(process.env.BENCH_LB_USERS ?? 10_000)) {
  console.log(`\n== leaderboard (daily board over ${n} users active in the last 24 h)`);
  const prefix = `lb_${Date.now().toString(36)}_`;

  let t = performance.now();
  const users = createUsers(server.persistTo, prefix, n);
  console.log(`created ${n} users with one d1 execute in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Each user: 3–12 coding heartbeats a minute apart in the last few hours (120–660 s), one request.
  const now = Math.floor(Date.now() / 1000);
  const beats = (i: number) =>
    JSON.stringify(
      Array.from({ length: 3 + (i % 10) }, (_, k) => ({
        entity: `/src/f${k % 5}.ts`,
        type: "file",
        category: "coding",
        time: now - 3 * 3600 + (i % 7200) + k * 60 + 0.5,
        project: `p${i % 50}`,
        language: "TypeScript",
        user_agent: CLI_UA,
      })),
    );
  const seeded = await load(n, 16, (i) => fetch(`${server.base}/api/hackatime/v1/users/current/heartbeats.bulk`, { method: "POST", headers: cliHeaders(users[i].key, server.rateLimitBypass), body: beats(i) }));
  console.log(`seeded heartbeats (one bulk post per user)  ${fmt(seeded)}`);

  // A single user's stats, measured in the same run.
  const statsHeaders = { Authorization: `Bearer ${users[0].key}`, "Rate-Limit-Bypass": server.rateLimitBypass };
  const stats = () => fetch(`${server.base}/api/v1/users/${users[0].username}/stats?features=languages,projects`, { headers: statsHeaders });
  await (await stats()).arrayBuffer();
  const statsLoad = await load(60, 1, stats);
  console.log(`GET /api/v1/users/{u}/stats (1 client)       ${fmt(statsLoad)}`);

  // Fire the daily cron and wait for the board it starts to finish: first with every user's
  // object cold (seeding took a while), then again at once, objects warm (the steady state of a
  // board rebuilt every minute for users who are coding).
  const build = async (label: string) => {
    const [before] = query<{ id: number | null }>(server.persistTo, "SELECT MAX(id) AS id FROM leaderboards WHERE period = 'daily'");
    const afterId = before?.id ?? 0;
    const started = performance.now();
    const fired = await fetch(`${server.base}/__scheduled?cron=*+*+*+*+*`);
    await fired.arrayBuffer();
    if (!fired.ok) throw new Error(`/__scheduled answered ${fired.status}`);
    type Row = { id: number; pages_total: number; created_at: string; finished_generating_at: string | null; entries: number };
    let board: Row | undefined;
    // Polling spawns wrangler (CPU the server would use), so back off to every 5 s; the figure
    // is the server's own created_at → finished_generating_at, not the polling wall time.
    const deadline = Date.now() + 30 * 60_000;
    for (let wait = 500; ; wait = Math.min(5000, wait * 1.5)) {
      [board] = query<Row>(
        server.persistTo,
        `SELECT b.id, b.pages_total, b.created_at, b.finished_generating_at,
           (SELECT count(*) FROM leaderboard_entries e WHERE e.leaderboard_id = b.id) AS entries
         FROM leaderboards b WHERE b.period = 'daily' AND b.id > ${afterId} ORDER BY b.id LIMIT 1`,
      );
      if (board?.finished_generating_at) break;
      if (Date.now() > deadline) throw new Error(`the board did not finish in time: ${JSON.stringify(board)}`);
      await new Promise((r) => setTimeout(r, wait));
    }
    const wall = (performance.now() - started) / 1000;
    const seconds = (Date.parse(board.finished_generating_at!) - Date.parse(board.created_at)) / 1000;
    console.log(
      `daily build, ${label.padEnd(13)} ${board.pages_total} pages, ${board.entries} entries: ${seconds.toFixed(1)} s (created_at → finished_generating_at; ${wall.toFixed(1)} s wall from the cron request, polled) = ${(n / seconds).toFixed(0)} users/s`,
    );
    return { seconds, entries: board.entries };
  };
  const cold = await build("objects cold");
  const warm = await build("objects warm");

  const served = await load(5, 1, () => fetch(`${server.base}/api/v1/leaderboard/daily`, { headers: statsHeaders }));
  console.log(`GET /api/v1/leaderboard/daily (${warm.entries} entries)  ${fmt(served)}`);

  const ratio = (s: number) => (s * 1000) / statsLoad.p50;
  console.log(`\nratios: build time ÷ one user's stats p50 (${statsLoad.p50.toFixed(1)} ms), ${n} users`);
  console.log(`  cold ${ratio(cold.seconds).toFixed(0)}  (${(ratio(cold.seconds) / n).toFixed(2)} per user)`);
  console.log(`  warm ${ratio(warm.seconds).toFixed(0)}  (${(ratio(warm.seconds) / n).toFixed(2)} per user)`);
  return { users: n, coldSeconds: cold.seconds, warmSeconds: warm.seconds, statsP50: statsLoad.p50 };
}
