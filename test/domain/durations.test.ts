// Property test: the projection's range totals equal the reference SQL on random heartbeat
// streams (shuffled, duplicated, late, across midnight and DST, several projects interleaved),
// for random ranges, breakdowns and the filters the projection answers.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { GROUP_DIMENSIONS, type GroupDimension } from "../../src/domain/durations/dimensions";
import { boundaryAwareSeconds, durations, uniqueCodingSeconds, type DurationRequest } from "../../src/domain/durations/query";
import { referenceBoundaryAwareTotal, referenceDurations, referenceUniqueCodingSeconds, type HeartbeatFilter } from "../../src/domain/durations/reference";
import { dailyActivity } from "../../src/domain/stats/daily";
import { addDays, localDate, localDayBounds, startOfLocalDay } from "../../src/lib/time";
import { cliHeartbeat, createUser, postBulk, rng, heartbeatsDb } from "../helpers";

const EDITOR_UAS = [
  "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1",
  "wakatime/v1.90.0 (darwin-23.6.0-arm64) go1.22.0 neovim/0.10.0 vim-wakatime/11.2.0",
];

const CATEGORIES = ["coding", "coding", "debugging", "browsing"];
/** Every category the fixed exclusions name, in several cases, for the filtered paths. */
const RICH_CATEGORIES = ["coding", "coding", "debugging", "browsing", "AI Coding", "ai coding", "Meeting", "communicating"];

async function seedUser(tz: string, seed: number, categories = CATEGORIES) {
  const rand = rng(seed);
  const u = await createUser({ timezone: tz });
  // ~6 days around the 2025 DST change in March (US) / April (NZ), dense sessions with breaks.
  let t = Date.UTC(2025, 2, 6, 20) / 1000;
  const beats = [];
  while (beats.length < 900) {
    t += rand() < 0.06 ? 600 + rand() * 30_000 : rand() * 150;
    beats.push(
      cliHeartbeat(Math.round(t * 100) / 100, {
        project: rand() < 0.05 ? null : ["alpha", "beta", "gamma", ""][Math.floor(rand() * 4)],
        language: categories === CATEGORIES ? ["TypeScript", "Rust", null][Math.floor(rand() * 3)] : ["TypeScript", "typescript", "Rust", null][Math.floor(rand() * 4)],
        category: categories[Math.floor(rand() * categories.length)],
        user_agent: EDITOR_UAS[Math.floor(rand() * 2)],
        entity: `/src/f${Math.floor(rand() * 5)}.${["ts", "rs", "md"][Math.floor(rand() * 3)]}`,
      }),
    );
  }
  // Held back: posted late, after the filtered day cache has the days they land in.
  const late = categories === CATEGORIES ? [] : beats.filter(() => rand() < 0.08);
  const order = [...beats].filter((b) => !late.includes(b)).sort(() => rand() - 0.5);
  for (let i = 0; i < order.length; i += 100) {
    const batch = order.slice(i, i + 100);
    expect((await postBulk(u.apiKey, batch)).status).toBe(201);
    if (rand() < 0.3) await postBulk(u.apiKey, batch.slice(0, 40)); // a retry
  }
  return { user: { id: u.id, timezone: tz, shard: u.shard }, apiKey: u.apiKey, late, first: beats[0].time as number, last: beats[beats.length - 1].time as number, rand };
}

async function reference(userId: number, req: DurationRequest) {
  const range = { start: req.start, end: req.end };
  const total = (await referenceDurations(await heartbeatsDb(userId), userId, range, undefined, req.filter)).get(null) ?? 0;
  const groups: Record<string, Map<string | null, number>> = {};
  for (const d of req.breakdowns ?? []) groups[d] = await referenceDurations(await heartbeatsDb(userId), userId, range, d, req.filter);
  return { total, groups };
}

const nonZero = (m: Map<string | null, number> | undefined) => new Map([...(m ?? [])].filter(([, v]) => v !== 0));

describe("durations: projection == reference", () => {
  for (const [tz, seed] of [["America/New_York", 11], ["Pacific/Auckland", 12], ["UTC", 13], ["Asia/Kolkata", 14]] as const) {
    it(`random ranges, breakdowns and filters agree (${tz})`, async () => {
      const { user, first, last, rand } = await seedUser(tz, seed);
      const span = last - first;
      const cases: DurationRequest[] = [
        { start: 0, end: 2_000_000_000, breakdowns: [...GROUP_DIMENSIONS] },
        { start: first, end: last + 1, breakdowns: ["project", "language"] },
      ];
      for (let i = 0; i < 14; i++) {
        const a = first - 3600 + rand() * (span + 7200);
        const b = a + rand() * span * (rand() < 0.3 ? 0.05 : 1);
        const breakdowns = GROUP_DIMENSIONS.filter(() => rand() < 0.5) as GroupDimension[];
        cases.push({ start: Math.floor(a), end: Math.floor(b), breakdowns });
      }
      // Edges just before/after local midnights, where partial and whole days meet.
      for (let i = 0; i < 12; i++) {
        const day = localDate(first + rand() * span, tz);
        const edge = startOfLocalDay(day, tz) + (rand() - 0.5) * 1200;
        const other = edge + (rand() < 0.5 ? -1 : 1) * rand() * span;
        cases.push({ start: Math.min(edge, other), end: Math.max(edge, other), breakdowns: ["project", "editor"] });
      }
      for (let i = 0; i < 6; i++) {
        const a = first + rand() * span;
        cases.push({ start: a, end: a + rand() * span, breakdowns: ["project", "language"], filter: { projects: [["alpha", "beta", ""][i % 3]] } });
        cases.push({ start: a, end: a + rand() * span, filter: { categories: [["coding", "browsing"][i % 2]] } });
      }
      // unique_total_seconds of one project: coding chain, gaps over 120 s dropped.
      for (let i = 0; i < 8; i++) {
        const a = first - 600 + rand() * span;
        const range = { start: a, end: a + rand() * span };
        const project = ["alpha", "beta", "gamma", ""][i % 4];
        expect(await uniqueCodingSeconds(env, user, range, project), `unique ${project} ${JSON.stringify(range)}`).toBe(
          await referenceUniqueCodingSeconds(await heartbeatsDb(user.id), user.id, range, [project]),
        );
      }
      for (const req of cases) {
        const fast = await durations(env, user, req);
        expect(fast.source).toBe("projection");
        const ref = await reference(user.id, req);
        const label = JSON.stringify(req);
        expect(fast.total, `total ${label}`).toBe(ref.total);
        for (const d of req.breakdowns ?? []) expect(nonZero(fast.groups[d]), `${d} ${label}`).toEqual(nonZero(ref.groups[d]));
      }
    });
  }

  it("branch and file breakdowns fall back to the reference query", async () => {
    const { user, first, last } = await seedUser("UTC", 21);
    const req: DurationRequest = { start: first, end: last, breakdowns: ["branch"], filter: { projects: ["alpha"] } };
    const res = await durations(env, user, req);
    expect(res.source).toBe("reference");
    expect(res.total).toBe((await reference(user.id, req)).total);
    expect(res.total).toBeGreaterThan(0);
  });
});

/** Filters no one value's chain answers: a fixed chain (no_ai_coding, boundary_aware) or the filtered day cache. */
const FILTERS: HeartbeatFilter[] = [
  { projects: ["alpha", "beta"] },
  { excludeCategories: ["ai coding"] },
  { excludeCategories: ["AI Coding"] },
  { excludeCategories: ["browsing", "meeting", "communicating"] },
  { excludeCategories: ["browsing", "meeting", "communicating", "ai coding"] },
  { languages: ["typescript"] },
  { editors: ["VSCode"] },
  { projects: ["alpha", ""], languages: ["RUST", "TypeScript"] },
  { categories: ["coding", "AI Coding"], excludeCategories: ["ai coding"] },
  { projects: ["alpha"], excludeCategories: ["ai coding"] },
  { projects: ["gamma"], editors: ["neovim", "vim"] },
  { languages: [] },
];

describe("durations under any filter: projection == reference, also after late and duplicate heartbeats", () => {
  for (const [tz, seed] of [["America/Los_Angeles", 31], ["Pacific/Auckland", 32], ["Asia/Kolkata", 33]] as const) {
    it(`filters, boundary-aware totals, unique coding time and filtered days agree (${tz})`, async () => {
      const { user, apiKey, late, first, last, rand } = await seedUser(tz, seed, RICH_CATEGORIES);
      const span = last - first;
      const cases: DurationRequest[] = [];
      for (const [i, filter] of FILTERS.entries()) {
        const a = first - 3600 + rand() * span * 0.5;
        cases.push({ start: 0, end: 2_000_000_000, breakdowns: i % 3 === 0 ? [...GROUP_DIMENSIONS] : [], filter });
        cases.push({ start: Math.floor(a), end: Math.floor(a + rand() * span), breakdowns: GROUP_DIMENSIONS.filter(() => rand() < 0.4) as GroupDimension[], filter });
        // From just around a local midnight, where partial and whole days meet.
        const edge = startOfLocalDay(localDate(first + rand() * span, tz), tz) + (rand() - 0.5) * 600;
        cases.push({ start: edge, end: edge + rand() * span, breakdowns: ["category"], filter });
      }
      const check = async (phase: string) => {
        for (const req of cases) {
          const fast = await durations(env, user, req);
          expect(fast.source).not.toBe("reference");
          const ref = await reference(user.id, req);
          const label = `${phase} ${JSON.stringify(req)}`;
          expect(fast.total, `total ${label}`).toBe(ref.total);
          for (const d of req.breakdowns ?? []) expect(nonZero(fast.groups[d]), `${d} ${label}`).toEqual(nonZero(ref.groups[d]));
        }
        for (const filter of FILTERS.slice(0, 6)) {
          const a = first - 600 + rand() * span;
          const range = { start: a, end: a + rand() * span };
          const label = `${phase} ${JSON.stringify([filter, range])}`;
          expect(await boundaryAwareSeconds(env, user, range, filter), `boundary-aware ${label}`).toBe(await referenceBoundaryAwareTotal(await heartbeatsDb(user.id), user.id, range, filter));
          const projects = [["alpha", "beta"], ["alpha", "gamma", ""], ["beta"]][Math.floor(rand() * 3)];
          expect(await uniqueCodingSeconds(env, user, range, projects), `unique ${projects} ${label}`).toBe(await referenceUniqueCodingSeconds(await heartbeatsDb(user.id), user.id, range, projects));
        }
        // Each local day's own totals under a filter: the reference over that day alone.
        const fromDay = localDate(first, tz);
        const toDay = localDate(last, tz);
        for (const filter of [FILTERS[0], FILTERS[1], FILTERS[5]]) {
          const days = await dailyActivity(env, user, fromDay, toDay, filter);
          const wanted = [];
          for (let day = fromDay; day <= toDay; day = addDays(day, 1)) {
            const range = localDayBounds(day, tz);
            const total = (await referenceDurations(await heartbeatsDb(user.id), user.id, range, undefined, filter)).get(null) ?? 0;
            const projects = nonZero(await referenceDurations(await heartbeatsDb(user.id), user.id, range, "project", filter));
            if (total > 0 || projects.size) wanted.push({ date: day, total_seconds: total, projects });
          }
          expect(days.map((d) => ({ ...d, projects: nonZero(d.projects) })), `${phase} days ${JSON.stringify(filter)}`).toEqual(wanted);
        }
      };
      await check("first");
      await check("cached");
      // Late heartbeats land in cached days (some twice: duplicates), then the same queries again.
      for (let i = 0; i < late.length; i += 20) expect((await postBulk(apiKey, [...late.slice(i, i + 20), ...late.slice(i, i + 3)])).status).toBe(201);
      await check("after late heartbeats");
    });
  }

  it("the cache follows a time-zone change and keeps being exact past its limit of filter sets", async () => {
    const { user, first, last } = await seedUser("UTC", 42, RICH_CATEGORIES);
    const filter: HeartbeatFilter = { languages: ["TYPESCRIPT"] };
    const daysAgree = async (tz: string) => {
      const subject = { ...user, timezone: tz };
      const fromDay = localDate(first, tz);
      const toDay = localDate(last, tz);
      const days = await dailyActivity(env, subject, fromDay, toDay, filter);
      for (const d of days) {
        const total = (await referenceDurations(await heartbeatsDb(user.id), user.id, localDayBounds(d.date, tz), undefined, filter)).get(null) ?? 0;
        expect(d.total_seconds, `${tz} ${d.date}`).toBe(total);
      }
      return days.length;
    };
    expect(await daysAgree("UTC")).toBeGreaterThan(2);
    expect(await daysAgree("Pacific/Auckland")).toBeGreaterThan(2); // the projection is rebuilt for the zone: cached UTC days go
    // More filter sets than the cache keeps: the oldest are forgotten, then computed again.
    const req = (i: number): DurationRequest => ({ start: first, end: last, breakdowns: ["language"], filter: { projects: ["alpha", `other-${i}`] } });
    for (let i = 0; i < 70; i++) await durations(env, user, req(i));
    for (const i of [0, 69]) expect((await durations(env, user, req(i))).total).toBe((await reference(user.id, req(i))).total);
  });

  it("no_ai_coding and boundary_aware's exclusions read their own chains", async () => {
    const { user, first, last } = await seedUser("UTC", 41, RICH_CATEGORIES);
    for (const filter of [FILTERS[1], FILTERS[3]]) {
      for (const breakdowns of [[], ["category"]] as GroupDimension[][]) expect((await durations(env, user, { start: first, end: last, breakdowns, filter })).source).toBe("projection");
      expect((await durations(env, user, { start: first, end: last, breakdowns: ["language"], filter })).source).toBe("filter_days");
    }
  });
});

