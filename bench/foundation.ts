// Foundation figures: statusbar/today and 100-heartbeat bulk posts, each next to the bare
// /up route measured in the same run; then the same two on a second server started with
// BENCH_D1_KEY_LOOKUP (every user key looked up in the main database, as before UserActivity
// verified keys: docs/edge-auth.md), for bulk posts/s before ÷ after and the main-database
// statements per request (X-Main-D1-Statements, BENCH_COUNT_MAIN_D1) on both.
import { freePort, startLocalServer, type LocalServer } from "../scripts/local-server";
import { CLI_UA, cliHeaders, fmt, load } from "./lib";

async function paths(server: LocalServer) {
  const user = await server.createUser(["--timezone", "UTC"]);
  const headers = cliHeaders(user.api_key, server.rateLimitBypass);
  // Backwards from a minute ago: the warm-up batch lands today (the status bar has data) and the
  // thousands after it stay in the past (the server refuses heartbeats over an hour ahead).
  const from = Math.floor(Date.now() / 1000) - 60;
  let seq = 0;
  const batch = () =>
    JSON.stringify(
      Array.from({ length: 100 }, () => {
        const i = seq++;
        return { entity: `/src/f${i % 17}.ts`, type: "file", category: "coding", time: from - i * 7.5, project: `p${i % 3}`, language: "TypeScript", user_agent: CLI_UA };
      }),
    );
  const post = () => fetch(`${server.base}/api/hackatime/v1/users/current/heartbeats.bulk`, { method: "POST", headers, body: batch() });
  const today = () => fetch(`${server.base}/api/hackatime/v1/users/current/statusbar/today`, { headers });
  const bare = () => fetch(`${server.base}/up`);
  // Warm up every path once (isolate, DO, D1 files).
  await (await bare()).arrayBuffer();
  await (await post()).arrayBuffer();
  await (await today()).arrayBuffer();
  const statements = async (res: Response) => {
    await res.arrayBuffer();
    return res.headers.get("x-main-d1-statements") ?? "?";
  };
  const counts = { poll: await statements(await today()), bulk: await statements(await post()) };
  return { post, today, bare, counts };
}

export async function foundationBench(server: LocalServer) {
  const after = await paths(server);
  const baseline = await load(600, 8, after.bare);
  const status = await load(600, 8, after.today);
  const bulk = await load(60, 4, after.post);
  const baseline2 = await load(600, 8, after.bare);
  const base = (baseline.rps + baseline2.rps) / 2;

  console.log("\n== foundation (local npm start, 8 concurrent clients; bulk: 4)");
  console.log(`bare GET /up                  ${fmt(baseline)}`);
  console.log(`GET statusbar/today           ${fmt(status)}   ratio to bare ${(status.rps / base).toFixed(2)}`);
  console.log(`POST heartbeats.bulk (100)    ${fmt(bulk)}   ratio to bare ${(bulk.rps / base).toFixed(3)}  = ${(bulk.rps * 100).toFixed(0)} heartbeats/s`);
  console.log(`bare GET /up (again)          ${fmt(baseline2)}`);

  const port = await freePort();
  const old = await startLocalServer(port, { BENCH_D1_KEY_LOOKUP: "1", BENCH_COUNT_MAIN_D1: "1" });
  try {
    const before = await paths(old);
    const oldBase = await load(600, 8, before.bare);
    const oldStatus = await load(600, 8, before.today);
    const oldBulk = await load(60, 4, before.post);
    const bulkAgain = await load(60, 4, after.post);
    const bulkAfter = (bulk.rps + bulkAgain.rps) / 2;
    console.log(`\n== user keys: D1 lookup per request (before, a second server on :${port} with BENCH_D1_KEY_LOOKUP) ÷ verified by UserActivity (after)`);
    console.log(`before: bare GET /up          ${fmt(oldBase)}`);
    console.log(`before: GET statusbar/today   ${fmt(oldStatus)}   ratio to bare ${(oldStatus.rps / oldBase.rps).toFixed(2)}`);
    console.log(`before: POST bulk (100)       ${fmt(oldBulk)}`);
    console.log(`after:  POST bulk (100) again ${fmt(bulkAgain)}`);
    console.log(`bulk posts/s before ÷ after   ${(oldBulk.rps / bulkAfter).toFixed(2)}  (after: mean of both runs)`);
    console.log(`main-D1 statements (Worker)   status-bar poll: before ${before.counts.poll}, after ${after.counts.poll};  bulk post: before ${before.counts.bulk}, after ${after.counts.bulk}`);
  } finally {
    await old.stop();
  }
  return { baseRps: base, statusRps: status.rps, bulkRps: bulk.rps };
}
