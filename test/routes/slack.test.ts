import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  answerWithin,
  FAILURE_TEXT,
  HELP_TEXT,
  NO_ACTIVITY_TEXT,
  NOT_LINKED_TEXT,
  OFF_TEXT,
  onText,
  timeDump,
  timeDumpText,
  type SlackMessage,
} from "../../src/domain/slack/commands";
import { CHANNEL_CANDIDATES_SQL, LANGUAGE_COUNTS_SQL } from "../../src/db/slack";
import { SLACK_TIMESTAMP_TOLERANCE, slackSignature, verifySlackSignature } from "../../src/domain/slack/signature";
import { cliHeartbeat, createUser, request, uniqueName, type TestUser, send, slash, queryPlan, slackSecrets as secrets, SAILORS_LOG_COMMANDS as SAILORS, TIMEDUMP_COMMANDS as TIMEDUMP, SLACK_RESPONSE_URL as RESPONSE_URL } from "../helpers";

const nowSeconds = () => Math.floor(Date.now() / 1000);

const sailorslog = (userId: string, text: string, channel = "C1") => slash(SAILORS, { command: "/sailorslog", text, user_id: userId, channel_id: channel });

async function preference(userId: number, channel: string) {
  return env.DB.prepare("SELECT enabled FROM sailors_log_preferences WHERE user_id = ? AND slack_channel_id = ?").bind(userId, channel).all<{ enabled: number }>();
}

afterEach(() => vi.restoreAllMocks());

describe("Slack signature", () => {
  it("matches Slack's documented example", async () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack
    const secret = "8f742231b10e8888abcd99yyyzzz85a5";
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    expect(await slackSignature(secret, "1531420618", body)).toBe(expected);
    const ok = { secret, timestamp: "1531420618", signature: expected, body, now: 1531420618 + 300 };
    expect(await verifySlackSignature(ok)).toBe(true);
    expect(await verifySlackSignature({ ...ok, now: 1531420618 + 301 })).toBe(false);
    expect(await verifySlackSignature({ ...ok, now: 1531420618 - 301 })).toBe(false);
    expect(await verifySlackSignature({ ...ok, body: `${body} ` })).toBe(false);
    expect(await verifySlackSignature({ ...ok, signature: expected.toUpperCase() })).toBe(false);
    expect(await verifySlackSignature({ ...ok, secret: undefined })).toBe(false);
    expect(await verifySlackSignature({ ...ok, timestamp: "1531420618.5" })).toBe(false);
  });

  it.each([SAILORS, TIMEDUMP])("%s refuses a missing, wrong, stale or tampered signature with 401", async (path) => {
    const fields = { command: "/x", text: "help", user_id: "U1", channel_id: "C1" };
    const refused = { status: 401, body: { error: "Invalid Slack signature" } };
    expect(await slash(path, fields, { signature: "" })).toEqual(refused);
    expect(await slash(path, fields, { signature: "v0=deadbeef" })).toEqual(refused);
    // The exact 300 s boundary is pinned above with an injected clock; through the route the
    // request takes time to arrive, so a minute's margin keeps a loaded machine from crossing it.
    expect(await slash(path, fields, { timestamp: nowSeconds() - SLACK_TIMESTAMP_TOLERANCE - 60 })).toEqual(refused);
    expect(await slash(path, fields, { timestamp: nowSeconds() + SLACK_TIMESTAMP_TOLERANCE + 60 })).toEqual(refused);
    expect(await slash(path, fields, { tamper: true })).toEqual(refused);
    const noHeaders = await request(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "command=%2Fx" });
    expect(noHeaders.status).toBe(401);
  });

  it("each route verifies with its own app's secret", async () => {
    const fields = { command: "/x", text: "help", user_id: "U-nobody", channel_id: "C1" };
    expect((await slash(SAILORS, fields, { secret: secrets.SLACK_SIGNING_SECRET })).status).toBe(401);
    expect((await slash(TIMEDUMP, fields, { secret: secrets.SAILORS_LOG_SLACK_SIGNING_SECRET })).status).toBe(401);
    expect((await slash(SAILORS, fields)).status).toBe(200);
    expect((await slash(TIMEDUMP, fields)).status).toBe(200);
  });
});

describe("POST /sailors_log/slack/commands", () => {
  it("tells a Slack user without an account to link one", async () => {
    expect(await sailorslog(uniqueName("U"), "on")).toEqual({ status: 200, body: { response_type: "ephemeral", text: NOT_LINKED_TEXT } });
  });

  it("on / off save the per-channel preference; on is announced in the channel", async () => {
    const uid = uniqueName("U");
    const u = await createUser({ slackUid: uid });
    expect(await sailorslog(uid, " ON ")).toEqual({ status: 200, body: { response_type: "in_channel", text: onText(uid) } });
    expect((await preference(u.id, "C1")).results).toEqual([{ enabled: 1 }]);
    expect(await sailorslog(uid, "off")).toEqual({ status: 200, body: { response_type: "ephemeral", text: OFF_TEXT } });
    expect((await preference(u.id, "C1")).results).toEqual([{ enabled: 0 }]);
    await sailorslog(uid, "on", "C2");
    expect((await preference(u.id, "C1")).results).toEqual([{ enabled: 0 }]);
    expect((await preference(u.id, "C2")).results).toEqual([{ enabled: 1 }]);
  });

  it("answers help for help, nothing, or anything else", async () => {
    const uid = uniqueName("U");
    await createUser({ slackUid: uid });
    for (const text of ["help", "", "what is this"]) {
      expect(await sailorslog(uid, text)).toEqual({ status: 200, body: { response_type: "ephemeral", text: HELP_TEXT } });
    }
  });

  describe("leaderboard", () => {
    const channel = uniqueName("C");
    let a: TestUser;
    let b: TestUser;
    let aUid: string;
    beforeAll(async () => {
      const dayStart = Math.floor(nowSeconds() / 86_400) * 86_400;
      const t = dayStart + 60;
      aUid = uniqueName("UA");
      const bUid = uniqueName("UB");
      const cUid = uniqueName("UC");
      const dUid = uniqueName("UD");
      const eUid = uniqueName("UE");
      a = await createUser({ slackUid: aUid, timezone: "Asia/Tokyo" });
      b = await createUser({ slackUid: bUid });
      const c = await createUser({ slackUid: cUid });
      const d = await createUser({ slackUid: dUid });
      await createUser({ slackUid: eUid });
      await env.DB.prepare("UPDATE users SET slack_username = 'Ada' WHERE id = ?").bind(a.id).run();
      // a: alpha 0…180 (180 s, TypeScript), beta 200, 230 (30 s: under a minute, not listed); chained total 230 s.
      await send(a, [
        ...[0, 60, 120, 180].map((d) => cliHeartbeat(t + d, { project: "alpha", language: "TypeScript" })),
        cliHeartbeat(t + 200, { project: "beta", language: "Rust" }),
        cliHeartbeat(t + 230, { project: "beta", language: "Rust" }),
        // Yesterday (UTC) does not count.
        cliHeartbeat(dayStart - 500, { project: "alpha" }),
        cliHeartbeat(dayStart - 400, { project: "alpha" }),
      ]);
      // b: gamma 0…300 (300 s), mostly Python.
      await send(b, [0, 100, 200].map((d) => cliHeartbeat(t + d, { project: "gamma", language: "Python" })).concat([cliHeartbeat(t + 300, { project: "gamma", language: "Go" })]));
      // c opted out, d opted in elsewhere: neither is ranked here.
      await send(c, [cliHeartbeat(t, { project: "c" }), cliHeartbeat(t + 110, { project: "c" })]);
      await send(d, [cliHeartbeat(t, { project: "d" }), cliHeartbeat(t + 110, { project: "d" })]);
      for (const uid of [aUid, bUid, cUid, eUid]) await sailorslog(uid, "on", channel);
      await sailorslog(cUid, "off", channel);
      await sailorslog(dUid, "on", uniqueName("C"));
    });

    it("ranks today's (UTC) time of the channel's opted-in users, with projects over a minute and their main language", async () => {
      const res = await sailorslog(aUid, "leaderboard", channel);
      expect(res).toEqual({
        status: 200,
        body: {
          response_type: "ephemeral",
          text: `*:boat: Sailor's Log - Today*\n:first_place_medal: \`@${b.username}\`: 5m → gamma [:snake: Python] 5m\n:second_place_medal: \`@Ada\`: 3m → alpha [:typescript: TypeScript] 3m`,
        },
      });
    });

    it("says so when nobody in the channel coded today", async () => {
      expect((await sailorslog(aUid, "leaderboard", uniqueName("C"))).body).toEqual({ response_type: "ephemeral", text: NO_ACTIVITY_TEXT });
    });
  });
});

describe("POST /timedump/slack/commands", () => {
  it("tells a Slack user without an account to link one", async () => {
    expect(await slash(TIMEDUMP, { command: "/timedump", text: "", user_id: uniqueName("U"), channel_id: "C1" })).toEqual({
      status: 200,
      body: { response_type: "ephemeral", text: NOT_LINKED_TEXT },
    });
  });

  it("shows the caller their time today and this week, by project, only to them", async () => {
    const uid = uniqueName("U");
    const u = await createUser({ slackUid: uid, timezone: "UTC" });
    const now = nowSeconds();
    const dayStart = Math.floor(now / 86_400) * 86_400;
    await send(u, [cliHeartbeat(dayStart + 10, { project: "t" }), cliHeartbeat(dayStart + 100, { project: "t" })]);
    const res = await slash(TIMEDUMP, { command: "/timedump", text: "", user_id: uid, channel_id: "C1" });
    expect(res.status).toBe(200);
    const today = new Date(dayStart * 1000).toISOString().slice(0, 10);
    const weekday = new Date(dayStart * 1000).getUTCDay();
    const monday = new Date((dayStart - ((weekday + 6) % 7) * 86_400) * 1000).toISOString().slice(0, 10);
    expect(res.body).toEqual({
      response_type: "ephemeral",
      text: `*:hourglass: Your coding time*\n*Today (${today}):* 1m\n• t: 1m\n*This week (since ${monday}):* 1m\n• t: 1m`,
    });
  });

  it("adds up today and the week from Monday in the user's zone", async () => {
    const u = await createUser({ timezone: "America/New_York" });
    // Wednesday 2025-03-12 15:00 New York (19:00 UTC). Monday 10:00 w 0, 100; Wednesday 10:00 t 0, 90;
    // Sunday 10:00 old 0, 50 (last week).
    const ny = (day: number, hour: number) => Date.UTC(2025, 2, day, hour + 4) / 1000;
    await send(u, [
      cliHeartbeat(ny(9, 10), { project: "old" }),
      cliHeartbeat(ny(9, 10) + 50, { project: "old" }),
      cliHeartbeat(ny(10, 10), { project: "w" }),
      cliHeartbeat(ny(10, 10) + 100, { project: "w" }),
      cliHeartbeat(ny(12, 10), { project: "t" }),
      cliHeartbeat(ny(12, 10) + 90, { project: "t" }),
    ]);
    const d = await timeDump(env, { id: u.id, timezone: "America/New_York" }, ny(12, 15));
    // The week chains w's last heartbeat to t's first: capped at 120 s.
    expect(d).toEqual({
      today: { date: "2025-03-12", seconds: 90, projects: [["t", 90]] },
      week: { start_date: "2025-03-10", seconds: 100 + 120 + 90, projects: [["w", 100], ["t", 90]] },
    });
    expect(timeDumpText(d)).toBe("*:hourglass: Your coding time*\n*Today (2025-03-12):* 1m\n• t: 1m\n*This week (since 2025-03-10):* 5m\n• w: 1m\n• t: 1m");
  });
});

describe("answering within Slack's 3 seconds", () => {
  const later = (ms: number, message: SlackMessage) => new Promise<SlackMessage>((resolve) => setTimeout(() => resolve(message), ms));
  const placeholder: SlackMessage = { response_type: "ephemeral", text: "loading" };

  it("answers directly when the work is done in time", async () => {
    const deferred: Promise<unknown>[] = [];
    const answer = await answerWithin(later(0, { response_type: "ephemeral", text: "done" }), placeholder, { waitUntil: (p) => deferred.push(p), responseUrl: RESPONSE_URL, budgetMs: 1_000 });
    expect(answer).toEqual({ response_type: "ephemeral", text: "done" });
    expect(deferred).toHaveLength(0);
  });

  it("answers the placeholder when slow, then posts the answer to response_url (replacing the placeholder)", async () => {
    const posts: Array<{ url: string; body: unknown }> = [];
    const fetchFn = async (url: string, init?: RequestInit) => {
      posts.push({ url, body: JSON.parse(String(init?.body)) });
      return new Response("ok");
    };
    const deferred: Promise<unknown>[] = [];
    const answer = await answerWithin(later(50, { response_type: "ephemeral", text: "slow result" }), placeholder, { waitUntil: (p) => deferred.push(p), responseUrl: RESPONSE_URL, budgetMs: 0, fetchFn });
    expect(answer).toEqual(placeholder);
    expect(deferred).toHaveLength(1);
    await Promise.all(deferred);
    expect(posts).toEqual([{ url: RESPONSE_URL, body: { response_type: "ephemeral", text: "slow result", replace_original: true } }]);
  });

  it("answers a failure without internals, and never posts to a URL that is not Slack's", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const fetchFn = vi.fn(async () => new Response("ok"));
    expect(await answerWithin(Promise.reject(new Error("db exploded")), placeholder, { waitUntil: () => undefined, responseUrl: RESPONSE_URL, budgetMs: 1_000 })).toEqual({
      response_type: "ephemeral",
      text: FAILURE_TEXT,
    });
    const deferred: Promise<unknown>[] = [];
    await answerWithin(later(20, placeholder), placeholder, { waitUntil: (p) => deferred.push(p), responseUrl: "https://evil.example/hook", budgetMs: 0, fetchFn });
    await Promise.all(deferred);
    expect(fetchFn).not.toHaveBeenCalled();
  });
});

describe("query plans of the leaderboard reads", () => {
  it("finds a channel's candidates by the channel index and probes active days by key", async () => {
    const p = await queryPlan(CHANNEL_CANDIDATES_SQL, "C1", "2025-01-01", 500);
    expect(p).toMatch(/USING INDEX sailors_log_preferences_channel/);
    expect(p).toMatch(/USING COVERING INDEX sqlite_autoindex_user_active_days_1 \(day=\? AND user_id=\?\)/);
    expect(p).not.toMatch(/SCAN (p|u|d|users|user_active_days)\b/);
  });

  it("counts languages through heartbeats_user_time, never a scan", async () => {
    const p = await queryPlan(LANGUAGE_COUNTS_SQL, "[1,2]", 0, 1);
    expect(p).toMatch(/USING INDEX heartbeats_user_time/);
    expect(p).not.toMatch(/SCAN heartbeats/);
  });
});
