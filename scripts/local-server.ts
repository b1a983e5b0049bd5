// A local `npm start` server on its own port and state, for the end-to-end check and the
// benchmarks: starts it, waits until it answers, creates users with `npm run user:create`.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { childEnv, projectRoot } from "./wrangler";

export interface LocalServer {
  base: string;
  /** Send as "Rate-Limit-Bypass" to skip rate limits (benchmarks). */
  rateLimitBypass: string;
  persistTo: string;
  /** The environment its scripts run with (its wrangler configuration). */
  env: NodeJS.ProcessEnv;
  createUser(args?: string[]): Promise<{ id: number; username: string; api_key: string; admin_api_key?: string }>;
  /** Resident and peak memory (kB) of the server's workerd processes, from /proc (Linux). */
  workerdMemory(): { rssKb: number; peakKb: number };
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = childEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${out}${err}`))));
  });
}

let users = 0;

/** `npm run user:create` against a local state folder (the server may be running on it). */
export async function createUserIn(persistTo: string, args: string[] = [], env: NodeJS.ProcessEnv = childEnv): Promise<{ id: number; username: string; api_key: string; admin_api_key?: string }> {
  const username = `e2e_${Date.now().toString(36)}_${users++}`;
  const out = await run("npm", ["run", "--silent", "user:create", "--", "--username", username, "--persist-to", persistTo, ...args], env);
  return JSON.parse(out.trim().split("\n").pop()!);
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `vars`: more `--var NAME:value` for this server (benchmarks switch a feature off on a second
 * server); `config`: a wrangler configuration in the project folder instead of wrangler.toml.
 */
export async function startLocalServer(port: number, vars: Record<string, string> = {}, opts: { config?: string } = {}): Promise<LocalServer> {
  const env = opts.config ? { ...childEnv, TALLY_WRANGLER_CONFIG: opts.config } : childEnv;
  const persistTo = mkdtempSync(path.join(tmpdir(), "tally-"));
  const rateLimitBypass = crypto.randomUUID();
  const extra = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child: ChildProcess = spawn("npm", ["start", "--", "--port", String(port), "--persist-to", persistTo, "--var", `RATE_LIMIT_BYPASS:${rateLimitBypass}`, ...extra], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000; // a loaded 2-core machine can take minutes
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${log}`);
    try {
      const res = await fetch(`${base}/api-docs/openapi.json`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start in time:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    rateLimitBypass,
    persistTo,
    env,
    createUser: (args = []) => createUserIn(persistTo, args, env),
    workerdMemory() {
      let rssKb = 0;
      let peakKb = 0;
      for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
          if (pgid !== child.pid || !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
          const status = readFileSync(`/proc/${pid}/status`, "utf8");
          rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
          peakKb += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        } catch {
          /* process ended */
        }
      }
      return { rssKb, peakKb };
    },
    async stop() {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 500));
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
