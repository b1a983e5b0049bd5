import { beforeAll, describe, expect, it } from "vitest";
import { summaryWindow } from "../../src/domain/stats/summaries";
import { parseLooseDateTime } from "../../src/lib/dates";
import { cliHeartbeat, createUser, postBulk, request, type TestUser, bearer } from "../helpers";

const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");

async function summary(query: string, headers: Record<string, string> = {}) {
  const res = await request(`/api/summary${query}`, { headers });
  return { res, body: (await res.json()) as any };
}

describe("GET /api/summary", () => {
  let ada: TestUser;
  let slackUid: string;
  beforeAll(async () => {
    slackUid = `UADA${Date.now().toString(36).toUpperCase()}`;
    ada = await createUser({ slackUid });
    const t = at("2023-01-10T10:00:00Z");
    const beats = [
      // hackatime (TypeScript): 0, 60, 60 → 120 s; then Ruby in "api": 30 + 30 = 60 s (its own chain).
      cliHeartbeat(t, { project: "hackatime" }),
      cliHeartbeat(t + 60, { project: "hackatime" }),
      cliHeartbeat(t + 120, { project: "hackatime" }),
      cliHeartbeat(t + 150, { project: "api", language: "Ruby", entity: "/app/a.rb" }),
      cliHeartbeat(t + 180, { project: "api", language: "Ruby", entity: "/app/a.rb" }),
      cliHeartbeat(t + 210, { project: "api", language: "Ruby", entity: "/app/a.rb" }),
      // A heartbeat with no project: a lone heartbeat is a 0 s group.
      cliHeartbeat(at("2023-01-20T12:00:00Z"), { project: null }),
      // 2023-01-31: 23:58:00, 23:59:00, 23:59:59.5 — the window's last second is excluded.
      cliHeartbeat(at("2023-01-31T23:58:00Z"), { project: "edge" }),
      cliHeartbeat(at("2023-01-31T23:59:00Z"), { project: "edge" }),
      cliHeartbeat(at("2023-01-31T23:59:59Z") + 0.5, { project: "edge" }),
    ];
    expect((await postBulk(ada.apiKey, beats)).status).toBe(201);
  });

  it("answers a public user's projects and languages as {key, total} over the explicit range", async () => {
    const { res, body } = await summary(`?user_id=${ada.id}&start=2023-01-01&end=2023-01-31`);
    expect(res.status).toBe(200);
    expect(body).toEqual({
      user_id: null,
      from: "2023-01-01T00:00:00Z",
      to: "2023-01-31T23:59:59Z",
      projects: [
        { key: "hackatime", total: 120 },
        { key: "api", total: 60 },
        { key: "edge", total: 60 },
        { key: "Other", total: 0 },
      ],
      // TypeScript chains 10:00 → 10:02 (120), → Jan 20 (120, capped), → Jan 31 23:58 (120), → 23:59 (60).
      languages: [
        { key: "TypeScript", total: 420 },
        { key: "Ruby", total: 60 },
      ],
      editors: {},
      operating_systems: {},
      machines: {},
      categories: {},
      branches: {},
      entities: {},
      labels: {},
    });
  });

  it("looks the user up by id, Slack id or username, and echoes the deprecated `user` parameter", async () => {
    for (const id of [String(ada.id), slackUid, ada.username]) {
      const { res, body } = await summary(`?user_id=${encodeURIComponent(id)}&from=2023-01-10&to=2023-01-10`);
      expect(res.status, id).toBe(200);
      expect(body.user_id).toBeNull();
      expect(body.projects[0]).toEqual({ key: "hackatime", total: 120 });
    }
    const { body } = await summary(`?user=${slackUid}&from=2023-01-10&to=2023-01-10`);
    expect(body.user_id).toBe(slackUid);
    expect(body.projects).toHaveLength(2);
  });

  it("takes the start of the first day and the end of the last in UTC, also from date-times with offsets", async () => {
    const { body } = await summary(`?user_id=${ada.id}&from=2023-01-09T22:00:00-05:00&to=2023-01-10T01:00:00Z`);
    expect(body.from).toBe("2023-01-10T00:00:00Z");
    expect(body.to).toBe("2023-01-10T23:59:59Z");
    expect(body.projects.map((p: any) => p.key)).toEqual(["hackatime", "api"]);
    // from after to: an empty window, not an error.
    const empty = await summary(`?user_id=${ada.id}&from=2023-02-01&to=2023-01-01`);
    expect(empty.res.status).toBe(200);
    expect(empty.body).toMatchObject({ projects: [], languages: [], from: "2023-02-01T00:00:00Z", to: "2023-01-01T23:59:59Z" });
  });

  it("filters by the spec's project parameter", async () => {
    const { body } = await summary(`?user_id=${ada.id}&start=2023-01-01&end=2023-01-31&project=api`);
    expect(body.projects).toEqual([{ key: "api", total: 60 }]);
    expect(body.languages).toEqual([{ key: "Ruby", total: 60 }]);
  });

  it("covers all time when no interval is given, today for an unknown one", async () => {
    const all = await summary(`?user_id=${ada.id}`);
    expect(all.body.from).toBe("1970-01-01T00:00:00Z");
    // All time ends today, so edge's 23:59:59.5 heartbeat counts now: 60 + 59.5 → 120, level with hackatime.
    expect(all.body.projects).toEqual([
      { key: "edge", total: 120 },
      { key: "hackatime", total: 120 },
      { key: "api", total: 60 },
      { key: "Other", total: 0 },
    ]);
    for (const interval of ["any", "all_time"]) expect((await summary(`?user_id=${ada.id}&interval=${interval}`)).body.projects).toEqual(all.body.projects);
    const today = await summary(`?user_id=${ada.id}&interval=bogus`);
    expect(today.body.projects).toEqual([]);
    expect(today.body.from).toBe(iso(Math.floor(Date.now() / 86_400_000) * 86_400));
    // Only `to` given: the explicit range needs both, so the interval decides.
    expect((await summary(`?user_id=${ada.id}&to=2023-01-31&range=today`)).body.from).toBe(today.body.from);
  });

  it("answers 400 without user_id", async () => {
    for (const q of ["", "?user_id=", "?start=2023-01-01&end=2023-01-31", "?user_id=&user=" + slackUid]) {
      const { res, body } = await summary(q);
      expect(res.status, q).toBe(400);
      expect(body).toEqual({ error: "Missing required parameter: user_id" });
    }
  });

  it.each([["from=invalid-date&to=2023-01-31"], ["start=2023-01-01&end=nope"], ["start=2023-13-01&end=2023-01-31"], ["start=2023-01-01T25:00&end=2023-01-31"]])(
    "answers 400 Invalid date range for %s",
    async (q) => {
      const { res, body } = await summary(`?user_id=${ada.id}&${q}`);
      expect(res.status).toBe(400);
      expect(body).toEqual({ error: "Invalid date range" });
    },
  );

  it("answers 404 for an unknown user, and for `my` (there is no caller)", async () => {
    for (const id of ["nonexistent-user-id", "my", "999999999"]) {
      const { res, body } = await summary(`?user_id=${id}`, bearer(ada.apiKey));
      expect(res.status).toBe(404);
      expect(body).toEqual({ error: "User not found" });
    }
  });

  it("answers 403 for a private user, even to the user's own key", async () => {
    const hidden = await createUser({ allowPublicStatsLookup: false });
    const attempts: Array<Record<string, string>> = [{}, bearer(hidden.apiKey)];
    for (const headers of attempts) {
      const { res, body } = await summary(`?user_id=${hidden.username}&interval=today&api_key=${hidden.apiKey}`, headers);
      expect(res.status).toBe(403);
      expect(body).toEqual({ error: "User has disabled public stats" });
    }
  });

  it("ignores credentials, even invalid ones", async () => {
    const { res } = await summary(`?user_id=${ada.id}&interval=today`, { Authorization: "Bearer not-a-key" });
    expect(res.status).toBe(200);
  });

  it("never fails on odd query strings", async () => {
    for (const q of ["?user_id=1&user_id=2", `?user_id=${ada.id}&from=9999-12-31&to=9999-12-31`, `?user_id=${ada.id}&from=0000-01-01&to=0001-01-01`, `?user_id=${ada.id}&from=9999-12-30T23:00:00-05:00&to=9999-12-31`, `?user_id=${ada.id}&interval=&range=week`, "?user_id=%00"]) {
      const { res } = await summary(q);
      expect([200, 400, 403, 404], q).toContain(res.status);
    }
    expect((await summary(`?user_id=nope&user_id=${ada.id}&interval=today`)).res.status).toBe(200);
  });
});

describe("summaryWindow (UTC)", () => {
  const now = at("2026-08-20T15:30:00Z"); // a Thursday
  const w = (q: Record<string, string>, n = now) => {
    const r = summaryWindow(q, n);
    return r && [iso(r.from), iso(r.to)];
  };

  it.each([
    ["today", "2026-08-20T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["yesterday", "2026-08-19T00:00:00Z", "2026-08-19T23:59:59Z"],
    ["week", "2026-08-17T00:00:00Z", "2026-08-23T23:59:59Z"],
    ["7_days", "2026-08-17T00:00:00Z", "2026-08-23T23:59:59Z"],
    ["last_7_days", "2026-08-13T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["month", "2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"],
    ["30_days", "2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"],
    ["last_30_days", "2026-07-21T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["6_months", "2026-03-01T00:00:00Z", "2026-08-31T23:59:59Z"],
    ["last_6_months", "2026-02-20T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["year", "2026-01-01T00:00:00Z", "2026-12-31T23:59:59Z"],
    ["12_months", "2026-01-01T00:00:00Z", "2026-12-31T23:59:59Z"],
    ["last_12_months", "2025-08-20T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["last_year", "2025-08-20T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["any", "1970-01-01T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["all_time", "1970-01-01T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["fortnight", "2026-08-20T00:00:00Z", "2026-08-20T23:59:59Z"],
    ["", "2026-08-20T00:00:00Z", "2026-08-20T23:59:59Z"],
  ])("interval=%s → %s … %s", (interval, from, to) => {
    expect(w({ interval })).toEqual([from, to]);
    expect(w({ range: interval })).toEqual([from, to]);
  });

  it("uses all time with no interval, and interval over range", () => {
    expect(w({})).toEqual(["1970-01-01T00:00:00Z", "2026-08-20T23:59:59Z"]);
    expect(w({ interval: "today", range: "year" })).toEqual(["2026-08-20T00:00:00Z", "2026-08-20T23:59:59Z"]);
  });

  it("starts the week on Monday, also on a Sunday and a Monday", () => {
    expect(w({ interval: "week" }, at("2026-08-23T23:00:00Z"))).toEqual(["2026-08-17T00:00:00Z", "2026-08-23T23:59:59Z"]);
    expect(w({ interval: "week" }, at("2026-08-24T00:00:00Z"))).toEqual(["2026-08-24T00:00:00Z", "2026-08-30T23:59:59Z"]);
  });

  it("clamps month arithmetic to the target month's last day", () => {
    expect(w({ interval: "last_6_months" }, at("2026-08-31T12:00:00Z"))![0]).toBe("2026-02-28T00:00:00Z");
    expect(w({ interval: "last_year" }, at("2024-02-29T12:00:00Z"))![0]).toBe("2023-02-28T00:00:00Z");
    expect(w({ interval: "6_months" }, at("2026-02-10T12:00:00Z"))).toEqual(["2025-09-01T00:00:00Z", "2026-02-28T23:59:59Z"]);
  });

  it("prefers from over start and to over end, and needs both ends", () => {
    expect(w({ from: "2023-01-05", start: "2023-01-01", to: "2023-01-06", end: "2023-01-31" })).toEqual(["2023-01-05T00:00:00Z", "2023-01-06T23:59:59Z"]);
    expect(w({ start: "2023-01-01", interval: "today" })).toEqual(["2026-08-20T00:00:00Z", "2026-08-20T23:59:59Z"]);
    expect(w({ from: "bad", to: "2023-01-01" })).toBeNull();
  });

  it("parses dates and date-times as Time.zone.parse does for them", () => {
    expect(parseLooseDateTime("2023-01-31")).toBe(at("2023-01-31T00:00:00Z"));
    expect(parseLooseDateTime("2023/1/5")).toBe(at("2023-01-05T00:00:00Z"));
    expect(parseLooseDateTime("2023-01-31 10:20:30")).toBe(at("2023-01-31T10:20:30Z"));
    expect(parseLooseDateTime("2023-01-31T10:20:30.123+05:30")).toBe(at("2023-01-31T04:50:30Z"));
    expect(parseLooseDateTime("2023-02-30")).toBe(at("2023-03-02T00:00:00Z")); // Ruby's Time.new rolls days 29–31 over
    expect(parseLooseDateTime("2023-02-32")).toBeNull();
    expect(parseLooseDateTime("invalid-date")).toBeNull();
    expect(parseLooseDateTime("")).toBeNull();
  });
});
