// `npm start [-- --port N --persist-to DIR --var K:V]`: applies pending D1 migrations to the
// local state, serves the Worker with local D1, Durable Objects and Queues, and fires the cron
// triggers of wrangler.toml on their schedule (scripts/local-crons.ts). No Cloudflare account
// needed. `/__scheduled?cron=…` (wrangler's --test-scheduled) fires one by hand.
import { parseArgs } from "node:util";
import { unstable_readConfig } from "wrangler";
import { startLocalCrons } from "./local-crons";
import { applyLocalMigrations, persistArgs, projectRoot, wranglerConfig, wranglerSpawn } from "./wrangler";

const { values, positionals } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "persist-to": { type: "string" },
    ip: { type: "string" },
    var: { type: "string", multiple: true },
    "log-level": { type: "string", default: "info" },
  },
  allowPositionals: true,
  strict: false,
});
const persistTo = values["persist-to"] as string | undefined;
const say = (line: string) => process.stdout.write(`tally: ${line}\n`);

const where = persistTo ?? ".wrangler/state";
const migrated = applyLocalMigrations(persistTo).filter((m) => m.applied.length);
for (const m of migrated) say(`${m.binding}: applied ${m.applied.length} D1 migration(s) in ${where}: ${m.applied.join(", ")}`);
if (!migrated.length) say(`local D1 databases in ${where} are up to date`);

const crons = unstable_readConfig({ config: wranglerConfig() }).triggers?.crons ?? [];
const child = wranglerSpawn([
  "dev",
  "--test-scheduled",
  "--port",
  String(values.port),
  // info: wrangler's "Ready" line, one line per request, warnings, errors and the Worker's
  // console.info/warn/error; "log" adds the bindings tables (twice).
  "--log-level",
  String(values["log-level"]),
  ...(values.ip ? ["--ip", String(values.ip)] : []),
  ...persistArgs(persistTo),
  ...((values.var as string[] | undefined) ?? []).flatMap((v) => ["--var", v]),
  ...positionals,
]);

const base = `http://127.0.0.1:${values.port}`;
let driver: ReturnType<typeof startLocalCrons> | undefined;
async function startCronsWhenReady() {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`${base}/up`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (child.exitCode !== null) return;
  driver = startLocalCrons(base, crons, say);
  say(`web app at http://localhost:${values.port}/ (sign in with a user's API key)`);
  say(`API docs at http://localhost:${values.port}/api-docs`);
  say(`cron triggers fire on schedule (UTC): ${crons.map((c) => `"${c}"`).join(", ")}; README "Cron triggers" says what each does`);
}
void startCronsWhenReady();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    driver?.stop();
    child.kill(signal);
  });
}
child.on("exit", (code) => {
  driver?.stop();
  process.exit(code ?? 0);
});
