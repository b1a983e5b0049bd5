// `npm run bench`: starts a local `npm start` on its own port and state and prints each
// figure next to a baseline measured in the same run.
import { startLocalServer } from "../scripts/local-server";
import { foundationBench } from "./foundation";

const server = await startLocalServer(Number(process.env.BENCH_PORT ?? 8795));
try {
  await foundationBench(server);
} finally {
  await server.stop();
}
