// GET …/leaders?language=&page=: WakaTime's leaders from Tally's weekly board (the latest
// finished last_7_days snapshot, domain/leaderboards.ts), 100 per page. The board ranks by the
// leaderboard chain (coding, no browser editors); each entry's languages and the language= ranking
// come from the users' projections over the board's window (durations() grouped by language,
// each language chained on its own), so language= costs one projection read per board user.
import type { AuthUser } from "../../auth/user";
import { usersByIds } from "../../db/users";
import { AppError } from "../../lib/errors";
import { wakatimeText } from "../../lib/format";
import { isBlank } from "../../lib/text";
import { formatDayNumber, safeTimeZone } from "../../lib/time";
import { durations } from "../durations/query";
import { boardWindow, latestLeaderboard, mapLimit, type LeaderboardBody } from "../leaderboards";
import { displayName } from "../stats/display-names";
import { ordinalDate } from "./ranges";
import { TIMEOUT_MINUTES } from "./stats";

export const LEADERS_PAGE_SIZE = 100;
/** Projection reads in flight while ranking by language. */
const CONCURRENCY = 25;
const DAY = 86_400;

type Entry = LeaderboardBody["entries"][number];
type Person = { username: string | null; timezone: string };
type Language = { name: string; total_seconds: number };

export interface LeadersQuery {
  language?: string;
  page?: string;
}

export async function leaders(env: Env, caller: AuthUser | null, q: LeadersQuery) {
  const board = await latestLeaderboard(env, "last_7_days");
  if (!board) throw new AppError("unavailable", "Leaderboard is being generated");
  const page = Math.max(1, Math.trunc(Number(q.page)) || 1);
  const language = isBlank(q.language) ? null : q.language!.trim();
  const window = boardWindow("last_7_days", Date.parse(`${board.start_date}T00:00:00Z`) / 1000);
  const people = new Map<number, Person>((await usersByIds(env.DB, board.entries.map((e) => e.user.id))).map((u) => [u.id, u]));

  const languagesOf = async (userId: number): Promise<Language[]> => {
    const subject = { id: userId, timezone: safeTimeZone(people.get(userId)?.timezone) };
    const result = await durations(env, subject, { start: window.start, end: window.end, breakdowns: ["language"] });
    const byName = new Map<string, number>();
    for (const [raw, seconds] of result.groups.language ?? []) {
      const name = displayName("language", raw, "Other");
      if (seconds > 0) byName.set(name, (byName.get(name) ?? 0) + seconds);
    }
    return [...byName].map(([name, total_seconds]) => ({ name, total_seconds })).sort((a, b) => b.total_seconds - a.total_seconds || (a.name < b.name ? -1 : 1));
  };

  type Ranked = { entry: Entry; total: number; languages?: Language[] };
  let ranked: Ranked[];
  if (language) {
    const wanted = language.toLowerCase();
    const all = await mapLimit(board.entries, CONCURRENCY, async (entry) => ({ entry, languages: await languagesOf(entry.user.id) }));
    ranked = all
      .map((r) => ({ ...r, total: r.languages.find((l) => l.name.toLowerCase() === wanted)?.total_seconds ?? 0 }))
      .filter((r) => r.total > 0)
      .sort((a, b) => b.total - a.total || a.entry.user.id - b.entry.user.id);
  } else {
    ranked = board.entries.map((entry) => ({ entry, total: entry.total_seconds }));
  }

  const first = (page - 1) * LEADERS_PAGE_SIZE;
  const shown = ranked.slice(first, first + LEADERS_PAGE_SIZE);
  await mapLimit(shown, CONCURRENCY, async (r) => (r.languages ??= await languagesOf(r.entry.user.id)));
  const user = (e: Entry) => ({
    id: String(e.user.id),
    username: people.get(e.user.id)?.username ?? null,
    display_name: e.user.username,
    full_name: e.user.username,
    photo: e.user.avatar_url,
    photo_public: true,
    email: null,
    is_email_public: false,
    website: null,
    human_readable_website: null,
    is_hireable: false,
    city: null,
  });
  const mine = caller ? ranked.findIndex((r) => r.entry.user.id === caller.id) : -1;
  const startDay = Math.floor(window.start / DAY);
  const endDay = Math.floor((window.end - 1) / DAY);
  return {
    current_user: mine < 0 ? null : { rank: mine + 1, page: Math.floor(mine / LEADERS_PAGE_SIZE) + 1, user: user(ranked[mine].entry) },
    data: shown.map((r, i) => ({
      rank: first + i + 1,
      running_total: {
        total_seconds: r.total,
        human_readable_total: wakatimeText(r.total),
        daily_average: Math.round((r.total / 7) * 10) / 10,
        human_readable_daily_average: wakatimeText(Math.trunc(r.total / 7)),
        languages: r.languages ?? [],
      },
      user: user(r.entry),
    })),
    page,
    total_pages: Math.max(1, Math.ceil(ranked.length / LEADERS_PAGE_SIZE)),
    language,
    is_hireable: null,
    country_code: null,
    timeout: TIMEOUT_MINUTES,
    writes_only: false,
    modified_at: board.generated_at,
    range: {
      name: "last_7_days" as const,
      text: "Last 7 Days",
      start_date: formatDayNumber(startDay),
      start_text: ordinalDate(startDay),
      end_date: formatDayNumber(endDay),
      end_text: ordinalDate(endDay),
    },
  };
}

/** GET …/meta: WakaTime lists the IP addresses its servers use; Tally has none to publish. */
export const META = {
  data: {
    ips: { api: [] as string[], website: [] as string[], worker: [] as string[] },
    ip_descriptions: {
      api: "None: Tally runs on Cloudflare's network and publishes no fixed IP addresses.",
      website: "None: Tally runs on Cloudflare's network and publishes no fixed IP addresses.",
      worker: "None: Tally's background work (queues, cron) runs on Cloudflare's network and calls out from no fixed IP address.",
    },
    last_modified_at: "2026-11-27T00:00:00Z",
  },
};
