// Heartbeat time rules (docs/ingest.md "Time"; hackatime-behavior.md §3.2 step 2): required;
// epoch seconds in [1e9, 2e9); milliseconds, microseconds and nanoseconds are scaled down;
// ISO strings parsed; at most FUTURE_TOLERANCE_SECONDS ahead of the server clock.
import { FUTURE_TOLERANCE_SECONDS, TIME_WINDOW } from "./limits";

export class InvalidHeartbeatTime extends Error {
  readonly type = "HeartbeatIngest::InvalidHeartbeatTime";
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function repairTime(raw: unknown): number {
  let t: number;
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    throw new InvalidHeartbeatTime("time is required");
  } else if (typeof raw === "number") {
    t = raw;
  } else if (typeof raw === "string" && NUMERIC.test(raw)) {
    t = Number(raw);
  } else if (typeof raw === "string") {
    const parsed = Date.parse(raw);
    if (Number.isNaN(parsed)) throw new InvalidHeartbeatTime("time must be a Unix epoch timestamp or parseable date");
    t = parsed / 1000;
  } else {
    throw new InvalidHeartbeatTime("time must be a Unix epoch timestamp");
  }
  if (!Number.isFinite(t)) throw new InvalidHeartbeatTime("time must be a Unix epoch timestamp");
  for (const scale of [1, 1e3, 1e6, 1e9]) {
    const candidate = t / scale;
    if (candidate >= TIME_WINDOW.min && candidate < TIME_WINDOW.max) return candidate;
  }
  throw new InvalidHeartbeatTime(`time must be Unix epoch seconds between ${TIME_WINDOW.min} and ${TIME_WINDOW.max - 1}`);
}

/** A repaired time more than FUTURE_TOLERANCE_SECONDS after `now` (epoch seconds) is refused. */
export function refuseFutureTime(t: number, now: number): void {
  if (t > now + FUTURE_TOLERANCE_SECONDS) {
    throw new InvalidHeartbeatTime(`time is more than ${FUTURE_TOLERANCE_SECONDS} seconds ahead of the server clock`);
  }
}
