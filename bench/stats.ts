// Stats-path figures (issue: durations and stats at the same cost for 1 000 or 1 000 000
// heartbeats). Everything is seeded through the real heartbeats.bulk endpoint.
import type { LocalServer } from "../scripts/local-server";
import { FUTURE_TOLERANCE_SECONDS } from "../src/domain/heartbeats/limits";
import { CLI_UA, cliHeaders, fmt, load } from "./lib";

const DAY = 86_400;
const PROJECTS = Array.from({ length: 20 }, (_, i) => `project-${i}`);
const LANGUAGES = ["TypeScript", "Rust", "Go", "Python", "Markdown", "JSON", "Shell", "SQL"];

/** A user's history: `total` heartbeats spread over `days` days, a few sessions a day, 30 s apart. */
export function* history(total: number, days: number, endDay: number) {
  const perDay = Math.max(1, Math.round(total / days));
  let made = 0;
  for (let d = 0; d < days && made < total; d++) {
    const dayStart = (endDay - days + d) * DAY;
    for (let i = 0; i < perDay && made < total; i++, made++) {
      const session = Math.floor((i * 3) / perDay); // three sessions a day
      const t = dayStart + 8 * 3600 + session * 4 * 3600 + (i % Math.ceil(perDay / 3)) * 30;
      yield { entity: `/src/f${made % 31}.ts`, type: "file", category: made % 10 === 0 ? "debugging" : made % 10 === 5 ? "ai coding" : "coding", time: t + 0.5, project: PROJECTS[(d + session) % PROJECTS.length], language: LANGUAGES[made % LANGUAGES.length], user_agent: CLI_UA };
    }
  }
}

export async function seed(server: LocalServer, key: string, beats: Iterable<unknown>, concurrency = 4) {
  const headers = cliHeaders(key, server.rateLimitBypass);
  const batches: unknown[][] = [];
  let cur: unknown[] = [];
  for (const b of beats) {
    cur.push(b);
    if (cur.length === 100) batches.push(cur), (cur = []);
  }
  if (cur.length) batches.push(cur);
  const r = await load(batches.length, concurrency, (i) => fetch(`${server.base}/api/hackatime/v1/users/current/heartbeats.bulk`, { method: "POST", headers, body: JSON.stringify(batches[i]) }));
  return r;
}

async function ingestRate(server: LocalServer, label: string) {
  const u = await server.createUser(["--timezone", "UTC"]);
  const today = Math.floor(Date.now() / 1000 / DAY);
  const r = await seed(server, u.api_key, history(20_000, 20, today), 4);
  console.log(`${label.padEnd(44)} ${fmt(r)}  = ${(r.rps * 100).toFixed(0)} heartbeats/s`);
  return r.rps;
}

export async function statsBench(server: LocalServer, big = Number(process.env.BENCH_BIG ?? 500_000)) {
  console.log(`\n== stats (big user: ${big} heartbeats over two years; small: 5000)`);
  const today = Math.floor(Date.now() / 1000 / DAY);
  const emptyRate = await ingestRate(server, "bulk ingest, database empty");

  const small = await server.createUser(["--timezone", "America/New_York"]);
  const large = await server.createUser(["--timezone", "America/New_York"]);
  await seed(server, small.api_key, history(5000, 730, today));
  const started = performance.now();
  const seeded = await seed(server, large.api_key, history(big, 730, today));
  console.log(`seeded the big user in ${((performance.now() - started) / 1000).toFixed(0)} s (${(seeded.rps * 100).toFixed(0)} heartbeats/s)`);

  const fullRate = await ingestRate(server, `bulk ingest, database holds ${big + 25_000}`);

  const statsOf = (u: { username: string }, query: string) => () => fetch(`${server.base}/api/v1/users/${u.username}/stats${query}`, { headers: { "Rate-Limit-Bypass": server.rateLimitBypass } });
  const measure = async (label: string, fn: () => Promise<Response>) => {
    await (await fn()).arrayBuffer(); // warm
    const r = await load(60, 2, fn);
    console.log(`${label.padEnd(44)} ${fmt(r)}`);
    return r.p50;
  };
  const allTime = "?features=languages,projects";
  const filtered = "?features=languages,projects&filter_by_project=project-3";
  const sSmall = await measure("stats all-time, 5 000 heartbeats", statsOf(small, allTime));
  const memBefore = server.workerdMemory();
  const sBig = await measure(`stats all-time, ${big} heartbeats`, statsOf(large, allTime));
  const fSmall = await measure("stats filter_by_project, 5 000", statsOf(small, filtered));
  const fBig = await measure(`stats filter_by_project, ${big}`, statsOf(large, filtered));

  // Every filter on the fast path (issue 13): the WakaTime ranges, the fixed subsets' chains, and
  // an arbitrary project set (the filtered day cache: its first query computes each day once).
  const wakatime = (u: { api_key: string }, path: string) => () => fetch(`${server.base}/api/hackatime/v1/users/current/${path}`, { headers: cliHeaders(u.api_key, server.rateLimitBypass) });
  const wAllSmall = await measure("wakatime stats/all_time, 5 000", wakatime(small, "stats/all_time"));
  const wAllBig = await measure(`wakatime stats/all_time, ${big}`, wakatime(large, "stats/all_time"));
  const wYearSmall = await measure("wakatime stats/last_year, 5 000", wakatime(small, "stats/last_year"));
  const wYearBig = await measure(`wakatime stats/last_year, ${big}`, wakatime(large, "stats/last_year"));
  const noAi = "?features=languages,projects&no_ai_coding=true";
  const nSmall = await measure("stats no_ai_coding, 5 000", statsOf(small, noAi));
  const nBig = await measure(`stats no_ai_coding, ${big}`, statsOf(large, noAi));
  const boundary = "?total_seconds=true&boundary_aware=true";
  const bSmall = await measure("stats boundary_aware, 5 000", statsOf(small, boundary));
  const bBig = await measure(`stats boundary_aware, ${big}`, statsOf(large, boundary));
  const twoProjects = "?features=languages,projects&filter_by_project=project-3,project-7";
  const once = async (label: string, fn: () => Promise<Response>) => {
    const t = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    const ms = performance.now() - t;
    console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms (one request, status ${res.status})`);
    return ms;
  };
  const pFirstSmall = await once("stats two projects, 5 000, first query", statsOf(small, twoProjects));
  const pFirstBig = await once(`stats two projects, ${big}, first query`, statsOf(large, twoProjects));
  const pSmall = await measure("stats two projects, 5 000, repeated", statsOf(small, twoProjects));
  const pBig = await measure(`stats two projects, ${big}, repeated`, statsOf(large, twoProjects));
  const memAfter = server.workerdMemory();
  // The whole local runtime (all isolates, Durable Objects, D1 caches): an upper bound for the stats path.
  console.log(
    `workerd memory around the big user's stats calls: RSS ${(memBefore.rssKb / 1024).toFixed(0)} → ${(memAfter.rssKb / 1024).toFixed(0)} MB, peak ${(memBefore.peakKb / 1024).toFixed(0)} → ${(memAfter.peakKb / 1024).toFixed(0)} MB`,
  );

  // Status bar: 10 heartbeats today vs 20 000 today.
  const few = await server.createUser(["--timezone", "UTC"]);
  const many = await server.createUser(["--timezone", "UTC"]);
  const todayStart = today * DAY;
  // Today, 4 s apart, squeezed when the day is young: the server refuses heartbeats more than
  // FUTURE_TOLERANCE_SECONDS ahead of its clock.
  const step = Math.min(4, (Date.now() / 1000 + FUTURE_TOLERANCE_SECONDS - 600 - todayStart) / 20_000);
  await seed(server, few.api_key, Array.from({ length: 10 }, (_, i) => ({ entity: "/a.ts", type: "file", time: todayStart + i * 30, project: "p" })));
  await seed(server, many.api_key, Array.from({ length: 20_000 }, (_, i) => ({ entity: `/a${i % 7}.ts`, type: "file", time: todayStart + i * step, project: PROJECTS[i % 5], language: LANGUAGES[i % 8] })));
  const sb = (u: { api_key: string }) => () => fetch(`${server.base}/api/hackatime/v1/users/current/statusbar/today`, { headers: cliHeaders(u.api_key, server.rateLimitBypass) });
  const sbFew = await measure("statusbar/today, 10 heartbeats today", sb(few));
  const sbMany = await measure("statusbar/today, 20 000 heartbeats today", sb(many));
  const date = new Date(todayStart * 1000).toISOString().slice(0, 10);
  const dFew = await measure("durations?date=, 10 heartbeats that day", wakatime(few, `durations?date=${date}`));
  const dMany = await measure("durations?date=, 20 000 heartbeats that day", wakatime(many, `durations?date=${date}`));

  console.log("\nratios (targets in brackets):");
  console.log(`1. stats all-time p50, big ÷ small            ${(sBig / sSmall).toFixed(2)}  [≤ 2]`);
  console.log(`2. stats filter_by_project p50, big ÷ small   ${(fBig / fSmall).toFixed(2)}  [≤ 2]`);
  console.log(`3. statusbar p50, 20 000 today ÷ 10 today     ${(sbMany / sbFew).toFixed(2)}  [≤ 1.3]`);
  console.log(`4. bulk ingest rate, full ÷ empty database    ${(fullRate / emptyRate).toFixed(2)}  [≥ 0.8]`);
  console.log(`5. wakatime stats/all_time p50, big ÷ small   ${(wAllBig / wAllSmall).toFixed(2)}  [≤ 1.5]`);
  console.log(`6. wakatime stats/last_year p50, big ÷ small  ${(wYearBig / wYearSmall).toFixed(2)}  [≤ 1.5]`);
  console.log(`7. stats no_ai_coding p50, big ÷ small        ${(nBig / nSmall).toFixed(2)}  [≤ 1.5]`);
  console.log(`8. stats boundary_aware p50, big ÷ small      ${(bBig / bSmall).toFixed(2)}  [≤ 1.5]`);
  console.log(`9. stats two projects repeated, big ÷ small   ${(pBig / pSmall).toFixed(2)}  [≤ 1.5]; first query ${pFirstBig.toFixed(0)} ms ÷ ${pFirstSmall.toFixed(0)} ms = ${(pFirstBig / pFirstSmall).toFixed(2)} [report]`);
  console.log(`10. durations?date= p50, 20 000 ÷ 10 that day ${(dMany / dFew).toFixed(2)}  [report]`);
}
