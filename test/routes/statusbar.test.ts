import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { referenceDurations } from "../../src/domain/durations/reference";
import { FUTURE_TOLERANCE_SECONDS } from "../../src/domain/heartbeats/limits";
import { localDate, localDayBounds } from "../../src/lib/time";
import { cliHeartbeat, createUser, postBulk, statusBar, rng, shuffle, heartbeatsDb, userChanged } from "../helpers";

function todayBounds(tz: string) {
  return localDayBounds(localDate(Date.now() / 1000, tz), tz);
}

function expectIntegerFields(item: Record<string, unknown>) {
  for (const f of ["hours", "minutes", "seconds"]) expect(Number.isInteger(item[f]), `${f} must be an integer`).toBe(true);
  for (const f of ["digital", "decimal", "text", "name"]) expect(typeof item[f]).toBe("string");
  expect(typeof item.total_seconds).toBe("number");
  expect(typeof item.percent).toBe("number");
}

describe("GET statusbar/today", () => {
  it("says Start coding! with zero for a user with no heartbeats, in wakatime-cli's strict shape", async () => {
    const u = await createUser({ timezone: "America/New_York" });
    const { res, body } = await statusBar(u.apiKey);
    expect(res.status).toBe(200);
    expect(body.data.grand_total).toMatchObject({ text: "Start coding!", total_seconds: 0, hours: 0, minutes: 0, digital: "0:00", decimal: "0.00" });
    for (const list of ["categories", "projects", "languages", "editors", "operating_systems", "machines", "dependencies"]) expect(body.data[list]).toEqual([]);
    expect(body.data.range).toMatchObject({ date: localDate(Date.now() / 1000, "America/New_York"), text: "Today", timezone: "America/New_York" });
    for (const f of ["date", "start", "end", "text", "timezone"]) expect(typeof body.data.range[f]).toBe("string");
    expect(body.has_team_features).toBe(false);
  });

  it("counts a 30-minute cli session: capped gaps, Hackatime text, integer fields", async () => {
    const u = await createUser({ timezone: "UTC" });
    const { start } = todayBounds("UTC");
    // 61 heartbeats 30 s apart = 1800 s, sent 10 at a time as the newest cli does.
    const beats = Array.from({ length: 61 }, (_, i) => cliHeartbeat(start + 60 + i * 30));
    for (let i = 0; i < beats.length; i += 10) expect((await postBulk(u.apiKey, beats.slice(i, i + 10))).status).toBe(201);
    const { body } = await statusBar(u.apiKey);
    expect(body.data.grand_total).toMatchObject({ total_seconds: 1800, text: "30m", hours: 0, minutes: 30, digital: "0:30", decimal: "0.50" });
    expect(body.data.projects).toHaveLength(1);
    expect(body.data.projects[0]).toMatchObject({ name: "app", total_seconds: 1800, percent: 100, hours: 0, minutes: 30, seconds: 0 });
    expect(body.data.editors[0].name).toBe("vscode");
    expect(body.data.operating_systems[0].name).toBe("linux");
    expect(body.data.machines[0]).toMatchObject({ name: "dev laptop", machine_name_id: "dev laptop" });
    for (const list of ["categories", "projects", "languages", "editors", "operating_systems", "machines"]) body.data[list].forEach(expectIntegerFields);
  });

  it("caps a long gap at 120 s instead of dropping it (t, t + 1 min, t + 5 min → 180 s)", async () => {
    const u = await createUser();
    const { start } = todayBounds("UTC");
    // Today, and never more than the server's future tolerance ahead of now.
    const t = Math.max(start, Math.floor(Date.now() / 1000) - 600);
    await postBulk(u.apiKey, [cliHeartbeat(t), cliHeartbeat(t + 60), cliHeartbeat(t + 300)]);
    expect((await statusBar(u.apiKey)).body.data.grand_total).toMatchObject({ total_seconds: 180, text: "3m" });
  });

  it("ignores yesterday's and tomorrow's heartbeats and restarts the chain at local midnight", async () => {
    const tz = "Asia/Kolkata";
    const u = await createUser({ timezone: tz });
    const { start, end } = todayBounds(tz);
    await postBulk(u.apiKey, [cliHeartbeat(start - 30), cliHeartbeat(start + 30), cliHeartbeat(start + 90), cliHeartbeat(end + 10)]);
    // start-30 is yesterday; start+30 is today's first row (0 s), start+90 adds 60 s.
    expect((await statusBar(u.apiKey)).body.data.grand_total.total_seconds).toBe(60);
  });

  // 120 arrival orders, one fresh user each: 840 requests, some seconds alone and more on a
  // loaded machine, hence its own timeout.
  it("gives the same total for every arrival order of heartbeats around local midnight", { timeout: 120_000 }, async () => {
    const { start } = todayBounds("UTC");
    const times = [start - 100, start - 10, start + 5, start + 20, start + 200];
    const permutations = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
    // Today: start+5 is the day's first row (0 s), +15 s, then the gap to start+200 capped at 120 s.
    // 120 orders, one user each; users are independent, so eight run at a time.
    const orders = permutations(times);
    for (let i = 0; i < orders.length; i += 8) {
      await Promise.all(
        orders.slice(i, i + 8).map(async (order) => {
          const u = await createUser();
          for (const t of order) await postBulk(u.apiKey, [cliHeartbeat(t)]);
          expect((await statusBar(u.apiKey)).body.data.grand_total.total_seconds, `arrival order ${order.map((t) => t - start)}`).toBe(135);
        }),
      );
    }
  });

  for (const [tz, seed] of [["UTC", 1], ["America/Los_Angeles", 2], ["Pacific/Chatham", 3], ["Asia/Kathmandu", 4]] as const) {
    it(`equals a from-scratch computation after shuffled, duplicated and late batches (${tz})`, async () => {
      const rand = rng(seed);
      const u = await createUser({ timezone: tz });
      const { start, end } = todayBounds(tz);
      const projects = ["alpha", "beta", "gamma"];
      const languages = ["TypeScript", "Rust", "Go", null];
      let t = start - 3600; // some of yesterday, today, some of tomorrow when close to midnight
      // The server refuses heartbeats more than FUTURE_TOLERANCE_SECONDS ahead of its clock.
      const last = Math.min(end + 3600, Date.now() / 1000 + FUTURE_TOLERANCE_SECONDS - 60);
      const beats = [];
      while (beats.length < 400) {
        t += rand() < 0.1 ? 60 + rand() * 900 : rand() * 90;
        if (t >= last) break;
        beats.push(cliHeartbeat(Math.round(t * 1000) / 1000, { project: projects[Math.floor(rand() * 3)], language: languages[Math.floor(rand() * 4)], category: rand() < 0.8 ? "coding" : "debugging" }));
      }
      // Shuffled order, batches of up to 25, a third of them sent twice (retries), some late.
      const order = shuffle(beats, rand);
      const batches = [];
      for (let i = 0; i < order.length; i += 1 + Math.floor(rand() * 25)) batches.push(order.slice(i, i + 25));
      for (const b of [...batches, ...batches.filter(() => rand() < 0.33)]) expect((await postBulk(u.apiKey, b)).status).toBe(201);

      const { body } = await statusBar(u.apiKey);
      const range = { start, end };
      const total = (await referenceDurations(await heartbeatsDb(u.id), u.id, range)).get(null) ?? 0;
      expect(body.data.grand_total.total_seconds).toBe(total);
      const byProject = await referenceDurations(await heartbeatsDb(u.id), u.id, range, "project");
      const shown = Object.fromEntries(body.data.projects.map((p: { name: string; total_seconds: number }) => [p.name, p.total_seconds]));
      expect(shown).toEqual(Object.fromEntries([...byProject].filter(([, s]) => s > 0)));
      const byCategory = await referenceDurations(await heartbeatsDb(u.id), u.id, range, "category");
      expect(Object.fromEntries(body.data.categories.map((c: { name: string; total_seconds: number }) => [c.name, c.total_seconds]))).toEqual(
        Object.fromEntries([...byCategory].filter(([, s]) => s > 0)),
      );
      const count = await (await heartbeatsDb(u.id)).prepare("SELECT count(*) AS n FROM heartbeats WHERE user_id = ?").bind(u.id).first<{ n: number }>();
      expect(count!.n).toBe(new Set(beats.map((b) => b.time)).size);
    });
  }
});

describe("time-zone changes", () => {
  it("rebuilds the day boundaries when the user's zone changes", async () => {
    const u = await createUser({ timezone: "UTC" });
    // Eleven heartbeats a minute apart around local midnight in Kiritimati (UTC+14).
    const midnight = todayBounds("Pacific/Kiritimati").start;
    await postBulk(u.apiKey, Array.from({ length: 11 }, (_, i) => cliHeartbeat(midnight - 300 + i * 60)));
    const inUtc = (await statusBar(u.apiKey)).body.data.grand_total.total_seconds;
    expect(inUtc).toBe((await referenceDurations(await heartbeatsDb(u.id), u.id, todayBounds("UTC"))).get(null) ?? 0);
    await env.DB.prepare("UPDATE users SET timezone = 'Pacific/Kiritimati' WHERE id = ?").bind(u.id).run();
    await userChanged(u.id);
    const { body } = await statusBar(u.apiKey);
    expect(body.data.range.timezone).toBe("Pacific/Kiritimati");
    expect(body.data.grand_total.total_seconds).toBe(300); // only the six from local midnight on
    expect(inUtc).not.toBe(300);
  });
});
