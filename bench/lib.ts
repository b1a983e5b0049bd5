// Benchmark helpers: a bounded closed-loop load generator against a local server, figures
// printed next to a baseline measured in the same run (ratios, not absolute targets), and SQL
// run straight against a local server's D1 databases (seeding at sizes the API would take hours for).
import { createHash, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { wranglerSync } from "../scripts/wrangler";

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  failures: number;
  firstFailure?: string;
}

/** Sends `total` requests with `concurrency` in flight; each call to `make` yields one request. */
export async function load(total: number, concurrency: number, make: (i: number) => Promise<Response>): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t = performance.now();
      const res = await make(i);
      const body = await res.text();
      if (!res.ok) {
        failures++;
        firstFailure ??= `${res.status} ${body.slice(0, 300)}`;
      }
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { requests: total, seconds, rps: total / seconds, p50: pct(0.5), p95: pct(0.95), failures, firstFailure };
}

export const fmt = (r: LoadResult) =>
  `${r.rps.toFixed(1).padStart(8)} req/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms  (${r.requests} requests${r.failures ? `, ${r.failures} FAILED, first: ${r.firstFailure}` : ""})`;

export function basicAuth(key: string) {
  return `Basic ${Buffer.from(key).toString("base64")}`;
}

export const CLI_UA = "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1";

/** wakatime-cli's headers, plus the local server's rate-limit bypass (a load test is not a client). */
export function cliHeaders(key: string, bypass: string) {
  return { Accept: "application/json", Authorization: basicAuth(key), "User-Agent": CLI_UA, "X-Machine-Name": "bench", "Content-Type": "application/json", "Rate-Limit-Bypass": bypass };
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** `wrangler d1 execute <binding> --local` on a server's state folder (the server may be running). */
export function d1Execute(persistTo: string, binding: string, args: string[]): string {
  const r = wranglerSync(["d1", "execute", binding, "--local", "--persist-to", persistTo, ...args], { capture: true });
  if (r.status !== 0) throw new Error(`wrangler d1 execute ${binding} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export function executeSqlFile(persistTo: string, binding: string, sql: string): void {
  const file = path.join(tmpdir(), `tally-bench-${process.pid}-${Date.now()}.sql`);
  writeFileSync(file, sql);
  try {
    d1Execute(persistTo, binding, ["--file", file]);
  } finally {
    rmSync(file, { force: true });
  }
}

export function d1Query<T>(persistTo: string, binding: string, sql: string): T[] {
  const out = JSON.parse(d1Execute(persistTo, binding, ["--json", "--command", sql])) as Array<{ results: T[] }>;
  return out[out.length - 1]?.results ?? [];
}

/**
 * fetch, asked again (up to 3 times) when a kept-alive socket the local server closed meanwhile
 * fails it ("other side closed"). Only for requests that are safe to repeat (heartbeat posts are
 * idempotent; reads).
 */
export async function fetchAgain(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * `n` users (`prefix` + i) with one API key each, user i on shard `shardOf(i)`, in one
 * `wrangler d1 execute --file` on the main database (user:create per user would take hours).
 */
export function createUsersDirect(persistTo: string, prefix: string, n: number, shardOf: (i: number) => number = () => 0) {
  const users = Array.from({ length: n }, (_, i) => ({ username: `${prefix}${i}`, key: randomUUID(), shard: shardOf(i) }));
  const lines: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const chunk = users.slice(i, i + 500);
    lines.push(`INSERT INTO users (username, timezone, shard) VALUES ${chunk.map((u) => `(${sqlString(u.username)}, 'UTC', ${u.shard})`).join(", ")};`);
    lines.push(
      `INSERT INTO api_keys (user_id, name, token_hash) SELECT u.id, 'Hackatime key', v.column2 FROM (VALUES ${chunk
        .map((u) => `(${sqlString(u.username)}, ${sqlString(sha256(u.key))})`)
        .join(", ")}) v JOIN users u ON u.username = v.column1;`,
    );
  }
  executeSqlFile(persistTo, "DB", lines.join("\n"));
  return users;
}
