// Web-app budgets (issue: the dashboard is as fast as the API it reads):
//   1. /dashboard, all time, for a user with BENCH_BIG heartbeats: p50 ≤ 2 × the p50 of
//      /api/v1/users/{u}/stats for the same range (the exact call the page names, and the
//      plain all-time call, both measured in this run);
//   2. its first load in headless Chromium (empty cache): ≤ 100 KB of compressed JS + CSS, and
//      the load event ≤ 3 × the load of /api-docs/openapi.json in the same browser.
// Latencies are measured by the client over localhost (the server's time plus a loopback hop).
import { gzipSync } from "node:zlib";
import type { LocalServer } from "../scripts/local-server";
import { launchChromium } from "../test/browser/chromium";
import { fmt, load } from "./lib";
import { history, seed } from "./stats";

const DAY = 86_400;

/** Signs in through the sign-in form (as a browser does) and returns the session cookie's value. */
async function sessionToken(server: LocalServer, apiKey: string): Promise<string> {
  const headers = { Accept: "text/html", "Rate-Limit-Bypass": server.rateLimitBypass };
  const form = await fetch(`${server.base}/signin`, { headers });
  const pre = form.headers.getSetCookie().find((c) => c.startsWith("__Host-tally_csrf="))!.split(";")[0];
  const token = /name="_csrf" value="([0-9a-f]+)"/.exec(await form.text())![1];
  const res = await fetch(`${server.base}/signin`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, Origin: server.base, Cookie: pre, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: token, api_key: apiKey, next: "/dashboard" }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  return res.headers.getSetCookie().find((c) => c.startsWith("__Host-tally_session="))!.split(";")[0].split("=")[1];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function webBench(server: LocalServer, big = Number(process.env.BENCH_BIG ?? 500_000)) {
  console.log(`\n== web (dashboard user: ${big} heartbeats over two years)`);
  const today = Math.floor(Date.now() / 1000 / DAY);
  const u = await server.createUser(["--timezone", "America/New_York"]);
  const started = performance.now();
  const seeded = await seed(server, u.api_key, history(big, 730, today));
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s (${(seeded.rps * 100).toFixed(0)} heartbeats/s)`);

  const token = await sessionToken(server, u.api_key);
  const bypass = { "Rate-Limit-Bypass": server.rateLimitBypass };
  const dashboardPath = "/dashboard?range=all_time";
  const dashboard = () => fetch(`${server.base}${dashboardPath}`, { headers: { ...bypass, Accept: "text/html", Cookie: `__Host-tally_session=${token}` } });
  const html = await (await dashboard()).text();
  const named = /GET (\/api\/v1\/users\/[^<]+)<\/code>/.exec(html)?.[1]?.replaceAll("&amp;", "&");
  if (!named) throw new Error(`the dashboard did not render its API call:\n${html.slice(0, 2000)}`);
  const stats = (path: string) => () => fetch(`${server.base}${path}`, { headers: { ...bypass, Authorization: `Bearer ${u.api_key}` } });
  const plain = `/api/v1/users/${u.username}/stats?features=languages,projects`;

  const measure = async (label: string, fn: () => Promise<Response>) => {
    await (await fn()).arrayBuffer(); // warm
    const r = await load(60, 2, fn);
    console.log(`${label.padEnd(52)} ${fmt(r)}`);
    return r.p50;
  };
  const pStatsSame = await measure("stats, the dashboard's own call (all breakdowns+days)", stats(named));
  const pStatsPlain = await measure("stats all-time ?features=languages,projects", stats(plain));
  const pDashboard = await measure("GET /dashboard?range=all_time", dashboard);
  const pStatsSame2 = await measure("stats, the dashboard's own call (again)", stats(named));

  // First load in headless Chromium: a fresh context (empty cache) per load, the session cookie set.
  const browser = await launchChromium();
  const origin = new URL(server.base);
  const loads = { dashboard: [] as number[], openapi: [] as number[] };
  let assets: Array<{ url: string; type: string; raw: number; gzip: number; transferred: number }> = [];
  try {
    for (let i = 0; i < 7; i++) {
      for (const [key, path] of [
        ["openapi", "/api-docs/openapi.json"],
        ["dashboard", dashboardPath],
      ] as const) {
        const context = await browser.newContext();
        await context.addCookies([{ name: "__Host-tally_session", value: token, domain: origin.hostname, path: "/", secure: true, httpOnly: true, sameSite: "Lax" }]);
        const page = await context.newPage();
        const seen: typeof assets = [];
        page.on("response", async (r) => {
          const type = r.request().resourceType();
          if (type !== "script" && type !== "stylesheet") return;
          const body = await r.body();
          const sizes = await r.request().sizes();
          seen.push({ url: new URL(r.url()).pathname, type, raw: body.length, gzip: gzipSync(body).length, transferred: sizes.responseBodySize });
        });
        const res = await page.goto(`${server.base}${path}`, { waitUntil: "load" });
        if (!res?.ok()) throw new Error(`${path}: ${res?.status()}`);
        const ms = await page.evaluate(() => {
          const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          return n.loadEventEnd - n.startTime;
        });
        loads[key].push(ms);
        if (key === "dashboard") assets = seen;
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const js = assets.filter((a) => a.type === "script");
  const css = assets.filter((a) => a.type === "stylesheet");
  const sum = (xs: typeof assets, k: "raw" | "gzip" | "transferred") => xs.reduce((t, a) => t + a[k], 0);
  console.log(`first load of /dashboard: ${js.length} script(s) ${kb(sum(js, "raw"))} raw / ${kb(sum(js, "gzip"))} gzip; ${css.length} stylesheet(s) ${kb(sum(css, "raw"))} raw / ${kb(sum(css, "gzip"))} gzip (${kb(sum(assets, "transferred"))} transferred)`);
  console.log(`load event, headless Chromium, median of 7: /dashboard ${median(loads.dashboard).toFixed(1)} ms, /api-docs/openapi.json ${median(loads.openapi).toFixed(1)} ms`);

  const statsSame = (pStatsSame + pStatsSame2) / 2;
  console.log("\nratios (targets in brackets):");
  console.log(`1. /dashboard p50 ÷ its own stats call p50             ${(pDashboard / statsSame).toFixed(2)}  [≤ 2]`);
  console.log(`   /dashboard p50 ÷ all-time stats (languages,projects)  ${(pDashboard / pStatsPlain).toFixed(2)}`);
  console.log(`2. first-load JS + CSS, gzip                           ${kb(sum(assets, "gzip"))}  [≤ 100 KB]`);
  console.log(`3. load event /dashboard ÷ /api-docs/openapi.json      ${(median(loads.dashboard) / median(loads.openapi)).toFixed(2)}  [≤ 3]`);
}
