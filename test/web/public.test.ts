// Public pages: /@username (private users 404, as to the API they are refused), badges (SVG and
// shields.io JSON, per user and project, cacheable, privacy honoured), /leaderboards.
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/cron";
import { handleQueueBatch } from "../../src/queues";
import { cliHeartbeat, createUser, postBulk, request } from "../helpers";
import { Browser, signedIn } from "./helpers";

async function seed(apiKey: string, project = "pub") {
  const start = Math.floor(Date.now() / 1000) - 3 * 3600;
  expect((await postBulk(apiKey, Array.from({ length: 31 }, (_, i) => cliHeartbeat(start + i * 60, { project })))).status).toBe(201);
}

describe("/@username", () => {
  it("shows a public user's stats (the API's numbers) to anyone", async () => {
    const u = await createUser();
    await seed(u.apiKey);
    const res = await new Browser().get(`/@${u.username}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const api = (await (await request(`/api/v1/users/${u.username}/stats`)).json()) as any;
    expect(Number(/data-testid="total" data-seconds="(\d+)"/.exec(html)![1])).toBe(api.data.total_seconds);
    expect(api.data.total_seconds).toBe(1800);
    expect(html).toContain(`/@${u.username}/badge.svg`);
    expect(html).not.toMatch(/src="https?:/); // the avatar is drawn locally
  });

  it("is 404 for a private user (to others; the owner sees it) and for unknown users", async () => {
    const u = await createUser({ allowPublicStatsLookup: false });
    await seed(u.apiKey);
    expect((await request(`/api/v1/users/${u.username}/stats`)).status).toBe(403);
    const anon = await new Browser().get(`/@${u.username}`);
    expect(anon.status).toBe(404);
    expect(await anon.text()).not.toContain("1800");
    const other = await signedIn((await createUser()).apiKey);
    expect((await other.get(`/@${u.username}`)).status).toBe(404);
    const owner = await signedIn(u.apiKey);
    const own = await owner.get(`/@${u.username}`);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("only you can see this page");
    expect((await new Browser().get("/@no-such-user-anywhere")).status).toBe(404);
  });
});

describe("badges", () => {
  it("answer SVG and shields.io JSON per user and per project, cacheable by shared caches", async () => {
    const u = await createUser();
    await seed(u.apiKey, "<b>proj</b>");
    const svg = await request(`/@${u.username}/badge.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get("cache-control")).toBe("public, max-age=600");
    expect(svg.headers.get("set-cookie")).toBeNull();
    expect(await svg.text()).toContain("30 mins");
    const json = await request(`/@${u.username}/badge.json`);
    expect(await json.json()).toEqual({ schemaVersion: 1, label: "coding time", message: "30 mins", color: "3451d1", cacheSeconds: 600 });
    const project = await request(`/@${u.username}/projects/${encodeURIComponent("<b>proj</b>")}/badge.svg`);
    const body = await project.text();
    expect(body).toContain("&lt;b&gt;proj&lt;/b&gt;");
    expect(body).not.toContain("<b>");
    expect(await (await request(`/@${u.username}/projects/other/badge.json`)).json()).toMatchObject({ label: "other", message: "0 secs" });
  });

  it("are 404 for private users and archived projects", async () => {
    const priv = await createUser({ allowPublicStatsLookup: false });
    await seed(priv.apiKey);
    for (const path of [`/@${priv.username}/badge.svg`, `/@${priv.username}/badge.json`, `/@${priv.username}/projects/pub/badge.svg`]) {
      const res = await request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    const u = await createUser();
    await seed(u.apiKey);
    await request("/my/project_repo_mappings/pub/archive", { method: "PATCH", headers: { Authorization: `Bearer ${u.apiKey}` } });
    expect((await request(`/@${u.username}/projects/pub/badge.svg`)).status).toBe(404);
  });
});

/** Fires the daily board's cron now and consumes its queue messages. */
async function buildDailyBoard() {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (msgs: Iterable<{ body: unknown }>) => void [...msgs].forEach((m) => sent.push(m.body)),
  };
  await handleScheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), { ...env, IMPORTS: queue as unknown as Queue });
  const batch = createMessageBatch("tally-imports", sent.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await handleQueueBatch(batch, env);
  expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
}

describe("/leaderboards", () => {
  it("shows the API's board with the signed-in user highlighted", async () => {
    const none = await new Browser().get("/leaderboards");
    expect(none.status).toBe(200);
    const u = await createUser();
    await seed(u.apiKey);
    await buildDailyBoard();
    const api = (await (await request("/api/v1/leaderboard/daily")).json()) as any;
    const mine = api.entries.find((e: any) => e.user.id === u.id);
    expect(mine.total_seconds).toBe(1800);
    const b = await signedIn(u.apiKey);
    const html = await (await b.get("/leaderboards?period=daily")).text();
    expect(html).toMatch(new RegExp(`<tr class="me" aria-current="true" data-user-id="${u.id}"><td class="num">${mine.rank}</td>`));
    expect(html).toContain(`You are <strong>#${mine.rank}</strong>`);
    expect(html).not.toMatch(/src="https?:/);
    const weekly = await b.get("/leaderboards?period=weekly");
    expect(weekly.status).toBe(200);
  });
});
