// Running wrangler from the operator scripts: always the project's own wrangler on the
// project's Node (node_modules/.bin comes first on PATH under `npm run`), metrics off.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import path from "node:path";

export const projectRoot = path.resolve(import.meta.dirname, "..");
const bin = path.join(projectRoot, "node_modules", ".bin");
export const childEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false" };

export function wranglerSync(args: string[], opts: { capture?: boolean } = {}): SpawnSyncReturns<string> {
  return spawnSync("wrangler", args, {
    cwd: projectRoot,
    env: childEnv,
    encoding: "utf8",
    stdio: opts.capture ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function wranglerSpawn(args: string[], opts: { quiet?: boolean } = {}): ChildProcess {
  return spawn("wrangler", args, { cwd: projectRoot, env: childEnv, stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"] });
}

/** Local state flags shared by migrations, dev and d1 execute. */
export const persistArgs = (persistTo?: string) => (persistTo ? ["--persist-to", persistTo] : []);

export function applyLocalMigrations(persistTo?: string, quiet = false) {
  const r = wranglerSync(["d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)], { capture: quiet });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout}${r.stderr}`);
    throw new Error("applying D1 migrations failed");
  }
}
