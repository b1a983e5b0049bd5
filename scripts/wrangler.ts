// Running wrangler from the operator scripts: always the project's own wrangler on the
// project's Node (node_modules/.bin comes first on PATH under `npm run`), metrics off.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import path from "node:path";
import { unstable_readConfig } from "wrangler";

export const projectRoot = path.resolve(import.meta.dirname, "..");
const bin = path.join(projectRoot, "node_modules", ".bin");
export const childEnv = {
  ...process.env,
  PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
  // Local runs use miniflare's placeholder Request.cf instead of downloading the real one from
  // workers.cloudflare.com: Tally reads nothing from it, and offline the download prints a stack
  // trace at every start. Set CLOUDFLARE_CF_FETCH_ENABLED=true to fetch it anyway.
  CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
};

/**
 * The wrangler configuration the scripts use: wrangler.toml, or the file TALLY_WRANGLER_CONFIG
 * names (in the project folder, so its relative paths hold; the shard benchmark writes one with
 * a different number of shards).
 */
export const wranglerConfig = () => path.join(projectRoot, process.env.TALLY_WRANGLER_CONFIG ?? "wrangler.toml");
const withConfig = (args: string[]) => [...args, "--config", wranglerConfig()];

export function wranglerSync(args: string[], opts: { capture?: boolean } = {}): SpawnSyncReturns<string> {
  return spawnSync("wrangler", withConfig(args), {
    cwd: projectRoot,
    env: childEnv,
    encoding: "utf8",
    stdio: opts.capture ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function wranglerSpawn(args: string[], opts: { quiet?: boolean } = {}): ChildProcess {
  return spawn("wrangler", withConfig(args), { cwd: projectRoot, env: childEnv, stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"] });
}

/** Local state flags shared by migrations, dev and d1 execute. */
export const persistArgs = (persistTo?: string) => (persistTo ? ["--persist-to", persistTo] : []);

/** The D1 bindings of wrangler.toml: the main database first, then the shards. */
export function d1Bindings(): string[] {
  const config = unstable_readConfig({ config: wranglerConfig() });
  return (config.d1_databases ?? []).map((d: { binding: string }) => d.binding);
}

/**
 * Applies pending D1 migrations to the local state of every D1 binding (the main database and
 * each shard) without wrangler's confirmation prompt and tables (its output is shown only when
 * it fails). Returns the names of those applied, per binding that had any.
 */
export function applyLocalMigrations(persistTo?: string): Array<{ binding: string; applied: string[] }> {
  return d1Bindings().map((binding) => {
    const r = wranglerSync(["d1", "migrations", "apply", binding, "--local", ...persistArgs(persistTo)], { capture: true });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) {
      process.stderr.write(out);
      throw new Error(`applying D1 migrations to ${binding} failed`);
    }
    const listed = out.slice(out.indexOf("Migrations to be applied"), out.indexOf("About to apply"));
    return { binding, applied: /No migrations to apply/.test(out) ? [] : [...listed.matchAll(/│\s*(\S+\.sql)\s*│/g)].map((m) => m[1]) };
  });
}
