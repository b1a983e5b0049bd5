// Creating a user with their first API key (and optionally an admin key). Used by the
// operator command `npm run user:create` (through `wrangler d1 execute`) and by the tests, so
// both create users the same way. The first API key carries the user's id (docs/edge-auth.md),
// so it is made once the user's row has one: provisionUser's statements, then firstApiKey's.
import { leastFilledShardSql } from "../../db/shards";
import { ADMIN_LEVELS, type AdminLevel } from "../../db/schema";
import { newAdminApiKey, newRoutedUserApiKey, sha256Hex } from "../../lib/crypto";
import { isValidTimeZone } from "../../lib/time";

export interface NewUser {
  username: string;
  email?: string | null;
  slackUid?: string | null;
  githubUsername?: string | null;
  timezone?: string;
  adminLevel?: AdminLevel;
  allowPublicStatsLookup?: boolean;
}

export interface Statement {
  sql: string;
  params: Array<string | number | null>;
}

export interface Provisioned {
  statements: Statement[]; // the last one selects the new user's id
  adminApiKey: string | null;
}

export const ADMIN_KEY_PREVIEW_LENGTH = 13;
const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function validateNewUser(u: NewUser): string | null {
  if (!USERNAME.test(u.username)) return "username must be 1-64 letters, digits, '_', '.' or '-'";
  if (u.timezone !== undefined && !isValidTimeZone(u.timezone)) return `unknown time zone: ${u.timezone}`;
  if (u.adminLevel !== undefined && !ADMIN_LEVELS.includes(u.adminLevel)) return `admin level must be one of ${ADMIN_LEVELS.join(", ")}`;
  if (u.email && !/^[^@\s]+@[^@\s]+$/.test(u.email)) return `invalid email: ${u.email}`;
  return null;
}

/** `shardCount`: how many shard databases the deployment has (SHARD_0 … in wrangler.toml). */
export async function provisionUser(u: NewUser, shardCount: number): Promise<Provisioned> {
  const problem = validateNewUser(u);
  if (problem) throw new Error(problem);
  const adminLevel = u.adminLevel ?? "default";
  const adminApiKey = adminLevel === "default" ? null : newAdminApiKey();
  const byName = "FROM users WHERE username = ?";
  const statements: Statement[] = [
    {
      sql: `INSERT INTO users (username, slack_uid, github_username, timezone, admin_level, allow_public_stats_lookup, shard)
        VALUES (?, ?, ?, ?, ?, ?, ${leastFilledShardSql(shardCount)})`,
      params: [u.username, u.slackUid ?? null, u.githubUsername ?? null, u.timezone ?? "UTC", adminLevel, u.allowPublicStatsLookup === false ? 0 : 1],
    },
  ];
  if (u.email) statements.push({ sql: `INSERT INTO email_addresses (user_id, email) SELECT id, ? ${byName}`, params: [u.email.toLowerCase(), u.username] });
  if (adminApiKey) {
    statements.push({
      sql: `INSERT INTO admin_api_keys (user_id, name, token_hash, token_preview) SELECT id, 'Initial admin key', ?, ? ${byName}`,
      params: [await sha256Hex(adminApiKey), adminApiKey.slice(0, ADMIN_KEY_PREVIEW_LENGTH), u.username],
    });
  }
  statements.push({ sql: `SELECT id, shard ${byName}`, params: [u.username] });
  return { statements, adminApiKey };
}

/** The new user's first API key, routed to their id, and the statement storing its hash. */
export async function firstApiKey(userId: number): Promise<{ apiKey: string; statement: Statement }> {
  const apiKey = await newRoutedUserApiKey(userId);
  return { apiKey, statement: { sql: "INSERT INTO api_keys (user_id, name, token_hash) VALUES (?, 'Hackatime key', ?)", params: [userId, await sha256Hex(apiKey)] } };
}

/** Renders a statement with its parameters inlined, for `wrangler d1 execute --command`. */
export function inlineStatement({ sql, params }: Statement): string {
  let i = 0;
  return sql.replace(/\?/g, () => {
    const v = params[i++];
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number") return String(v);
    return `'${v.replaceAll("'", "''")}'`;
  });
}
