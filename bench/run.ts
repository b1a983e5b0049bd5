// `npm run bench`: starts a local `npm start` on its own port and state and prints each
// figure next to a baseline measured in the same run.
import { startLocalServer } from "../scripts/local-server";
import { foundationBench } from "./foundation";
import { importsBench } from "./imports";
import { leaderboardBench } from "./leaderboard";
import { shardsBench } from "./shards";
import { statsBench } from "./stats";
import { webBench } from "./web";

// BENCH_COUNT_MAIN_D1: responses say how many main-database statements they ran (bench/foundation.ts).
const server = await startLocalServer(Number(process.env.BENCH_PORT ?? 8795), { BENCH_COUNT_MAIN_D1: "1" });
try {
  const only = process.env.BENCH_ONLY;
  if (!only || only === "foundation") await foundationBench(server);
  if (!only || only === "stats") await statsBench(server);
  if (!only || only === "imports") await importsBench(server);
  if (!only || only === "leaderboard") await leaderboardBench(server);
  if (!only || only === "web") await webBench(server);
  if (!only || only === "shards") await shardsBench(); // its own servers: 1 and 4 shards
} finally {
  await server.stop();
}
