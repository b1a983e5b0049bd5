// Foundation figures: statusbar/today and 100-heartbeat bulk posts, each next to the bare
// /up route measured in the same run.
import type { LocalServer } from "../scripts/local-server";
import { CLI_UA, cliHeaders, fmt, load } from "./lib";

export async function foundationBench(server: LocalServer) {
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

  const baseline = await load(600, 8, bare);
  const status = await load(600, 8, today);
  const bulk = await load(60, 4, post);
  const baseline2 = await load(600, 8, bare);
  const base = (baseline.rps + baseline2.rps) / 2;

  console.log("\n== foundation (local npm start, 8 concurrent clients; bulk: 4)");
  console.log(`bare GET /up                  ${fmt(baseline)}`);
  console.log(`GET statusbar/today           ${fmt(status)}   ratio to bare ${(status.rps / base).toFixed(2)}`);
  console.log(`POST heartbeats.bulk (100)    ${fmt(bulk)}   ratio to bare ${(bulk.rps / base).toFixed(3)}  = ${(bulk.rps * 100).toFixed(0)} heartbeats/s`);
  console.log(`bare GET /up (again)          ${fmt(baseline2)}`);
  return { baseRps: base, statusRps: status.rps, bulkRps: bulk.rps };
}
