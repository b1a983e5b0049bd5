// The WakaTime-shaped user profile (GET /api/hackatime/v1/users/{id}, hackatime-behavior.md
// §6.1): Hackatime's User#display_name and User#avatar_url rules.
import { profileSourceById, type ProfileSource } from "../../db/users";
import { sha256Hex } from "../../lib/crypto";
import { isBlank } from "../../lib/text";
import { isoSeconds } from "../../lib/time";

export type { ProfileSource };

/** ActiveSupport's String#truncate(length): at most `length` characters including the "...". */
function truncate(value: string, length: number): string {
  const chars = Array.from(value);
  if (chars.length <= length) return value;
  return chars.slice(0, Math.max(0, length - 3)).join("") + "...";
}

/**
 * display_name_override, else the first of slack username / GitHub username / username that
 * is set, else "<email local part, ≤ 10 chars> (email sign-up)".
 */
export function displayName(u: Pick<ProfileSource, "display_name_override" | "slack_username" | "github_username" | "username" | "email">): string {
  if (!isBlank(u.display_name_override)) return u.display_name_override!;
  // Ruby `a || b || c` skips only nil, so an empty slack username still wins over the username.
  const name = u.slack_username ?? u.github_username ?? u.username;
  if (!isBlank(name)) return name!;
  if (isBlank(u.email)) return "error displaying name";
  return `${truncate(u.email!.split("@")[0] ?? "", 10)} (email sign-up)`;
}

/**
 * A deterministic 5×5 mirrored identicon for users with no avatar and no email, as an SVG
 * data URI (Hackatime renders a PNG with RubyIdenticon; any image URL serves the clients).
 */
export async function identiconDataUri(seed: string): Promise<string> {
  const hash = await sha256Hex(seed);
  const byte = (i: number) => parseInt(hash.slice(i * 2, i * 2 + 2), 16);
  const color = `#${hash.slice(0, 6)}`;
  const cell = 10;
  const rects: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      if (byte(3 + row * 3 + col) % 2 === 0) continue;
      for (const x of new Set([col, 4 - col])) rects.push(`<rect x="${x * cell + 5}" y="${row * cell + 5}" width="${cell}" height="${cell}"/>`);
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60" viewBox="0 0 60 60"><rect width="60" height="60" fill="#f0f0f0"/><g fill="${color}">${rects.join("")}</g></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/** Slack avatar, GitHub avatar, a ui-avatars URL from the email's first two letters, else an identicon. */
export async function avatarUrl(u: Pick<ProfileSource, "id" | "slack_avatar_url" | "github_avatar_url" | "email">): Promise<string> {
  if (!isBlank(u.slack_avatar_url)) return u.slack_avatar_url!;
  if (!isBlank(u.github_avatar_url)) return u.github_avatar_url!;
  if (!isBlank(u.email)) {
    const initials = Array.from(u.email!).slice(0, 2).join("").toUpperCase();
    const hashed = (await sha256Hex(initials)).slice(0, 6);
    return `https://i2.wp.com/ui-avatars.com/api/${initials}/48/${hashed}/fff?ssl=1`;
  }
  return identiconDataUri(String(u.id));
}

/** Stored timestamps carry milliseconds; Rails' iso8601 shows whole seconds in UTC. */
function isoNoFraction(stored: string): string {
  const ms = Date.parse(stored);
  return Number.isNaN(ms) ? stored : isoSeconds(ms / 1000);
}

export async function buildProfile(u: ProfileSource) {
  const name = displayName(u);
  return {
    id: String(u.id),
    username: u.username,
    display_name: name,
    full_name: name,
    photo: await avatarUrl(u),
    timezone: u.timezone,
    created_at: isoNoFraction(u.created_at),
    modified_at: isoNoFraction(u.updated_at),
    plan: "free" as const,
  };
}

/** The profile of a user known to exist (the caller), or null if they vanished meanwhile. */
export async function userProfile(d1: D1Database, userId: number) {
  const source = await profileSourceById(d1, userId);
  return source ? buildProfile(source) : null;
}
