// Import normalisation (hackatime-behavior.md §9.1, HeartbeatIngest#normalize_imported_heartbeat):
// the live path's rules (prepareHeartbeats: time repair, placeholders, language, category,
// dedup key) with source_type "wakapi_import" and the import differences:
//   * editor/OS from the body win over the user agent (unless the UA names an AI model, whose
//     editor wins); the UA is the fallback;
//   * the UA is user_agent, else user_agent_id; machine falls back to machine_name_id;
//   * a missing is_write is false;
//   * ISO 8601 times keep every fractional digit (an export re-imports to the same instant).
import { parseUserAgent } from "../user-agent";
import { fieldsHash, type Prepared } from "../heartbeats/normalize";

const ISO_TIME = /^\s*(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

const text = (v: unknown): string | null => (typeof v === "string" && v.replaceAll("\u0000", "").trim() !== "" ? v.replaceAll("\u0000", "") : null);

/** An ISO 8601 time as epoch seconds with all of its fractional digits, or null. */
export function parseIsoTimeExact(value: string): number | null {
  const m = ISO_TIME.exec(value);
  if (!m) return null;
  let zone = m[3] ?? "Z";
  if (/^[+-]\d{2}$/.test(zone)) zone += ":00";
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1].replace(" ", "T")}${zone.toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  const whole = ms / 1000;
  if (!m[2]) return whole;
  return whole >= 0 ? Number(`${whole}.${m[2]}`) : whole + Number(`0.${m[2]}`);
}

/** Epoch seconds → ISO 8601 in UTC with every fractional digit the number has (at least milliseconds). */
export function isoTimeExact(seconds: number): string {
  const s = String(seconds);
  const dot = s.indexOf(".");
  if (dot < 0 || s.includes("e")) {
    const d = new Date(seconds * 1000).toISOString();
    return Number.isInteger(seconds) ? d.replace(".000Z", "Z") : d;
  }
  const whole = Number(s.slice(0, dot));
  return new Date(whole * 1000).toISOString().replace(".000Z", `.${s.slice(dot + 1).padEnd(3, "0")}Z`);
}

export interface ImportItem {
  item: unknown;
  bodyEditor: string | null;
  bodyOs: string | null;
}

/** The raw item rewritten so prepareHeartbeats applies the import rules it shares with live ingest. */
export function preImport(raw: unknown): ImportItem {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { item: raw, bodyEditor: null, bodyOs: null };
  const hb = raw as Record<string, unknown>;
  const item: Record<string, unknown> = { ...hb };
  const ua = text(hb.user_agent) ?? (hb.user_agent_id === undefined || hb.user_agent_id === null ? null : String(hb.user_agent_id));
  item.user_agent = ua;
  delete item.plugin;
  item.machine = text(hb.machine) ?? (hb.machine_name_id === undefined || hb.machine_name_id === null ? null : String(hb.machine_name_id));
  if (hb.is_write === undefined || hb.is_write === null) item.is_write = false;
  if (typeof hb.time === "string") {
    const t = parseIsoTimeExact(hb.time);
    if (t !== null) item.time = t;
  }
  return { item, bodyEditor: text(hb.editor), bodyOs: text(hb.operating_system) };
}

/** Applies the import's editor/OS precedence to a prepared heartbeat and re-keys it. */
export async function postImport(p: Prepared, pre: ImportItem): Promise<Prepared> {
  if (!p.ok) return p;
  const h = { ...p.heartbeat };
  const ua = parseUserAgent(h.user_agent, h.category);
  const editor = (ua.aiModel ? ua.editor || null : null) || pre.bodyEditor || ua.editor || null;
  const os = pre.bodyOs || ua.os || null;
  if (editor === h.editor && os === h.operating_system) return p;
  h.editor = editor;
  h.operating_system = os;
  const { fields_hash: _old, ...rest } = h;
  return { ok: true, heartbeat: { ...rest, fields_hash: await fieldsHash(rest) } };
}
