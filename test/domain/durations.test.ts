// Property test: the projection's range totals equal the reference SQL on random heartbeat
// streams (shuffled, duplicated, late, across midnight and DST, several projects interleaved),
// for random ranges, breakdowns and the filters the projection answers.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { GROUP_DIMENSIONS, type GroupDimension } from "../../src/domain/durations/dimensions";
import { durations, uniqueCodingSeconds, type DurationRequest } from "../../src/domain/durations/query";
import { referenceDurations, referenceUniqueCodingSeconds } from "../../src/domain/durations/reference";
import { localDate, startOfLocalDay } from "../../src/lib/time";
import { cliHeartbeat, createUser, postBulk, rng } from "../helpers";

const EDITOR_UAS = [
  "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1",
  "wakatime/v1.90.0 (darwin-23.6.0-arm64) go1.22.0 neovim/0.10.0 vim-wakatime/11.2.0",
];

async function seedUser(tz: string, seed: number) {
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
        language: ["TypeScript", "Rust", null][Math.floor(rand() * 3)],
        category: ["coding", "coding", "debugging", "browsing"][Math.floor(rand() * 4)],
        user_agent: EDITOR_UAS[Math.floor(rand() * 2)],
        entity: `/src/f${Math.floor(rand() * 5)}.${["ts", "rs", "md"][Math.floor(rand() * 3)]}`,
      }),
    );
  }
  const order = [...beats].sort(() => rand() - 0.5);
  for (let i = 0; i < order.length; i += 100) {
    const batch = order.slice(i, i + 100);
    expect((await postBulk(u.apiKey, batch)).status).toBe(201);
    if (rand() < 0.3) await postBulk(u.apiKey, batch.slice(0, 40)); // a retry
  }
  return { user: { id: u.id, timezone: tz }, first: beats[0].time as number, last: beats[beats.length - 1].time as number, rand };
}

async function reference(userId: number, req: DurationRequest) {
  const range = { start: req.start, end: req.end };
  const total = (await referenceDurations(env.DB, userId, range, undefined, req.filter)).get(null) ?? 0;
  const groups: Record<string, Map<string | null, number>> = {};
  for (const d of req.breakdowns ?? []) groups[d] = await referenceDurations(env.DB, userId, range, d, req.filter);
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
          await referenceUniqueCodingSeconds(env.DB, user.id, range, [project]),
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

  it("falls back to the reference query for filters no chain answers", async () => {
    const { user, first, last } = await seedUser("UTC", 21);
    const req: DurationRequest = { start: first, end: last, breakdowns: ["language"], filter: { projects: ["alpha", "beta"], excludeCategories: ["browsing"] } };
    const res = await durations(env, user, req);
    expect(res.source).toBe("reference");
    expect(res.total).toBe((await reference(user.id, req)).total);
    expect(res.total).toBeGreaterThan(0);
  });
});
