// Remote data dumps (hackatime-behavior.md §9.1 "Remote flow"; HeartbeatImportDumpClient):
// request a heartbeats dump from WakaTime or Hackatime v1 (Wakapi), poll it, download it.
// Base URLs come from env (WAKATIME_API_BASE_URL, HACKATIME_V1_API_BASE_URL) so a test or a
// staging deploy can point them at a fake.
import type { ImportSourceKind } from "../../db/imports";
import { AppError } from "../../lib/errors";

/**
 * The remote service refused the dump for good: the run fails (its message chosen by `reason`)
 * instead of being retried. A subclass because the caller branches on it: everything else
 * thrown here — AppError("upstream_failed") for 408, 429, 5xx and network errors — propagates,
 * and the queue retries it with backoff.
 *   auth             the API key was rejected (401/403)
 *   refused          any other refusal or unreadable answer (the message says which)
 *   manual_download  WakaTime would not start a dump: the user has to download one by hand
 */
export class RemoteDumpError extends Error {
  constructor(
    readonly reason: "auth" | "refused" | "manual_download",
    message: string,
  ) {
    super(message);
  }
}

const refused = (message: string) => new RemoteDumpError("refused", message);

export interface RemoteDump {
  id: string;
  status: string;
  percent_complete: number;
  download_url: string | null;
  type: string;
  is_processing: boolean;
  is_stuck: boolean;
  has_failed: boolean;
}

export interface UserAgentInfo {
  value: string | null;
  editor: string | null;
  os: string | null;
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export type RemoteKind = Extract<ImportSourceKind, "wakatime_dump" | "hackatime_v1_dump">;

export const sourceName = (kind: ImportSourceKind) => (kind === "hackatime_v1_dump" ? "Hackatime v1" : "WakaTime");

export function remoteBaseUrl(env: Pick<Env, "WAKATIME_API_BASE_URL" | "HACKATIME_V1_API_BASE_URL">, kind: RemoteKind | "wakatime_download_link"): string {
  const base = kind === "hackatime_v1_dump" ? env.HACKATIME_V1_API_BASE_URL : env.WAKATIME_API_BASE_URL;
  return String(base).replace(/\/+$/, "");
}

const truthy = (v: unknown) => v === true || v === "true" || v === 1 || v === "1";

function normalizeDump(raw: unknown): RemoteDump {
  const d = (raw ?? {}) as Record<string, unknown>;
  const url = typeof d.download_url === "string" && d.download_url.trim() !== "" ? d.download_url : null;
  return {
    id: d.id === undefined || d.id === null ? "" : String(d.id),
    status: d.status === undefined || d.status === null ? "" : String(d.status),
    percent_complete: Number(d.percent_complete) || 0,
    download_url: url,
    type: d.type === undefined || d.type === null ? "" : String(d.type),
    is_processing: truthy(d.is_processing),
    is_stuck: truthy(d.is_stuck),
    has_failed: truthy(d.has_failed),
  };
}

export class DumpClient {
  private readonly fetchFn: FetchFn;

  constructor(
    readonly kind: RemoteKind | "wakatime_download_link",
    private readonly apiKey: string | null,
    readonly baseUrl: string,
    fetchFn?: FetchFn,
  ) {
    // Looked up at call time, so a test's stub of globalThis.fetch applies.
    this.fetchFn = fetchFn ?? ((input, init) => globalThis.fetch(input, init));
  }

  private authorization(): string | null {
    if (!this.apiKey) return null;
    return `Basic ${btoa(this.kind === "hackatime_v1_dump" ? this.apiKey : `${this.apiKey}:`)}`;
  }

  private async send(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchFn(url, init);
    } catch (e) {
      throw new AppError("upstream_failed", `Request failed: ${(e as Error).message}`);
    }
    const status = res.status;
    if (status === 401 || status === 403) {
      await res.body?.cancel();
      throw new RemoteDumpError("auth", `Authentication failed (${status})`);
    }
    if (status === 408 || status === 429 || status >= 500) {
      await res.body?.cancel();
      throw new AppError("upstream_failed", `Request failed with status ${status}`);
    }
    return res;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { Accept: "application/json", "Content-Type": "application/json" };
    const auth = this.authorization();
    if (auth) h.Authorization = auth;
    return h;
  }

  private async json(res: Response): Promise<Record<string, unknown>> {
    const text = await res.text();
    try {
      const body = JSON.parse(text);
      return body && typeof body === "object" ? body : {};
    } catch {
      throw refused("Invalid JSON response");
    }
  }

  /** POST /users/current/data_dumps {"type":"heartbeats","email_when_finished":false}. */
  async requestDump(): Promise<RemoteDump> {
    const res = await this.send(`${this.baseUrl}/users/current/data_dumps`, {
      method: "POST",
      headers: this.headers(),
      body: JSON.stringify({ type: "heartbeats", email_when_finished: false }),
    });
    if (res.status === 400) {
      const text = await res.text();
      if (this.kind === "hackatime_v1_dump") {
        // "Already in progress": reuse the dump being prepared.
        const dumps = await this.listDumps();
        const processing = dumps.find((d) => d.is_processing && !d.has_failed) ?? dumps.find((d) => !d.has_failed);
        if (processing) return processing;
        throw refused(`Request failed with status 400${text ? `: ${text.slice(0, 200)}` : ""}`);
      }
      throw new RemoteDumpError("manual_download", "WakaTime did not start a data dump.");
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw refused(`Request failed with status ${res.status}`);
    }
    return normalizeDump((await this.json(res)).data);
  }

  /** GET /users/current/data_dumps. */
  async listDumps(): Promise<RemoteDump[]> {
    const res = await this.send(`${this.baseUrl}/users/current/data_dumps`, { method: "GET", headers: this.headers() });
    if (!res.ok) {
      await res.body?.cancel();
      throw refused(`Request failed with status ${res.status}`);
    }
    const data = (await this.json(res)).data;
    return Array.isArray(data) ? data.map(normalizeDump) : [];
  }

  /** GET /users/current/user_agents (all pages): user_agent_id → UA value, editor, OS. */
  async userAgents(maxPages = 20): Promise<Map<string, UserAgentInfo>> {
    const out = new Map<string, UserAgentInfo>();
    let page: number | null = 1;
    for (let fetched = 0; page !== null && fetched < maxPages; fetched++) {
      const res = await this.send(`${this.baseUrl}/users/current/user_agents${page > 1 ? `?page=${page}` : ""}`, { method: "GET", headers: this.headers() });
      if (!res.ok) {
        await res.body?.cancel();
        break; // a missing list only costs the mapping; the import goes on
      }
      const body = await this.json(res);
      for (const ua of Array.isArray(body.data) ? body.data : []) {
        const u = (ua ?? {}) as Record<string, unknown>;
        if (u.id === undefined || u.id === null) continue;
        const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : null);
        out.set(String(u.id), { value: str(u.value), editor: str(u.editor), os: str(u.os) });
      }
      const next = Number(body.next_page);
      page = Number.isSafeInteger(next) && next > page ? next : null;
    }
    return out;
  }

  /** The dump file (redirects followed); the API key goes only to the API's own host. */
  async download(url: string): Promise<Response> {
    let sameHost = false;
    try {
      sameHost = new URL(url).host === new URL(this.baseUrl).host;
    } catch {
      throw refused("Invalid download URL");
    }
    const headers: Record<string, string> = { Accept: "application/json,application/octet-stream,*/*" };
    const auth = this.authorization();
    if (sameHost && auth) headers.Authorization = auth;
    const res = await this.send(url, { method: "GET", headers, redirect: "follow" });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw refused(`Download failed with status ${res.status}`);
    }
    return res;
  }
}

/** Fills user_agent, editor and OS from the user-agent list, where the heartbeat lacks them. */
export function userAgentTransform(agents: Map<string, UserAgentInfo>) {
  return (hb: Record<string, unknown>): Record<string, unknown> => {
    const id = hb.user_agent_id;
    if (id === undefined || id === null) return hb;
    const info = agents.get(String(id));
    if (!info) return hb;
    const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");
    const out = { ...hb };
    if (blank(out.user_agent) && info.value) out.user_agent = info.value;
    if (blank(out.editor) && info.editor) out.editor = info.editor;
    if (blank(out.operating_system) && info.os) out.operating_system = info.os;
    return out;
  };
}
