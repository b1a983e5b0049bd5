// The WakaTime lists of a user: projects (?q=), user agents and machine names. Tally keeps no
// rows of its own for these, so they are read from the heartbeats (db/heartbeats.ts says how),
// and each item's id is a stable UUID-shaped hash of the user and the value.
import { machineList, projectList, userAgentList } from "../../db/heartbeats";
import { sha256Hex } from "../../lib/crypto";
import { isBlank } from "../../lib/text";
import { isoSeconds, nowSeconds } from "../../lib/time";
import { BROWSER_EDITORS } from "../durations/dimensions";
import { distanceOfTimeInWords } from "../stats/recent";
import { displayEditorName, displayOsName } from "../stats/display-names";
import type { StatsTarget } from "../users/lookup";

/** A UUID v4-shaped id derived from its parts, the same on every call. */
async function stableId(...parts: Array<string | number>): Promise<string> {
  const h = await sha256Hex(parts.join("\u0000"));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ago = (epoch: number, now: number) => `${distanceOfTimeInWords(epoch, now)} ago`;

/** The user's named projects, most recently active first; `q` keeps names containing it (any case). */
export async function projects(env: Env, target: StatsTarget, q: string | undefined, now = nowSeconds()) {
  const needle = q?.trim().toLowerCase();
  const rows = (await projectList(env.DB, target.user.id)).filter((r) => !needle || r.name.toLowerCase().includes(needle));
  const { data } = await listOf(
    target,
    "project",
    rows.map((r) => ({ ...r, value: r.name })),
    (r) => ({
      name: r.name,
      repository: r.repo_url ? { url: r.repo_url, html_url: r.repo_url } : null,
      badge: null,
      color: null,
      clients: [] as never[],
      has_public_url: false,
      // The project's own stats (Hackatime's public project endpoint).
      url: `/api/v1/users/${encodeURIComponent(target.user.username)}/project/${encodeURIComponent(r.name)}`,
      urlencoded_name: encodeURIComponent(r.name),
      first_heartbeat_at: isoSeconds(r.first_time),
      human_readable_first_heartbeat_at: ago(r.first_time, now),
      last_heartbeat_at: isoSeconds(r.last_time),
      human_readable_last_heartbeat_at: ago(r.last_time, now),
      created_at: isoSeconds(r.first_time),
    }),
  );
  return { data, total: data.length, total_pages: 1, page: 1 };
}

/** The plugin's version: the last "<name>-wakatime/<version>" product, else the last "<name>/<version>". */
function pluginVersion(userAgent: string): string | null {
  const plugins = [...userAgent.matchAll(/[\w.-]+-wakatime\/([\w.+-]+)/gi)];
  if (plugins.length) return plugins[plugins.length - 1][1];
  const products = [...userAgent.matchAll(/[\w.-]+\/(v?\d[\w.+-]*)/g)];
  return products.length ? products[products.length - 1][1] : null;
}

/** WakaTime's one-page list: each row shaped by `item`, with its stable id. */
async function listOf<R extends { value: string }, T>(target: StatsTarget, kind: string, rows: R[], item: (r: R) => T) {
  const data = await Promise.all(rows.map(async (r) => ({ id: await stableId(target.user.id, kind, r.value), ...item(r) })));
  return { data, total_pages: 1 };
}

/** The user agents the user's heartbeats came with, most recently seen first. */
export async function userAgents(env: Env, target: StatsTarget) {
  return listOf(target, "user_agent", await userAgentList(env.DB, target.user.id), (r) => ({
    value: r.value,
    editor: displayEditorName(r.editor),
    version: pluginVersion(r.value),
    os: displayOsName(r.operating_system),
    is_browser_extension: /\b(chrome|firefox|edge|safari|brave|opera)-wakatime\//i.test(r.value) || (!isBlank(r.editor) && BROWSER_EDITORS.has(r.editor!.toLowerCase())),
    is_desktop_app: /\b(desktop|macos|windows|linux)-wakatime\//i.test(r.value),
    last_seen_at: isoSeconds(r.last_time),
    created_at: isoSeconds(r.first_time),
  }));
}

/** The machines (X-Machine-Name) the user's heartbeats came from, most recently seen first. */
export async function machineNames(env: Env, target: StatsTarget) {
  return listOf(target, "machine", await machineList(env.DB, target.user.id), (r) => ({
    name: r.value,
    value: r.value,
    ip: null,
    timezone: target.subject.timezone,
    last_seen_at: isoSeconds(r.last_time),
    created_at: isoSeconds(r.first_time),
  }));
}
