// `npm start [-- --port N --persist-to DIR]`: applies pending D1 migrations to the local
// state, then serves the Worker with local D1, Durable Objects, Queues and cron
// (`--test-scheduled` exposes /__scheduled?cron=…). No Cloudflare account needed.
import { parseArgs } from "node:util";
import { applyLocalMigrations, persistArgs, wranglerSpawn } from "./wrangler";

const { values, positionals } = parseArgs({
  options: { port: { type: "string", default: "8787" }, "persist-to": { type: "string" }, ip: { type: "string" }, var: { type: "string", multiple: true } },
  allowPositionals: true,
  strict: false,
});
const persistTo = values["persist-to"] as string | undefined;

applyLocalMigrations(persistTo);
const child = wranglerSpawn([
  "dev",
  "--test-scheduled",
  "--port",
  String(values.port),
  ...(values.ip ? ["--ip", String(values.ip)] : []),
  ...persistArgs(persistTo),
  ...((values.var as string[] | undefined) ?? []).flatMap((v) => ["--var", v]),
  ...positionals,
]);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
