// The admin timeline (hackatime-behavior.md §10; Hackatime `TimelineController`): per selected
// user, their activity on one calendar day of their own zone, cut into spans wherever two
// heartbeats are more than 10 minutes apart, and the day's capped-gap total.
import type { AdminPrincipal } from "../../auth/admin";
import { timelineSpans, type SpanRow } from "../../db/admin-heartbeats";
import { adminProfiles, searchUserIds, type AdminProfile } from "../../db/admin-users";
import { latestFinishedBoardId, topUserIds } from "../../db/leaderboards";
import { repoUrlsByUser } from "../../db/project-repo-mappings";
import type { LeaderboardPeriod } from "../../db/schema";
import { userIdsBySlackUids } from "../../db/users";
import { addDays, localDayBounds, safeTimeZone } from "../../lib/time";
import { durations } from "../durations/query";
import { avatarUrl, displayName } from "../users/profile";
import { userCard } from "./users";

/** At most this many users besides the caller. */
export const MAX_TIMELINE_USERS = 20;
/** A gap longer than this starts a new span. */
export const TIMELINE_SPAN_TIMEOUT_SECONDS = 600;

export interface TimelineSpan {
  start_time: number;
  end_time: number;
  duration: number;
  files_edited: string[];
  projects_edited_details: Array<{ name: string; repo_url: string | null }>;
  editors: string[];
  languages: string[];
}

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

export interface TimelineQuery {
  /** YYYY-MM-DD, each user's own calendar day. */
  date: string;
  userIds: number[];
  /** Slack UIDs (only the first MAX_TIMELINE_USERS are looked up). */
  slackUids: string[];
}

export async function timeline(env: Env, caller: AdminPrincipal, q: TimelineQuery) {
  const d1 = env.DB;
  const { date } = q;
  let ids = q.userIds;
  if (q.slackUids.length) ids = ids.concat(await userIdsBySlackUids(d1, q.slackUids.slice(0, MAX_TIMELINE_USERS)));
  const selected = [...new Set([caller.userId, ...ids.slice(0, MAX_TIMELINE_USERS)])];
  const profiles = await adminProfiles(d1, selected);
  const chosen = selected.map((id) => profiles.get(id)).filter((p): p is AdminProfile => p !== undefined);
  const mappings = await repoUrlsByUser(
    d1,
    chosen.map((p) => p.id),
  );

  // Each user's own calendar day; one batch of span statements, totals from the projection.
  const days = chosen.map((p) => {
    const timezone = safeTimeZone(p.timezone);
    return { timezone, ...localDayBounds(date, timezone) };
  });
  const [spanResults, totals] = await Promise.all([
    timelineSpans(
      d1,
      chosen.map((p, i) => ({ userId: p.id, start: days[i].start, end: days[i].end })),
      TIMELINE_SPAN_TIMEOUT_SECONDS,
    ),
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
      spans: assembleSpans(spanResults[i], mappings.get(p.id) ?? new Map()),
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
 * Timeline user search (`term` lower-cased, not blank): a numeric term that is a user id answers
 * that user; otherwise a substring of username, Slack username, id or an email, exact username
 * first, then by username; at most 20.
 */
export async function searchTimelineUsers(d1: D1Database, term: string) {
  if (/^\d{1,15}$/.test(term)) {
    const byId = (await adminProfiles(d1, [Number(term)])).get(Number(term));
    if (byId) return { users: [await userCard(byId)] };
  }
  const ids = await searchUserIds(d1, term, TIMELINE_SEARCH_LIMIT);
  const profiles = await adminProfiles(d1, ids);
  const ordered = ids.map((id) => profiles.get(id)).filter((p): p is AdminProfile => p !== undefined);
  return { users: await Promise.all(ordered.map(userCard)) };
}

/** The caller and the board's leaders count together towards this many. */
export const TIMELINE_LEADERBOARD_LIMIT = 25;

/**
 * The caller, then the top users of the latest finished board of the period, at most 25 in all;
 * just the caller when no board has finished.
 */
export async function leaderboardUsers(d1: D1Database, caller: AdminPrincipal, period: LeaderboardPeriod) {
  const board = await latestFinishedBoardId(d1, period);
  const leaders = board === null ? [] : await topUserIds(d1, board, TIMELINE_LEADERBOARD_LIMIT);
  const profiles = await adminProfiles(d1, [caller.userId, ...leaders]);
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
