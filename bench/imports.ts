// Import-path figures: a 200 000-heartbeat WakaTime dump uploaded to POST /my/heartbeat_imports
// (streamed, staged in slices), then imported by the queue consumer; polled until completed.
import type { LocalServer } from "../scripts/local-server";
import { CLI_UA } from "./lib";

const DAY = 86_400;
const PROJECTS = Array.from({ length: 12 }, (_, i) => `project-${i}`);
const LANGUAGES = ["TypeScript", "Rust", "Go", "Python", "Markdown"];

/** A WakaTime data dump ({"user":…,"days":[{"date","heartbeats":[…]}]}) of `total` heartbeats, 30 s apart in sessions. */
export function wakatimeDump(total: number, endDay = Math.floor(Date.now() / 1000 / DAY)): string {
  const perDay = 1000;
  const days = Math.ceil(total / perDay);
  const parts: string[] = [];
  let made = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = (endDay - days + d) * DAY;
    const beats: string[] = [];
    for (let i = 0; i < perDay && made < total; i++, made++) {
      const time = dayStart + 7 * 3600 + Math.floor(i / 250) * 3 * 3600 + (i % 250) * 30 + 0.25;
      beats.push(
        JSON.stringify({
          id: `hb-${made}`,
          branch: "main",
          category: "coding",
          created_at: new Date(time * 1000).toISOString(),
          cursorpos: i,
          dependencies: ["react", "zod"],
          entity: `/home/dev/${PROJECTS[(d + (i >> 8)) % PROJECTS.length]}/src/file${i % 37}.ts`,
          is_write: i % 4 === 0,
          language: LANGUAGES[i % LANGUAGES.length],
          lineno: i % 300,
          lines: 400,
          machine_name_id: "bench-machine",
          project: PROJECTS[(d + (i >> 8)) % PROJECTS.length],
          project_root_count: 4,
          time,
          type: "file",
          user_agent: CLI_UA,
          user_agent_id: "bench-ua",
          user_id: "bench",
        }),
      );
    }
    parts.push(`{"date":"${new Date(dayStart * 1000).toISOString().slice(0, 10)}","heartbeats":[${beats.join(",")}]}`);
  }
  return `{"user":{"id":"bench","username":"bench"},"range":{"start":"","end":""},"days":[${parts.join(",")}]}`;
}

export async function importsBench(server: LocalServer, total = Number(process.env.BENCH_IMPORT_HEARTBEATS ?? 200_000)) {
  console.log(`\n== imports (${total} heartbeats, WakaTime dump upload)`);
  const user = await server.createUser(["--timezone", "UTC"]);
  const file = wakatimeDump(total);
  const gz = await new Response(new Blob([file]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
  console.log(`dump: ${(file.length / 1e6).toFixed(1)} MB JSON (${(gz.byteLength / 1e6).toFixed(1)} MB gzipped, uploaded gzipped)`);
  const headers = { Authorization: `Bearer ${user.api_key}`, "Rate-Limit-Bypass": server.rateLimitBypass };

  const form = new FormData();
  form.append("heartbeat_file", new Blob([gz], { type: "application/gzip" }), "wakatime-dump.json.gz");
  const started = performance.now();
  const res = await fetch(`${server.base}/my/heartbeat_imports`, { method: "POST", headers, body: form });
  const accepted = (await res.json()) as { import_id?: string; error?: string; status?: { total_count: number } };
  const staged = (performance.now() - started) / 1000;
  if (res.status !== 202 || !accepted.import_id) throw new Error(`import was not accepted: ${res.status} ${JSON.stringify(accepted)}`);
  console.log(`POST /my/heartbeat_imports → 202 in ${staged.toFixed(1)} s (streamed + staged ${accepted.status?.total_count} heartbeats: ${((accepted.status?.total_count ?? 0) / staged).toFixed(0)} heartbeats/s)`);

  // Poll (bounded) until the queue has imported every slice.
  const deadline = Date.now() + Number(process.env.BENCH_IMPORT_TIMEOUT_S ?? 1800) * 1000;
  let last: Record<string, unknown> = {};
  let lastPrinted = 0;
  for (;;) {
    const s = await fetch(`${server.base}/my/heartbeat_imports/${accepted.import_id}`, { headers });
    last = (await s.json()) as Record<string, unknown>;
    if (last.state === "completed" || last.state === "failed") break;
    if (Date.now() > deadline) throw new Error(`import did not finish in time: ${JSON.stringify(last)}`);
    if (Date.now() - lastPrinted > 15_000) {
      lastPrinted = Date.now();
      console.log(`  … ${last.state} ${last.progress_percent}% (${last.processed_count}/${last.total_count})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - started) / 1000;
  if (last.state !== "completed") throw new Error(`import failed: ${JSON.stringify(last)}`);
  console.log(`completed: ${last.message}`);
  console.log(`end to end ${seconds.toFixed(1)} s = ${(total / seconds).toFixed(0)} heartbeats/s (imported ${last.imported_count}, skipped ${last.skipped_count}, errors ${last.errors_count})`);

  // The stats of the imported history answer from the projection like any other.
  const t = performance.now();
  const stats = await fetch(`${server.base}/api/v1/users/${user.username}/stats?features=languages,projects`, { headers: { "Rate-Limit-Bypass": server.rateLimitBypass } });
  const body = (await stats.json()) as { data?: { total_seconds?: number } };
  console.log(`stats after import: ${stats.status}, total ${body.data?.total_seconds} s in ${(performance.now() - t).toFixed(0)} ms`);
  return { stagedSeconds: staged, seconds, heartbeatsPerSecond: total / seconds };
}
