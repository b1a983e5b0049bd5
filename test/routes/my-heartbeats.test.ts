import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mostRecentSql, pageHeartbeatsSql } from "../../src/db/heartbeat-reads";
import { decodeCursor, distanceOfTimeInWords, encodeCursor, timeAgo } from "../../src/domain/stats/recent";
import { parseTimeParam } from "../../src/lib/dates";
import { cliHeartbeat, createUser, request, refused, bearer, getJson, send } from "../helpers";

/** Hackatime's rule by hand: sorted times, each adds min(gap, 120), the first adds 0. */
const cappedTotal = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return Math.round(s.slice(1).reduce((sum, t, i) => sum + Math.min(t - s[i], 120), 0));
};
const iso = (t: number) => new Date(t * 1000).toISOString();
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

describe("time_ago_in_words (Rails distance_of_time_in_words, :en)", () => {
  const MIN = 60;
  const HOUR = 3600;
  const DAY = 86400;
  it.each([
    [0, "less than a minute"],
    [29, "less than a minute"],
    [30, "1 minute"],
    [89, "1 minute"],
    [90, "2 minutes"],
    [5 * MIN, "5 minutes"],
    [44 * MIN + 29, "44 minutes"],
    [44 * MIN + 30, "about 1 hour"],
    [89 * MIN, "about 1 hour"],
    [90 * MIN, "about 2 hours"],
    [23 * HOUR, "about 23 hours"],
    [24 * HOUR - 31, "about 24 hours"],
    [24 * HOUR, "1 day"],
    [42 * HOUR - MIN, "1 day"],
    [42 * HOUR, "2 days"],
    [29 * DAY, "29 days"],
    [30 * DAY - MIN, "30 days"],
    [30 * DAY, "about 1 month"],
    [59 * DAY, "about 2 months"],
    [60 * DAY, "2 months"],
    [364 * DAY, "12 months"],
  ])("%i seconds → %s", (seconds, words) => {
    const from = Date.UTC(2024, 5, 1) / 1000;
    expect(distanceOfTimeInWords(from, from + seconds)).toBe(words);
    expect(distanceOfTimeInWords(from + seconds, from)).toBe(words); // order does not matter
  });

  it.each([
    ["2021-01-15", "2022-01-18", "about 1 year"], // 1 year 3 days
    ["2020-01-01", "2023-07-01", "over 3 years"], // leap day 2020 discounted
    ["2020-01-01", "2022-11-01", "almost 3 years"],
    ["2000-03-01", "2004-03-10", "about 4 years"],
    ["2010-01-01", "2016-01-20", "about 6 years"],
  ])("%s → %s is %s", (from, to, words) => {
    expect(distanceOfTimeInWords(Date.parse(from) / 1000, Date.parse(to) / 1000)).toBe(words);
  });

  it('appends " ago" as Hackatime does, for past and future times alike', () => {
    const now = 1_717_000_000;
    expect(timeAgo(now - 300, now)).toBe("5 minutes ago");
    expect(timeAgo(now, now)).toBe("less than a minute ago");
    expect(timeAgo(now + 7200, now)).toBe("about 2 hours ago");
  });
});

describe("query parameter parsing", () => {
  it.each([
    ["1717000000", 1717000000],
    ["1717000000.25", 1717000000.25],
    ["2024-03-13", Date.UTC(2024, 2, 13) / 1000],
    ["2024-03-13T10:00:00Z", Date.UTC(2024, 2, 13, 10) / 1000],
    ["2024-03-13T10:00:00.5Z", Date.UTC(2024, 2, 13, 10) / 1000 + 0.5],
    ["2024-03-13 12:00:00 +0200", Date.UTC(2024, 2, 13, 10) / 1000],
    ["2024-03-13T05:00:00-05:00", Date.UTC(2024, 2, 13, 10) / 1000],
    ["2024-03-13 10:00:00 UTC", Date.UTC(2024, 2, 13, 10) / 1000],
    ["2024-03-13T10:00", Date.UTC(2024, 2, 13, 10) / 1000],
    ["20240313", Date.UTC(2024, 2, 13) / 1000], // a compact date, not epoch seconds
  ])("reads %s", (raw, epoch) => {
    expect(parseTimeParam(raw)).toBe(epoch);
  });

  it.each(["nonsense", "2024-02-30", "2024-13-01", "2024-03-13T25:00:00Z", "1.day.ago", ""])("refuses %j", (raw) => {
    expect(parseTimeParam(raw)).toBeNull();
  });

  it("round-trips cursors exactly and refuses forged ones", () => {
    for (const key of [{ time: 1717000000.123456, id: 42 }, { time: 1717000000, id: 1 }, { time: 0.1 + 0.2 + 1e9, id: 9007199254740991 }]) {
      const c = encodeCursor(key);
      expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(c)).toEqual(key);
    }
    for (const bad of ["", "!!!", btoa("abc"), btoa("1:2:3"), btoa("-1:5"), btoa("1717000000:1.5"), "x".repeat(100)]) expect(decodeCursor(bad), bad).toBeNull();
  });
});

describe("heartbeat queries use heartbeats(user_id, time, id)", () => {
  const plan = async (sql: string, params: unknown[]) => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
    return results.map((r) => r.detail).join(" | ");
  };

  it("pages by index range, without a sort step", async () => {
    for (const withCursor of [false, true]) {
      const detail = await plan(pageHeartbeatsSql(withCursor), withCursor ? [1, 0, 2e9, 10, 5, 5] : [1, 0, 2e9, 10]);
      expect(detail).toContain("SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=? AND time>? AND time<?)");
      expect(detail).not.toContain("TEMP B-TREE");
    }
  });

  it("finds the most recent heartbeat by walking the index backwards", async () => {
    for (const filter of [{}, { sourceType: "direct_entry" }, { editor: "VSCode" }]) {
      const { sql, params } = mostRecentSql(1, filter);
      const detail = await plan(sql, params);
      expect(detail).toContain("SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=?)");
      expect(detail).not.toContain("TEMP B-TREE");
    }
  });
});

const ROUTES = ["/api/v1/my/heartbeats", "/api/v1/my/heartbeats/most_recent"];

describe("My Data routes: who may call them", () => {
  it.each(ROUTES)("%s refuses a missing, unknown or malformed key with 401", async (path) => {
    for (const [headers, why] of [
      [{}, "missing"],
      [bearer(crypto.randomUUID()), "unknown_key"],
      [{ Authorization: "Bearer" }, "malformed_header"],
      [{ Authorization: "Basic %%%" }, "malformed_header"],
    ] as const) {
      const res = await request(path, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(refused.user(why));
    }
  });

  it.each(ROUTES)("%s accepts Bearer, Basic and ?api_key, and is never cached", async (path) => {
    const u = await createUser();
    for (const res of [
      await request(path, { headers: bearer(u.apiKey) }),
      await request(path, { headers: { Authorization: `Basic ${btoa(u.apiKey)}` } }),
      await request(`${path}?api_key=${u.apiKey}`),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  it.each(ROUTES)("%s refuses red users and users with an active deletion request", async (path) => {
    const red = await createUser();
    await env.DB.prepare("UPDATE users SET trust_level = 1 WHERE id = ?").bind(red.id).run();
    const leaving = await createUser();
    await env.DB.prepare("INSERT INTO deletion_requests (user_id, status) VALUES (?, 'pending')").bind(leaving.id).run();
    for (const u of [red, leaving]) {
      const { res, body } = await getJson(path, bearer(u.apiKey));
      expect(res.status).toBe(401);
      expect(body).toEqual(refused.restricted);
    }
  });
});

describe("GET /api/v1/my/heartbeats", () => {
  const T = Date.UTC(2024, 4, 1, 10) / 1000; // 2024-05-01T10:00:00Z

  it("lists the range's heartbeats as full JSON, oldest first, with the range's capped total", async () => {
    const u = await createUser();
    const other = await createUser();
    await send(u, [cliHeartbeat(T - 30), cliHeartbeat(T + 300), cliHeartbeat(T), cliHeartbeat(T + 60), cliHeartbeat(T + 301)]);
    await send(other, [cliHeartbeat(T + 10), cliHeartbeat(T + 20)]);
    // The end is inclusive: T, T+60, T+300 → 60 + 120 = 180 (T-30 and T+301 are outside).
    const { res, body } = await getJson(`/api/v1/my/heartbeats?${q({ start_time: iso(T), end_time: iso(T + 300) })}`, bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      start_time: "2024-05-01T10:00:00.000Z",
      end_time: "2024-05-01T10:05:00.000Z",
      total_seconds: 180,
      limit: 1000,
      has_more: false,
      next_cursor: null,
    });
    expect(body.heartbeats.map((h: { time: number }) => h.time)).toEqual([T, T + 60, T + 300]);
    const h = body.heartbeats[0];
    expect(h).toMatchObject({
      user_id: u.id,
      time: T,
      entity: "/home/dev/code/app/src/main.ts",
      type: "file",
      category: "coding",
      project: "app",
      branch: "main",
      language: "TypeScript",
      editor: "vscode",
      operating_system: "linux",
      machine: "dev laptop",
      dependencies: [],
      is_write: true,
      lineno: 10,
      cursorpos: 4,
      lines: 120,
      source_type: "direct_entry",
    });
    for (const f of ["id", "fields_hash", "created_at", "updated_at", "user_agent"]) expect(h[f], f).toBeTruthy();
    expect(h).toHaveProperty("ip_address");
    expect(h).not.toHaveProperty("ysws_program");
  });

  it("reads epoch seconds and dates as well as ISO times", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 60), cliHeartbeat(T + 300), cliHeartbeat(T + 86400)]);
    const { body } = await getJson(`/api/v1/my/heartbeats?${q({ start_time: "2024-05-01", end_time: T + 300 })}`, bearer(u.apiKey));
    expect(body.start_time).toBe("2024-05-01T00:00:00.000Z");
    expect(body.heartbeats).toHaveLength(3);
    expect(body.total_seconds).toBe(180);
    const zoned = await getJson(`/api/v1/my/heartbeats?${q({ start_time: "2024-05-01 12:00:30 +0200", end_time: "2024-05-02" })}`, bearer(u.apiKey));
    expect(zoned.body.heartbeats.map((x: { time: number }) => x.time)).toEqual([T + 60, T + 300]);
    expect(zoned.body.total_seconds).toBe(120);
  });

  it("defaults to today's UTC bounds", async () => {
    const u = await createUser();
    const today = Math.floor(Date.now() / 86_400_000) * 86400;
    await send(u, [cliHeartbeat(today - 10), cliHeartbeat(today + 1), cliHeartbeat(today + 31), cliHeartbeat(today + 86400 + 5)]);
    const { body } = await getJson("/api/v1/my/heartbeats", bearer(u.apiKey));
    expect(body.start_time).toBe(iso(today));
    expect(body.end_time).toBe(new Date((today + 86400) * 1000 - 1).toISOString()); // 23:59:59.999
    expect(body.heartbeats.map((x: { time: number }) => x.time)).toEqual([today + 1, today + 31]);
    expect(body.total_seconds).toBe(30);
  });

  it("walks every heartbeat exactly once across pages, including rows that share a time", async () => {
    const u = await createUser();
    // 250 heartbeats 7 s apart with a 1000 s break before #150; rows share a time at a page
    // boundary (#39/#40 with limit 40) and elsewhere (#99-#101 three alike, #198/#199).
    const times = Array.from({ length: 250 }, (_, i) => T + i * 7 + (i >= 150 ? 1000 : 0));
    for (const i of [40, 100, 101, 199]) times[i] = times[i - 1];
    const beats = times.map((t, i) => cliHeartbeat(t, { entity: `/src/file${i}.ts` }));
    await send(u, [...beats].reverse());
    const start = iso(T);
    const end = iso(times[249]);
    const expectedTotal = cappedTotal(times);
    // Gaps telescope to the span, except the break, capped at 120: 149 × 7 + 120 + 99 × 7.
    expect(expectedTotal).toBe(1856);
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    let previous: [number, number] = [-1, -1];
    do {
      const params: Record<string, string | number> = { start_time: start, end_time: end, limit: 40 };
      if (after) params.after = after;
      const { res, body } = await getJson(`/api/v1/my/heartbeats?${q(params)}`, bearer(u.apiKey));
      expect(res.status).toBe(200);
      expect(body.total_seconds).toBe(expectedTotal); // the whole range's, on every page
      expect(body.limit).toBe(40);
      pages++;
      for (const h of body.heartbeats as Array<{ id: number; time: number }>) {
        expect(h.time > previous[0] || (h.time === previous[0] && h.id > previous[1]), "strictly ascending (time, id)").toBe(true);
        previous = [h.time, h.id];
        seen.push(h.id);
      }
      if (body.has_more) {
        expect(body.heartbeats).toHaveLength(40);
        expect(typeof body.next_cursor).toBe("string");
      } else {
        expect(body.next_cursor).toBeNull();
      }
      after = body.next_cursor;
    } while (after);
    expect(pages).toBe(7); // 6 × 40 + 10
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM heartbeats WHERE user_id = ?").bind(u.id).first<{ n: number }>();
    expect(count!.n).toBe(250);

    // A single page of everything, and the maximum page size.
    const all = await getJson(`/api/v1/my/heartbeats?${q({ start_time: start, end_time: end, limit: 5000 })}`, bearer(u.apiKey));
    expect(all.body.heartbeats).toHaveLength(250);
    expect(all.body.has_more).toBe(false);
    expect(all.body.heartbeats.map((h: { id: number }) => h.id)).toEqual(seen);
  });

  it("a page ending exactly at the last row says there is no more", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 10)]);
    const { body } = await getJson(`/api/v1/my/heartbeats?${q({ start_time: iso(T), end_time: iso(T + 10), limit: 2 })}`, bearer(u.apiKey));
    expect(body.heartbeats).toHaveLength(2);
    expect(body.has_more).toBe(false);
    expect(body.next_cursor).toBeNull();
    const first = await getJson(`/api/v1/my/heartbeats?${q({ start_time: iso(T), end_time: iso(T + 10), limit: 1 })}`, bearer(u.apiKey));
    expect(first.body.has_more).toBe(true);
    const second = await getJson(`/api/v1/my/heartbeats?${q({ start_time: iso(T), end_time: iso(T + 10), limit: 1, after: first.body.next_cursor })}`, bearer(u.apiKey));
    expect(second.body.heartbeats.map((h: { time: number }) => h.time)).toEqual([T + 10]);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it("keeps the range when a cursor points outside it", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T - 60), cliHeartbeat(T), cliHeartbeat(T + 10)]);
    const range = { start_time: iso(T), end_time: iso(T + 10) };
    const before = await getJson(`/api/v1/my/heartbeats?${q({ ...range, after: encodeCursor({ time: T - 3600, id: 1 }) })}`, bearer(u.apiKey));
    expect(before.body.heartbeats.map((h: { time: number }) => h.time)).toEqual([T, T + 10]);
    const beyond = await getJson(`/api/v1/my/heartbeats?${q({ ...range, after: encodeCursor({ time: T + 3600, id: 1 }) })}`, bearer(u.apiKey));
    expect(beyond.body).toMatchObject({ heartbeats: [], has_more: false, next_cursor: null, total_seconds: 10 });
  });

  it("leaves soft-deleted heartbeats out", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 60, { project: "gone" }), cliHeartbeat(T + 120)]);
    await env.DB.prepare("UPDATE heartbeats SET deleted_at = '2024-06-01T00:00:00Z' WHERE user_id = ? AND project = 'gone'").bind(u.id).run();
    const { body } = await getJson(`/api/v1/my/heartbeats?${q({ start_time: iso(T), end_time: iso(T + 120) })}`, bearer(u.apiKey));
    expect(body.heartbeats.map((h: { time: number }) => h.time)).toEqual([T, T + 120]);
  });

  it("is empty (total 0) when start_time is after end_time", async () => {
    const u = await createUser();
    await send(u, [cliHeartbeat(T), cliHeartbeat(T + 60)]);
    const { res, body } = await getJson(`/api/v1/my/heartbeats?${q({ start_time: iso(T + 60), end_time: iso(T) })}`, bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ total_seconds: 0, heartbeats: [], has_more: false, next_cursor: null });
  });

  it.each([
    [{ start_time: "nonsense" }, "Invalid start_time"],
    [{ start_time: "2024-02-30" }, "Invalid start_time"],
    [{ end_time: "2024-13-01" }, "Invalid end_time"],
    [{ end_time: "1.day.ago" }, "Invalid end_time"],
    [{ after: "not-a-cursor!" }, "Invalid after"],
    [{ after: btoa("hello") }, "Invalid after"],
  ] as Array<[Record<string, string>, string]>)("answers 422 for %o (Hackatime answers 500)", async (params, error) => {
    const u = await createUser();
    const { res, body } = await getJson(`/api/v1/my/heartbeats?${q(params)}`, bearer(u.apiKey));
    expect(res.status).toBe(422);
    expect(body).toEqual({ error });
  });

  it.each(["0", "-1", "5001", "1.5", "abc"])("answers 422 for limit=%s", async (limit) => {
    const u = await createUser();
    const { res, body } = await getJson(`/api/v1/my/heartbeats?limit=${limit}`, bearer(u.apiKey));
    expect(res.status).toBe(422);
    expect(body.error).toMatch(/^Invalid query: limit/);
  });
});

describe("GET /api/v1/my/heartbeats/most_recent", () => {
  const NEOVIM_UA = "wakatime/v1.90.0 (darwin-23.6.0-arm64) go1.22.0 neovim/0.10.0 vim-wakatime/11.2.0";

  it("says so when there is no heartbeat", async () => {
    const u = await createUser();
    const { res, body } = await getJson("/api/v1/my/heartbeats/most_recent", bearer(u.apiKey));
    expect(res.status).toBe(200);
    expect(body).toEqual({ has_heartbeat: false, heartbeat: null, editor: null, time_ago: null });
  });

  it("finds the newest heartbeat, skipping test entries unless asked, filtering editors case-insensitively", async () => {
    const u = await createUser();
    const now = Math.floor(Date.now() / 1000);
    await send(u, [cliHeartbeat(now - 300, { project: "vs" }), cliHeartbeat(now - 120, { entity: "test.txt", project: "setup" })]);
    await send(u, [cliHeartbeat(now - 600, { project: "nv", user_agent: NEOVIM_UA })], { "User-Agent": NEOVIM_UA });
    const nvEditor = (await env.DB.prepare("SELECT editor FROM heartbeats WHERE user_id = ? AND project = 'nv'").bind(u.id).first<{ editor: string }>())!.editor;
    expect(nvEditor).not.toBe("vscode");
    const vsId = (await env.DB.prepare("SELECT id FROM heartbeats WHERE user_id = ? AND project = 'vs'").bind(u.id).first<{ id: number }>())!.id;

    const latest = await getJson("/api/v1/my/heartbeats/most_recent", bearer(u.apiKey));
    expect(latest.body).toMatchObject({ has_heartbeat: true, editor: "vscode", time_ago: "5 minutes ago" });
    expect(latest.body.heartbeat).toMatchObject({ id: vsId, user_id: u.id, time: now - 300, project: "vs", source_type: "direct_entry", dependencies: [], is_write: true });
    expect(latest.body.heartbeat.fields_hash).toBeTruthy();

    const test = await getJson("/api/v1/my/heartbeats/most_recent?source_type=test_entry", bearer(u.apiKey));
    expect(test.body).toMatchObject({ has_heartbeat: true, time_ago: "2 minutes ago" });
    expect(test.body.heartbeat).toMatchObject({ project: "setup", source_type: "test_entry" });

    const nv = await getJson(`/api/v1/my/heartbeats/most_recent?editor=${nvEditor.toUpperCase()}`, bearer(u.apiKey));
    expect(nv.body).toMatchObject({ has_heartbeat: true, editor: nvEditor, time_ago: "10 minutes ago" });
    expect(nv.body.heartbeat.project).toBe("nv");

    const vs = await getJson("/api/v1/my/heartbeats/most_recent?source_type=direct_entry&editor=VSCode", bearer(u.apiKey));
    expect(vs.body.heartbeat.id).toBe(vsId);

    expect((await getJson("/api/v1/my/heartbeats/most_recent?editor=emacs", bearer(u.apiKey))).body).toEqual({ has_heartbeat: false, heartbeat: null, editor: null, time_ago: null });
    expect((await getJson("/api/v1/my/heartbeats/most_recent?source_type=wakapi_import", bearer(u.apiKey))).body.has_heartbeat).toBe(false);
    // Blank filters are no filters.
    expect((await getJson("/api/v1/my/heartbeats/most_recent?source_type=&editor=", bearer(u.apiKey))).body.heartbeat.id).toBe(vsId);
  });

  it("never shows another user's or a soft-deleted heartbeat", async () => {
    const u = await createUser();
    const other = await createUser();
    const now = Math.floor(Date.now() / 1000);
    await send(u, [cliHeartbeat(now - 3600, { project: "mine" }), cliHeartbeat(now - 60, { project: "deleted" })]);
    await send(other, [cliHeartbeat(now - 1, { project: "theirs" })]);
    await env.DB.prepare("UPDATE heartbeats SET deleted_at = '2024-06-01T00:00:00Z' WHERE user_id = ? AND project = 'deleted'").bind(u.id).run();
    const { body } = await getJson("/api/v1/my/heartbeats/most_recent", bearer(u.apiKey));
    expect(body.heartbeat.project).toBe("mine");
    expect(body.time_ago).toBe("about 1 hour ago");
  });
});
