// Heartbeat time repair (hackatime-behavior.md §3.2 step 2): epoch seconds in
// [1e9, 2e9); milliseconds, microseconds and nanoseconds are scaled down; ISO strings parsed.

export class InvalidHeartbeatTime extends Error {
  readonly type = "HeartbeatIngest::InvalidHeartbeatTime";
}

const MIN = 1_000_000_000;
const MAX = 2_000_000_000;
const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function repairTime(raw: unknown): number {
  let t: number;
  if (typeof raw === "number") {
    t = raw;
  } else if (typeof raw === "string" && NUMERIC.test(raw)) {
    t = Number(raw);
  } else if (typeof raw === "string" && raw.trim() !== "") {
    const parsed = Date.parse(raw);
    if (Number.isNaN(parsed)) throw new InvalidHeartbeatTime("time must be a Unix epoch timestamp or parseable date");
    t = parsed / 1000;
  } else {
    throw new InvalidHeartbeatTime("time must be a Unix epoch timestamp");
  }
  if (!Number.isFinite(t)) throw new InvalidHeartbeatTime("time must be a Unix epoch timestamp");
  for (const scale of [1, 1e3, 1e6, 1e9]) {
    const candidate = t / scale;
    if (candidate >= MIN && candidate < MAX) return candidate;
  }
  throw new InvalidHeartbeatTime("time must be Unix epoch seconds between 1000000000 and 1999999999");
}
