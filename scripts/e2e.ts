// `npm run e2e`: the foundation's acceptance check, as a person would do it. Starts
// `npm start` on its own port and state, creates a user with `npm run user:create`, then
// emulates a wakatime-cli session: 30 minutes of heartbeats, 10 per `heartbeats.bulk`
// request with Basic auth and the cli's headers, one batch retried, then `statusbar/today`.
import { startLocalServer } from "./local-server";

const port = Number(process.env.E2E_PORT ?? 8791);
const server = await startLocalServer(port);
let failed = false;
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failed = true;
};

try {
  const user = await server.createUser(["--timezone", "UTC"]);
  check(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/.test(user.api_key), "user:create printed a UUID v4 key");
  const headers = {
    Accept: "application/json",
    Authorization: `Basic ${Buffer.from(user.api_key).toString("base64")}`,
    "User-Agent": "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1",
    "X-Machine-Name": "e2e+box",
    Timezone: "UTC",
    "Content-Type": "application/json",
  };
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400;
  const beats = Array.from({ length: 61 }, (_, i) => ({
    entity: `/home/dev/code/app/src/file${i % 3}.ts`,
    type: "file",
    category: "coding",
    time: dayStart + 120 + i * 30 + 0.25,
    project: "app",
    branch: "main",
    language: "TypeScript",
    is_write: i % 5 === 0 ? true : undefined,
    lineno: i + 1,
    user_agent: headers["User-Agent"],
  }));
  const post = (batch: unknown[]) => fetch(`${server.base}/api/hackatime/v1/users/current/heartbeats.bulk`, { method: "POST", headers, body: JSON.stringify(batch) });
  for (let i = 0; i < beats.length; i += 10) {
    const res = await post(beats.slice(i, i + 10));
    const body = (await res.json()) as { responses: [unknown, number][] };
    check(res.status === 201 && body.responses.length === Math.min(10, beats.length - i) && body.responses.every((r) => r[1] === 201), `batch ${i / 10 + 1}: 201 with a [row,201] per heartbeat`);
  }
  const retry = await post(beats.slice(0, 10));
  check(retry.status === 201, "a retried batch is accepted");
  const today = await fetch(`${server.base}/api/hackatime/v1/users/current/statusbar/today`, { headers });
  const sb = (await today.json()) as { data: { grand_total: { total_seconds: number; text: string; hours: number; minutes: number } } };
  check(today.status === 200, "statusbar/today answers 200");
  check(sb.data.grand_total.total_seconds === 1800, `status bar total is 1800 s (got ${sb.data.grand_total.total_seconds})`);
  check(sb.data.grand_total.text === "30m", `status bar text is "30m" (got "${sb.data.grand_total.text}")`);
  check(Number.isInteger(sb.data.grand_total.hours) && Number.isInteger(sb.data.grand_total.minutes), "hours and minutes are integers");
  const bad = await fetch(`${server.base}/api/hackatime/v1/users/current/statusbar/today`, { headers: { ...headers, Authorization: `Basic ${Buffer.from(crypto.randomUUID()).toString("base64")}` } });
  check(bad.status === 401, "an unknown key gets 401");

  // Nobody fires a cron by hand: npm start's driver builds the daily board at the next minute.
  const firstPost = Date.now();
  let board: { status: number; entries: Array<{ user: { id: number } }> } = { status: 0, entries: [] };
  while (Date.now() - firstPost < 90_000) {
    const res = await fetch(`${server.base}/api/v1/leaderboard/daily`);
    board = { status: res.status, entries: res.ok ? (((await res.json()) as { entries: typeof board.entries }).entries ?? []) : [] };
    if (board.entries.some((e) => e.user.id === user.id)) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const waited = Math.round((Date.now() - firstPost) / 1000);
  check(board.status === 200 && board.entries.some((e) => e.user.id === user.id), `the daily leaderboard lists the user ${waited} s after their heartbeats, with no manual cron call`);
} finally {
  await server.stop();
}
console.log(failed ? "e2e: FAILED" : "e2e: passed");
process.exit(failed ? 1 : 0);
