// Slack slash commands (hackatime-behavior.md §13): /sailorslog on|off|leaderboard|help and
// /timedump. Slack wants an answer within 3 s; cheap commands answer in the HTTP response,
// the ones that add up time (leaderboard, timedump) get `answerWithin`: the answer itself when
// it is ready in time, else a placeholder now and the answer later through response_url.
import { channelCandidates, languageCounts, linkedUserBySlackUid, upsertSailorsLogPreference, type LinkedUser } from "../../db/slack";
import { log } from "../../lib/log";
import { durations } from "../durations/query";
import { shortTimeSimple } from "../../lib/format";
import { addDays, localDate, safeTimeZone, startOfLocalDay } from "../../lib/time";
import { displayName } from "../users/profile";
import { postToResponseUrl, type FetchFn } from "./client";

export interface SlashCommand {
  command: string;
  text: string;
  response_url: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
}

export interface SlackMessage {
  response_type: "ephemeral" | "in_channel";
  text: string;
  replace_original?: boolean;
}

/** The form-encoded payload Slack posts for a slash command. */
export function parseSlashCommand(rawBody: string): SlashCommand {
  const p = new URLSearchParams(rawBody);
  const get = (k: string) => p.get(k) ?? "";
  return {
    command: get("command"),
    text: get("text"),
    response_url: get("response_url"),
    user_id: get("user_id"),
    user_name: get("user_name"),
    channel_id: get("channel_id"),
    channel_name: get("channel_name"),
    team_id: get("team_id"),
  };
}

export const NOT_LINKED_TEXT =
  "Darn it! I could not find a hackatime account linked with your slack account! please sign up and link your slack account at https://hackatime.hackclub.com/my/settings";
export const HELP_TEXT = "Available commands: `/sailorslog on`, `/sailorslog off`, `/sailorslog leaderboard`";
export const OFF_TEXT = ":white_check_mark: Coding notifications have been turned off in this channel.";
export const NO_ACTIVITY_TEXT = "No coding activity found for today. :3kskull:";
export const LEADERBOARD_LOADING_TEXT = ":beachball: Counting up today's time… the leaderboard will appear here in a moment.";
export const TIMEDUMP_LOADING_TEXT = ":hourglass_flowing_sand: Adding up your time… it will appear here in a moment.";
export const FAILURE_TEXT = "Error: something went wrong on our side. Please try again in a minute.";

export const onText = (slackUid: string) =>
  `<@${slackUid}> ran \`/sailorslog on\` to turn on Hackatime notifications in this channel. Every time they code an hour on a project, a short message celebrating will be posted to this channel. They will also show on \`/sailorslog leaderboard\`.`;

const ephemeral = (text: string): SlackMessage => ({ response_type: "ephemeral", text });

/** The account linked to the Slack user, or null (also for a blank UID). */
export async function findLinkedUser(d1: D1Database, slackUid: string): Promise<LinkedUser | null> {
  return slackUid ? linkedUserBySlackUid(d1, slackUid) : null;
}

// ---- answering within Slack's 3 seconds ----

/** Budget for an answer in the HTTP response (Slack gives up after 3 s). */
export const ANSWER_BUDGET_MS = 2_000;

export interface Deferral {
  /** Keeps the Worker alive for a promise after the response (executionCtx.waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
  responseUrl: string;
  budgetMs?: number;
  fetchFn?: FetchFn;
}

/**
 * The work's message if it is ready within the budget; else `placeholder` now, and the
 * message (replacing the placeholder) through response_url once ready. A failure answers
 * FAILURE_TEXT the same way (details only in the log).
 */
export async function answerWithin(work: Promise<SlackMessage>, placeholder: SlackMessage, d: Deferral): Promise<SlackMessage> {
  const failed = (err: unknown): SlackMessage => {
    log.error("slack command failed", { error: String((err as Error)?.message ?? err) });
    return ephemeral(FAILURE_TEXT);
  };
  const settled = work.catch(failed);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = Symbol("late");
  const first = await Promise.race([settled, new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), d.budgetMs ?? ANSWER_BUDGET_MS)))]);
  if (timer !== undefined) clearTimeout(timer);
  if (first !== late) return first;
  d.waitUntil(
    settled
      .then((message) => postToResponseUrl(d.responseUrl, { ...message, replace_original: true }, d.fetchFn))
      .catch((err) => log.error("slack response_url post failed", { error: String((err as Error)?.message ?? err) })),
  );
  return placeholder;
}

// ---- /sailorslog leaderboard (Hackatime SailorsLogLeaderboard) ----

const LANGUAGE_EMOJIS: Record<string, string> = {
  ruby: ":ruby:",
  javascript: ":js:",
  js: ":js:",
  reactjs: ":react:",
  react: ":react:",
  typescript: ":typescript:",
  ts: ":typescript:",
  html: ":html:",
  java: ":java:",
  unity: ":unity:",
  "c++": ":c++:",
  c: ":c:",
  "c#": ":eyeglasses:",
  onshape: ":onshape:",
  rust: ":ferris:",
  python: ":snake:",
  swift: ":swift:",
  xcode: ":swift:",
  "x code": ":swift:",
  swiftui: ":swift:",
  "swift ui": ":swift:",
  nix: ":nix:",
  nixos: ":nix:",
  nixpkgs: ":nix:",
  go: ":golang:",
  golang: ":golang:",
  deno: ":deno:",
  kotlin: ":kotlin:",
  astro: ":astro:",
  svelte: ":svelte:",
};

export const languageEmoji = (language: string | null) => (language ? (LANGUAGE_EMOJIS[language.toLowerCase()] ?? null) : null);

/** Opted-in users of a channel considered per leaderboard (those active today, by id). */
const CANDIDATE_LIMIT = 500;
/** UserActivity calls in flight while ranking. */
const CONCURRENCY = 10;
const MEDALS = ["first_place_medal", "second_place_medal", "third_place_medal"];
const DAY = 86_400;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface LeaderboardEntry {
  slack_uid: string;
  name: string;
  seconds: number;
  projects: Array<{ name: string; seconds: number; language: string | null }>;
}

/**
 * Today's (UTC) top 10 of the channel's opted-in users, each with their projects over a
 * minute (most time first) and each project's most used language.
 */
export async function channelLeaderboard(env: Env, channelId: string, now: number): Promise<LeaderboardEntry[]> {
  const start = Math.floor(now / DAY) * DAY;
  const end = start + DAY;
  const day = new Date(start * 1000).toISOString().slice(0, 10);
  const candidates = await channelCandidates(env.DB, channelId, day, CANDIDATE_LIMIT);
  const totals = await mapLimit(candidates, CONCURRENCY, async (u) => ({
    user: u,
    result: await durations(env, { id: u.id, timezone: safeTimeZone(u.timezone) }, { start, end, breakdowns: ["project"] }),
  }));
  const top = totals.sort((a, b) => b.result.total - a.result.total || a.user.id - b.user.id).slice(0, 10);
  if (top.length === 0) return [];

  // Most used language per (user, project) today, by heartbeat count (ties: by name).
  const langRows = await languageCounts(env.DB, top.map((t) => t.user.id), start, end);
  const best = new Map<string, { language: string; n: number }>();
  for (const r of langRows) {
    const k = JSON.stringify([r.userId, r.project]);
    const cur = best.get(k);
    if (!cur || r.n > cur.n || (r.n === cur.n && r.language < cur.language)) best.set(k, { language: r.language, n: r.n });
  }

  return top.map(({ user, result }) => ({
    slack_uid: user.slackUid,
    name:
      user.slackUsername?.trim() ||
      displayName({ username: user.username, display_name_override: user.displayNameOverride, slack_username: user.slackUsername, github_username: user.githubUsername, email: null }),
    seconds: result.total,
    projects: [...(result.groups.project ?? new Map<string | null, number>())]
      .filter(([, seconds]) => seconds > 60)
      .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
      .map(([project, seconds]) => ({
        name: project || "Unknown",
        seconds,
        language: best.get(JSON.stringify([user.id, project]))?.language ?? null,
      })),
  }));
}

export function leaderboardText(entries: LeaderboardEntry[]): string {
  if (entries.length === 0) return NO_ACTIVITY_TEXT;
  let msg = "*:boat: Sailor's Log - Today*";
  entries.forEach((e, i) => {
    msg += `\n:${MEDALS[i] ?? "white_small_square"}: \`@${e.name}\`: ${shortTimeSimple(e.seconds)} → `;
    msg += e.projects
      .map((p) => {
        const emoji = languageEmoji(p.language);
        const language = p.language === null ? null : emoji ? `${emoji} ${p.language}` : p.language;
        return [p.name, language === null ? null : `[${language}]`, shortTimeSimple(p.seconds)].filter((x) => x !== null).join(" ");
      })
      .join(" + ");
  });
  return msg;
}

// ---- /timedump ----

export interface TimeDump {
  today: { date: string; seconds: number; projects: Array<[string, number]> };
  week: { start_date: string; seconds: number; projects: Array<[string, number]> };
}

const byTime = (groups: Map<string | null, number> | undefined): Array<[string, number]> => {
  const merged = new Map<string, number>();
  for (const [k, v] of groups ?? []) if (v > 0) merged.set(k || "Unknown", (merged.get(k || "Unknown") ?? 0) + v);
  return [...merged].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};

/** The user's time today and this week (from Monday), per project, in their time zone. */
export async function timeDump(env: Env, user: { id: number; timezone: string }, now: number): Promise<TimeDump> {
  const tz = safeTimeZone(user.timezone);
  const today = localDate(now, tz);
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  const monday = addDays(today, -((weekday + 6) % 7));
  const end = startOfLocalDay(addDays(today, 1), tz);
  const subject = { id: user.id, timezone: tz };
  const [day, week] = await Promise.all([
    durations(env, subject, { start: startOfLocalDay(today, tz), end, breakdowns: ["project"] }),
    durations(env, subject, { start: startOfLocalDay(monday, tz), end, breakdowns: ["project"] }),
  ]);
  return {
    today: { date: today, seconds: day.total, projects: byTime(day.groups.project) },
    week: { start_date: monday, seconds: week.total, projects: byTime(week.groups.project) },
  };
}

const PROJECTS_SHOWN = 10;

export function timeDumpText(d: TimeDump): string {
  const section = (title: string, seconds: number, projects: Array<[string, number]>) => {
    const lines = [`*${title}:* ${shortTimeSimple(seconds)}`];
    for (const [name, s] of projects.slice(0, PROJECTS_SHOWN)) lines.push(`• ${name}: ${shortTimeSimple(s)}`);
    if (projects.length > PROJECTS_SHOWN) lines.push(`• …and ${projects.length - PROJECTS_SHOWN} more`);
    return lines.join("\n");
  };
  return [
    "*:hourglass: Your coding time*",
    section(`Today (${d.today.date})`, d.today.seconds, d.today.projects),
    section(`This week (since ${d.week.start_date})`, d.week.seconds, d.week.projects),
  ].join("\n");
}

// ---- dispatch ----

export interface CommandContext {
  env: Env;
  now: number;
  waitUntil(promise: Promise<unknown>): void;
  budgetMs?: number;
}

/** /sailorslog: on | off | leaderboard | anything else → help. */
export async function sailorsLogCommand(ctx: CommandContext, cmd: SlashCommand): Promise<SlackMessage> {
  const user = await findLinkedUser(ctx.env.DB, cmd.user_id);
  if (!user) return ephemeral(NOT_LINKED_TEXT);
  const action = cmd.text.trim().toLowerCase();
  switch (action) {
    case "on":
    case "off":
      if (!cmd.channel_id) return ephemeral("This command only works in a channel.");
      await upsertSailorsLogPreference(ctx.env.DB, user.id, cmd.channel_id, action === "on");
      return action === "on" ? { response_type: "in_channel", text: onText(cmd.user_id) } : ephemeral(OFF_TEXT);
    case "leaderboard": {
      const work = channelLeaderboard(ctx.env, cmd.channel_id, ctx.now).then((entries) => ephemeral(leaderboardText(entries)));
      return answerWithin(work, ephemeral(LEADERBOARD_LOADING_TEXT), { waitUntil: ctx.waitUntil, responseUrl: cmd.response_url, budgetMs: ctx.budgetMs });
    }
    default:
      return ephemeral(HELP_TEXT);
  }
}

/** /timedump: the caller's time today and this week, by project (only they see it). */
export async function timeDumpCommand(ctx: CommandContext, cmd: SlashCommand): Promise<SlackMessage> {
  const user = await findLinkedUser(ctx.env.DB, cmd.user_id);
  if (!user) return ephemeral(NOT_LINKED_TEXT);
  const work = timeDump(ctx.env, user, ctx.now).then((d) => ephemeral(timeDumpText(d)));
  return answerWithin(work, ephemeral(TIMEDUMP_LOADING_TEXT), { waitUntil: ctx.waitUntil, responseUrl: cmd.response_url, budgetMs: ctx.budgetMs });
}
