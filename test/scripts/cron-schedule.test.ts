import { describe, expect, it } from "vitest";
import { parseCron } from "../../scripts/cron-schedule";

const at = (iso: string) => new Date(`${iso}Z`);

describe("the local cron driver's schedules (Cloudflare's five UTC fields)", () => {
  it("fires wrangler.toml's triggers at the minutes Cloudflare would", () => {
    const everyMinute = parseCron("* * * * *");
    const weekly = parseCron("*/7 * * * *");
    const deletions = parseCron("0 2 * * *");
    expect(everyMinute.matches(at("2026-11-27T13:37:00"))).toBe(true);
    expect([0, 7, 14, 56].every((m) => weekly.matches(at(`2026-11-27T13:${String(m).padStart(2, "0")}:00`)))).toBe(true);
    expect([1, 6, 57, 59].some((m) => weekly.matches(at(`2026-11-27T13:${String(m).padStart(2, "0")}:00`)))).toBe(false);
    expect(deletions.matches(at("2026-11-27T02:00:00"))).toBe(true);
    expect(deletions.matches(at("2026-11-27T02:01:00"))).toBe(false);
    expect(deletions.matches(at("2026-11-27T14:00:00"))).toBe(false);
  });

  it("reads lists, ranges, steps from a start, and month/day names (1 = Sunday)", () => {
    const s = parseCron("5,10-12 9-17/4 * JAN,jun mon-fri");
    expect(s.matches(at("2026-06-01T09:05:00"))).toBe(true); // a Monday in June
    expect(s.matches(at("2026-06-01T13:11:00"))).toBe(true);
    expect(s.matches(at("2026-06-01T10:05:00"))).toBe(false); // 10 is not in 9-17/4
    expect(s.matches(at("2026-06-06T09:05:00"))).toBe(false); // Saturday
    expect(s.matches(at("2026-07-01T09:05:00"))).toBe(false); // July
    expect(parseCron("0 0 * * wed-sat").matches(at("2026-11-27T00:00:00"))).toBe(true); // names with L and W in them
    expect(parseCron("0 0 * JUL *").matches(at("2026-07-27T00:00:00"))).toBe(true);
    expect(parseCron("0 0 * * 1").matches(at("2026-11-29T00:00:00"))).toBe(true); // Sunday
    expect(parseCron("30/10 * * * *").matches(at("2026-11-29T00:50:00"))).toBe(true);
    expect(parseCron("30/10 * * * *").matches(at("2026-11-29T00:20:00"))).toBe(false);
  });

  it("fires when either restricted day field matches, as cron does", () => {
    const s = parseCron("0 0 1 * SUN");
    expect(s.matches(at("2026-12-01T00:00:00"))).toBe(true); // the 1st, a Tuesday
    expect(s.matches(at("2026-11-29T00:00:00"))).toBe(true); // a Sunday
    expect(s.matches(at("2026-11-30T00:00:00"))).toBe(false);
  });

  it("refuses what it cannot honour, by name", () => {
    expect(() => parseCron("* * *")).toThrow(/5 fields/);
    expect(() => parseCron("60 * * * *")).toThrow(/"60" is not in 0-59/);
    expect(() => parseCron("59 23 L * *")).toThrow(/not supported by the local driver/);
    expect(() => parseCron("0 0 * * 2#1")).toThrow(/not supported/);
    expect(() => parseCron("*/0 * * * *")).toThrow(/bad step/);
  });
});
