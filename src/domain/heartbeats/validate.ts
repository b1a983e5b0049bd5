// Per-heartbeat refusals besides time (docs/ingest.md "Fields"): entity required, and every
// stored string within its cap from limits.ts. Messages name the field and the cap and never
// repeat the value.
import { DEPENDENCY_CAPS, FIELD_CAPS, type CappedField } from "./limits";

export const INVALID_HEARTBEAT = "HeartbeatIngest::InvalidHeartbeat";
export const FIELD_TOO_LONG = "HeartbeatIngest::FieldTooLong";

export interface IngestError {
  error: string;
  type: string;
}

/** Unicode code points in `s` (a surrogate pair counts once). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The value's length in code points when it exceeds `cap`, else null. */
function excess(value: string, cap: number): number | null {
  if (value.length <= cap) return null; // never more code points than UTF-16 units
  const n = codePointLength(value);
  return n > cap ? n : null;
}

const tooLong = (label: string, n: number, cap: number): IngestError => ({
  error: `${label} is too long: ${n} characters, the limit is ${cap}`,
  type: FIELD_TOO_LONG,
});

/** entity must be present: a non-blank string (numbers and booleans are taken as text). */
export function checkEntity(raw: unknown, entity: string | null): IngestError | null {
  if (entity !== null && entity.trim() !== "") return null;
  if (raw !== undefined && raw !== null && entity === null) return { error: "entity must be a string", type: INVALID_HEARTBEAT };
  return { error: "entity is required", type: INVALID_HEARTBEAT };
}

/**
 * The first capped field over its cap. `values` are the strings the heartbeat would store
 * (before user-agent parsing fills editor and operating system); `labels` name a field by
 * where its value came from when that is not the body key of the same name.
 */
export function checkLengths(values: Partial<Record<CappedField, string | null>>, labels: Partial<Record<CappedField, string>> = {}): IngestError | null {
  for (const field of Object.keys(FIELD_CAPS) as CappedField[]) {
    const value = values[field];
    if (typeof value !== "string") continue;
    const n = excess(value, FIELD_CAPS[field]);
    if (n !== null) return tooLong(labels[field] ?? field, n, FIELD_CAPS[field]);
  }
  return null;
}

/** dependencies: at most DEPENDENCY_CAPS.items entries, each at most DEPENDENCY_CAPS.itemLength characters. */
export function checkDependencies(raw: unknown): IngestError | null {
  if (!Array.isArray(raw)) return null; // not a list: dropped, as Hackatime's strong params do
  if (raw.length > DEPENDENCY_CAPS.items) {
    return { error: `dependencies has ${raw.length} items, the limit is ${DEPENDENCY_CAPS.items}`, type: FIELD_TOO_LONG };
  }
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i];
    if (typeof item !== "string") continue;
    const n = excess(item, DEPENDENCY_CAPS.itemLength);
    if (n !== null) return tooLong(`dependencies[${i}]`, n, DEPENDENCY_CAPS.itemLength);
  }
  return null;
}
