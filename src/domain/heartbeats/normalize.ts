// Heartbeat validation and normalisation (docs/ingest.md; hackatime-behavior.md §3.2) and the
// dedup key (§3.3). Pure apart from the placeholder lookup, which the caller supplies.
import { sha256Hex } from "../../lib/crypto";
import { isBlank } from "../../lib/text";
import { resolveLanguage } from "../languages";
import { parseUserAgent } from "../user-agent";
import { InvalidHeartbeatTime, refuseFutureTime, repairTime } from "./time";
import { INVALID_HEARTBEAT, checkDependencies, checkEntity, checkLengths, type IngestError } from "./validate";
import type { NormalizedField, NormalizedHeartbeat } from "../../db/heartbeat-fields";
import type { SourceType } from "../../db/schema";

export type { IngestError } from "./validate";
export type { NormalizedHeartbeat } from "../../db/heartbeat-fields";

export const LAST_PROJECT = "<<LAST_PROJECT>>";
export const LAST_LANGUAGE = "<<LAST_LANGUAGE>>";
export const LAST_BRANCH = "<<LAST_BRANCH>>";

export type Prepared = { ok: true; heartbeat: NormalizedHeartbeat } | { ok: false; error: IngestError };

/** What the request carries besides the body. */
export interface RequestContext {
  userId: number;
  userAgentHeader: string | null;
  machineHeader: string | null;
  ipAddress: string | null;
  sourceType?: SourceType; // default: direct_entry (test_entry for the setup page's test.txt)
  now?: number; // epoch seconds the future-time check compares with (default: the clock)
}

/** Finds the latest real language/branch of a project in stored heartbeats (placeholders). */
export type PlaceholderLookup = (field: "language" | "branch", project: string | null) => Promise<string | null>;

const INT_FIELDS = [
  "lineno",
  "cursorpos",
  "lines",
  "line_additions",
  "line_deletions",
  "project_root_count",
  "ai_input_tokens",
  "ai_output_tokens",
  "ai_prompt_length",
  "ai_line_changes",
  "human_line_changes",
] as const satisfies readonly NormalizedField[];

const INT_PATTERN = /^\s*[+-]?\d+(\.\d*)?\s*$/;
// Control characters (Ruby's [[:cntrl:]]): C0, DEL and C1.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

function stripNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "") as T;
  if (Array.isArray(value)) return value.map(stripNul) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stripNul(v);
    return out as T;
  }
  return value;
}

function asString(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  return null;
}

function asInt(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && INT_PATTERN.test(v)) return Math.trunc(Number(v));
  return null;
}

function asBool(v: unknown): boolean | null {
  if (v === true || v === 1 || v === "true" || v === "1") return true;
  if (v === false || v === 0 || v === "false" || v === "0") return false;
  return null;
}

function asDependencies(v: unknown): string | null {
  if (!Array.isArray(v)) return null;
  if (!v.every((d) => d === null || ["string", "number", "boolean"].includes(typeof d))) return null;
  const list = v.filter((d) => d !== null).map(String);
  return list.length ? JSON.stringify(list) : null;
}

const isPlaceholder = (s: string | null) => s !== null && /^<<LAST_[A-Z]+>>$/.test(s);

/** X-Machine-Name is url.QueryEscape'd by wakatime-cli ("my laptop" arrives as "my+laptop"). */
export function decodeMachineHeader(raw: string | null): string | null {
  if (isBlank(raw)) return null;
  try {
    return decodeURIComponent(raw!.replaceAll("+", " "));
  } catch {
    return raw;
  }
}

interface Draft {
  h: Omit<NormalizedHeartbeat, "fields_hash">;
  pending: Array<{ field: "language" | "branch"; project: string | null }>;
}

/**
 * Validates and normalises a request's heartbeats, in order. An invalid item (docs/ingest.md:
 * time, entity, field caps) becomes an error in its slot and gives no context to the others;
 * placeholders resolve from earlier items of the same request, then from stored heartbeats.
 */
export async function prepareHeartbeats(items: unknown[], ctx: RequestContext, lookup: PlaceholderLookup): Promise<Prepared[]> {
  const lastByProject = { language: new Map<string | null, string>(), branch: new Map<string | null, string>() };
  let lastRealProject: string | null = null;
  const drafts: Array<Draft | IngestError> = [];

  const now = ctx.now ?? Date.now() / 1000;
  const headerMachine = decodeMachineHeader(ctx.machineHeader);

  for (const item of items) {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      drafts.push({ error: "heartbeat must be a JSON object", type: INVALID_HEARTBEAT });
      continue;
    }
    const raw = stripNul(item as Record<string, unknown>);
    let time: number;
    try {
      time = repairTime(raw.time ?? raw.timestamp);
      refuseFutureTime(time, now);
    } catch (e) {
      if (e instanceof InvalidHeartbeatTime) {
        drafts.push({ error: e.message, type: e.type });
        continue;
      }
      throw e;
    }

    const entity = asString(raw.entity);
    const missing = checkEntity(raw.entity, entity);
    if (missing) {
      drafts.push(missing);
      continue;
    }
    const rawProject = asString(raw.project);
    const project = rawProject === null ? null : rawProject.replace(CONTROL_CHARS, "").trim();
    const type = asString(raw.type ?? raw.entity_type);
    const bodyUserAgent = asString(raw.user_agent) || asString(raw.plugin) || null;
    const draft: Draft = {
      pending: [],
      h: {
        user_id: ctx.userId,
        time,
        entity,
        type,
        category: asString(raw.category) || (type === "domain" || type === "url" ? "browsing" : "coding"),
        project,
        branch: asString(raw.branch),
        language: asString(raw.language),
        editor: asString(raw.editor),
        operating_system: asString(raw.operating_system),
        machine: headerMachine ?? asString(raw.machine),
        user_agent: bodyUserAgent || ctx.userAgentHeader || null,
        dependencies: asDependencies(raw.dependencies),
        is_write: asBool(raw.is_write),
        lineno: null,
        cursorpos: null,
        lines: null,
        line_additions: null,
        line_deletions: null,
        project_root_count: null,
        ai_model: asString(raw.ai_model),
        ai_session: asString(raw.ai_session),
        ai_subscription_plan: asString(raw.ai_subscription_plan),
        ai_input_tokens: null,
        ai_output_tokens: null,
        ai_prompt_length: null,
        ai_line_changes: null,
        human_line_changes: null,
        source_type: ctx.sourceType ?? (entity === "test.txt" ? "test_entry" : "direct_entry"),
        ip_address: ctx.ipAddress,
      },
    };
    for (const f of INT_FIELDS) draft.h[f] = asInt(raw[f]);

    // Every stored string within its cap, named by where it came from (docs/ingest.md §2.2).
    const refused =
      checkLengths(draft.h, {
        type: raw.type === undefined || raw.type === null ? "entity_type" : "type",
        machine: headerMachine === null ? "machine" : "machine (the X-Machine-Name header)",
        user_agent: asString(raw.user_agent) ? "user_agent" : bodyUserAgent ? "plugin" : "user_agent (the User-Agent header)",
      }) ?? checkDependencies(raw.dependencies);
    if (refused) {
      drafts.push(refused);
      continue;
    }
    if (project && project !== LAST_PROJECT) lastRealProject = project;
    const contextProject = project === LAST_PROJECT ? lastRealProject : project;

    for (const field of ["language", "branch"] as const) {
      const value = draft.h[field];
      if (value === LAST_LANGUAGE || value === LAST_BRANCH) {
        const known = lastByProject[field].get(contextProject);
        draft.h[field] = known ?? null;
        if (known === undefined) draft.pending.push({ field, project: contextProject });
      } else if (!isBlank(value) && !isPlaceholder(value)) {
        lastByProject[field].set(contextProject, value!);
      }
    }
    drafts.push(draft);
  }

  // Placeholders no earlier item could answer: one lookup per distinct (field, project).
  const answers = new Map<string, Promise<string | null>>();
  for (const d of drafts) {
    if (!("pending" in d)) continue;
    for (const p of d.pending) {
      const key = `${p.field}\u0000${p.project}`;
      if (!answers.has(key)) answers.set(key, lookup(p.field, p.project));
      d.h[p.field] = await answers.get(key)!;
    }
  }

  return Promise.all(
    drafts.map(async (d): Promise<Prepared> => {
      if (!("pending" in d)) return { ok: false, error: d };
      const h = d.h;
      h.language = resolveLanguage(h.language, h.entity);
      const ua = parseUserAgent(h.user_agent, h.category);
      // The parsed user agent wins over body values (Hackatime #124); body is the fallback.
      h.editor = ua.editor || h.editor || null;
      h.operating_system = ua.os || h.operating_system || null;
      h.ai_model = h.ai_model || ua.aiModel || null;
      return { ok: true, heartbeat: { ...h, fields_hash: await fieldsHash(h) } };
    }),
  );
}

// The dedup key's inputs, in this order, for good: stored hashes must stay valid, so these
// lists change only with a migration that rehashes (the types make a renamed column fail here).
const HASHED_FIELDS = [
  "user_id",
  "branch",
  "category",
  "dependencies",
  "editor",
  "entity",
  "language",
  "machine",
  "operating_system",
  "project",
  "type",
  "user_agent",
  "line_additions",
  "line_deletions",
  "lineno",
  "lines",
  "cursorpos",
  "project_root_count",
  "time",
  "is_write",
] as const satisfies readonly NormalizedField[];
const HASHED_AI_FIELDS = [
  "ai_model",
  "ai_session",
  "ai_subscription_plan",
  "ai_input_tokens",
  "ai_output_tokens",
  "ai_prompt_length",
  "ai_line_changes",
  "human_line_changes",
] as const satisfies readonly NormalizedField[];

/**
 * Same user + same normalised fields ⇒ same key. IP address, source type and timestamps of
 * receipt are not part of it, so a retry from another network is still a duplicate.
 */
export function fieldsHash(h: Omit<NormalizedHeartbeat, "fields_hash">): Promise<string> {
  const values: unknown[] = HASHED_FIELDS.map((f) => h[f]);
  for (const f of HASHED_AI_FIELDS) if (h[f] !== null) values.push([f, h[f]]);
  return sha256Hex(JSON.stringify(values));
}
