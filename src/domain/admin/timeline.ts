// The admin timeline (hackatime-behavior.md §10; Hackatime `TimelineController`): per selected
// user, their activity on one calendar day of their own zone, cut into spans wherever two
// heartbeats are more than 10 minutes apart, and the day's capped-gap total.
import type { AdminPrincipal } from "../../auth/admin";
import { AppError } from "../../lib/errors";
import { addDays, localDayBounds, nowSeconds, safeTimeZone } from "../../lib/time";
import { durations } from "../durations/query";
import { avatarUrl, displayName } from "../users/profile";
import { calendarDate, isBlankParam, likeEscape, loadProfiles, rubyToI, userCard, type AdminProfile } from "./users";

/** At most this many users besides the caller. */
export const MAX_TIMELINE_USERS = 20;
/** A gap longer than this starts a new span. */
export const TIMELINE_SPAN_TIMEOUT_SECONDS = 600;

/** The last day whose neighbours (and every zone's local day) are still YYYY-MM-DD dates. */
const LAST_TIMELINE_DATE = "9999-12-30";

export interface TimelineSpan {
  start_time: number;
  end_time: number;
  duration: number;
  files_edited: string[];
  projects_edited_details: Array<{ name: string; repo_url: string | null }>;
  editors: string[];
  languages: string[];
}

/**
 * One statement per user and day, over the (user_id, time, id) index: each heartbeat's span
 * number (a running count of gaps > the timeout), then per span its first and last time and,
 * per kind, its distinct values with the position of their first occurrence. Only the distinct
 * values leave the database, not the day's rows.
 */
export const TIMELINE_SPANS_SQL = `
  WITH hb AS (
    SELECT id, time, entity, project, editor, language,
      ROW_NUMBER() OVER w AS rn,
      CASE WHEN LAG(time) OVER w IS NULL OR time - LAG(time) OVER w > ?4 THEN 1 ELSE 0 END AS starts
    FROM heartbeats
    WHERE user_id = ?1 AND deleted_at IS NULL AND time >= ?2 AND time < ?3
    WINDOW w AS (ORDER BY time, id)
  ),
  s AS (SELECT *, SUM(starts) OVER (ORDER BY rn ROWS UNBOUNDED PRECEDING) AS span FROM hb),
  vals AS (
    SELECT span, rn, k.value AS kind,
      CASE k.value WHEN 'f' THEN entity WHEN 'p' THEN project WHEN 'e' THEN editor ELSE language END AS val
    FROM s, json_each('["f","p","e","l"]') k
  )
  SELECT span, 's' AS kind, NULL AS value, MIN(time) AS a, MAX(time) AS b FROM s GROUP BY span
  UNION ALL
  SELECT span, kind, val, MIN(rn), NULL FROM vals WHERE val IS NOT NULL AND (kind != 'p' OR trim(val) != '') GROUP BY span, kind, val
  ORDER BY span, kind, a`;

type SpanRow = { span: number; kind: "s" | "f" | "p" | "e" | "l"; value: string | null; a: number; b: number | null };

/** Ruby `entity.split("/").last`: the last non-empty segment (trailing slashes dropped), or null. */
export function entityBasename(entity: string): string | null {
  const parts = entity.split("/");
  while (parts.length && parts[parts.length - 1] === "") parts.pop();
  return parts.length ? parts[parts.length - 1] : null;
}

function assembleSpans(rows: SpanRow[], repoUrls: Map<string, string | null>): TimelineSpan[] {
  const spans = new Map<number, TimelineSpan>();
  const files = new Map<number, Set<string>>();
  for (const r of rows) {
    if (r.kind !== "s") continue;
    spans.set(r.span, { start_time: r.a, end_time: r.b!, duration: Math.max(0, r.b! - r.a), files_edited: [], projects_edited_details: [], editors: [], languages: [] });
    files.set(r.span, new Set());
  }
  // Rows come ordered by (span, kind, first occurrence): each list keeps first-seen order.
  for (const r of rows) {
    const span = spans.get(r.span);
    if (r.kind === "s" || !span || r.value === null) continue;
    if (r.kind === "f") {
      const name = entityBasename(r.value);
      const seen = files.get(r.span)!;
      if (name !== null && !seen.has(name)) {
        seen.add(name);
        span.files_edited.push(name);
      }
    } else if (r.kind === "p") span.projects_edited_details.push({ name: r.value, repo_url: repoUrls.get(r.value) ?? null });
    else if (r.kind === "e") span.editors.push(r.value);
    else span.languages.push(r.value);
  }
  return [...spans.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
}

/** `user_ids` as Hackatime splits them (split(",").map(&:to_i).uniq). */
function parseUserIds(raw: string | undefined): number[] {
  if (isBlankParam(raw)) return [];
  return [...new Set(raw!.split(",").map((p) => rubyToI(p)))];
}

export interface TimelineQuery {
  date?: string;
  user_ids?: string;
  slack_uids?: string;
}

export async function timeline(env: Env, caller: AdminPrincipal, q: TimelineQuery, now = nowSeconds()) {
  const d1 = env.DB;
  const date = q.date === undefined ? new Date(now * 1000).toISOString().slice(0, 10) : calendarDate(q.date, now);
  // The day after must still be a YYYY-MM-DD date.
  if (!date || date > LAST_TIMELINE_DATE) throw new AppError("invalid_parameter", "Invalid date format");

  let ids = parseUserIds(q.user_ids);
  if (!isBlankParam(q.slack_uids)) {
    const uids = q.slack_uids!.split(",").slice(0, MAX_TIMELINE_USERS);
    const { results } = await d1
      .prepare("SELECT id FROM users WHERE slack_uid IN (SELECT value FROM json_each(?1)) ORDER BY id")
      .bind(JSON.stringify(uids))
      .all<{ id: number }>();
    ids = ids.concat(results.map((r) => r.id));
  }
  const selected = [...new Set([caller.userId, ...ids.slice(0, MAX_TIMELINE_USERS)])];
  const profiles = await loadProfiles(d1, selected);
  const chosen = selected.map((id) => profiles.get(id)).filter((p): p is AdminProfile => p !== undefined);
  const validIds = chosen.map((p) => p.id);

  const mappings = new Map<number, Map<string, string | null>>();
  const { results: mappingRows } = await d1
    .prepare("SELECT user_id, project_name, repo_url FROM project_repo_mappings WHERE user_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(validIds))
    .all<{ user_id: number; project_name: string; repo_url: string | null }>();
  for (const m of mappingRows) {
    if (!mappings.has(m.user_id)) mappings.set(m.user_id, new Map());
    mappings.get(m.user_id)!.set(m.project_name, m.repo_url);
  }

  // Each user's own calendar day; one batch of span statements, totals from the projection.
  const days = chosen.map((p) => {
    const timezone = safeTimeZone(p.timezone);
    return { timezone, ...localDayBounds(date, timezone) };
  });
  const [spanResults, totals] = await Promise.all([
    chosen.length
      ? d1.batch<SpanRow>(chosen.map((p, i) => d1.prepare(TIMELINE_SPANS_SQL).bind(p.id, days[i].start, days[i].end, TIMELINE_SPAN_TIMEOUT_SECONDS)))
      : Promise.resolve([]),
    Promise.all(chosen.map((p, i) => durations(env, { id: p.id, timezone: days[i].timezone }, { start: days[i].start, end: days[i].end }))),
  ]);

  const users = await Promise.all(
    chosen.map(async (p, i) => ({
      user: {
        id: p.id,
        username: p.username ?? "",
        display_name: displayName(p),
        slack_username: p.slack_username,
        github_username: p.github_username,
        timezone: p.timezone,
        avatar_url: await avatarUrl(p),
      },
      spans: assembleSpans(spanResults[i].results, mappings.get(p.id) ?? new Map()),
      total_coded_time: totals[i].total,
    })),
  );

  return {
    date,
    next_date: addDays(date, 1),
    prev_date: addDays(date, -1),
    users,
    // Commits are not stored yet (no GitHub integration): no markers.
    commit_markers: [] as Array<{ user_id: number; timestamp: number; additions: number | null; deletions: number | null; github_url: string | null }>,
  };
}

export const TIMELINE_SEARCH_LIMIT = 20;

/**
 * Timeline user search: a numeric query that is a user id answers that user; otherwise a
 * case-insensitive substring of username, Slack username, id or an email, exact username
 * first, then by username; at most 20. 422 "Query parameter is required" when blank.
 */
export async function searchTimelineUsers(d1: D1Database, rawQuery: string | undefined) {
  const term = (rawQuery ?? "").toLowerCase();
  if (isBlankParam(term)) throw new AppError("invalid_parameter", "Query parameter is required");
  if (/^\d+$/.test(term) && /^\d{1,15}$/.test(term)) {
    const byId = (await loadProfiles(d1, [Number(term)])).get(Number(term));
    if (byId) return { users: [await userCard(byId)] };
  }
  const pattern = `%${likeEscape(term)}%`;
  const { results } = await d1
    .prepare(
      `SELECT u.id FROM users u
       WHERE lower(u.username) LIKE ?1 ESCAPE '\\' OR lower(u.slack_username) LIKE ?1 ESCAPE '\\' OR CAST(u.id AS TEXT) LIKE ?1 ESCAPE '\\'
         OR EXISTS (SELECT 1 FROM email_addresses e WHERE e.user_id = u.id AND lower(e.email) LIKE ?1 ESCAPE '\\')
       ORDER BY CASE WHEN lower(u.username) = ?2 THEN 0 ELSE 1 END, u.username
       LIMIT ?3`,
    )
    .bind(pattern, term, TIMELINE_SEARCH_LIMIT)
    .all<{ id: number }>();
  const profiles = await loadProfiles(d1, results.map((r) => r.id));
  const ordered = results.map((r) => profiles.get(r.id)).filter((p): p is AdminProfile => p !== undefined);
  return { users: await Promise.all(ordered.map(userCard)) };
}

/** The caller and the board's leaders count together towards this many. */
export const TIMELINE_LEADERBOARD_LIMIT = 25;

/**
 * The caller, then the top users of the latest finished board of the period (last_7_days, else
 * daily), at most 25 in all; just the caller when no board has finished.
 */
export async function leaderboardUsers(d1: D1Database, caller: AdminPrincipal, period: string | undefined) {
  const boardPeriod = period === "last_7_days" ? "last_7_days" : "daily";
  const board = await d1
    .prepare(
      `SELECT id FROM leaderboards WHERE period = ?1 AND finished_generating_at IS NOT NULL
       ORDER BY start_date DESC, finished_generating_at DESC, id DESC LIMIT 1`,
    )
    .bind(boardPeriod)
    .first<{ id: number }>();
  const leaders = board
    ? (
        await d1
          .prepare("SELECT user_id FROM leaderboard_entries WHERE leaderboard_id = ?1 ORDER BY total_seconds DESC, user_id LIMIT ?2")
          .bind(board.id, TIMELINE_LEADERBOARD_LIMIT)
          .all<{ user_id: number }>()
      ).results.map((r) => r.user_id)
    : [];
  const profiles = await loadProfiles(d1, [caller.userId, ...leaders]);
  const ordered: AdminProfile[] = [];
  const me = profiles.get(caller.userId);
  if (me) ordered.push(me);
  for (const id of leaders) {
    if (ordered.length >= TIMELINE_LEADERBOARD_LIMIT) break;
    if (id === caller.userId) continue;
    const p = profiles.get(id);
    if (p) ordered.push(p);
  }
  return { users: await Promise.all(ordered.map(userCard)) };
}
