// The numbers of the heartbeat ingest rules (docs/ingest.md), in one place: validation, the
// request reader, the OpenAPI text and the tests all read them from here.
import type { NormalizedField } from "../../db/heartbeat-fields";

/** A bulk post carries at most this many heartbeats (Hackatime's MAX_BULK_HEARTBEATS). */
export const MAX_BULK_HEARTBEATS = 100;

/** A heartbeat post's body is at most this many bytes (1 MiB), counted before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A heartbeat may be at most this far ahead of the server clock (Wakapi's Heartbeat.Timely). */
export const FUTURE_TOLERANCE_SECONDS = 3600;

/** Epoch seconds accepted after the ms/µs/ns repair: [MIN, MAX), 2001-09-09 … 2033-05-18 (Hackatime). */
export const TIME_WINDOW = { min: 1_000_000_000, max: 2_000_000_000 } as const;

/**
 * The longest value, in characters (Unicode code points), of each string field a heartbeat
 * stores. Over the cap the item is refused, never truncated. Why each number: docs/ingest.md.
 */
export const FIELD_CAPS = {
  entity: 4096,
  type: 255,
  category: 255,
  project: 255,
  branch: 1024,
  language: 255,
  editor: 255,
  operating_system: 255,
  machine: 255,
  user_agent: 1024,
  ai_model: 255,
  ai_session: 255,
  ai_subscription_plan: 255,
} as const satisfies Partial<Record<NormalizedField, number>>;

export type CappedField = keyof typeof FIELD_CAPS;

/** dependencies: wakatime-cli's own filter (pkg/deps: maxDependenciesCount, maxDependencyLength). */
export const DEPENDENCY_CAPS = { items: 1000, itemLength: 200 } as const;
