// YSWS ("You Ship, We Ship") program claims (hackatime-behavior.md §12; Hackatime's
// YswsProgramsController, removed in a0c86857, rebuilt because the spec lists it). A claim
// stamps heartbeats.ysws_program on a user's live heartbeats in a time range (optionally one
// project), unless any of them is already claimed by a program.
import { stampUnclaimed } from "../db/ysws";
import { userById, userIdBySlackUid } from "../db/users";
import { parseRailsTime } from "../lib/dates";
import { AppError } from "../lib/errors";
import { isBlank } from "../lib/text";

/**
 * Heartbeat.ysws_programs at a0c86857^ (app/models/heartbeat.rb): index = stored value. The
 * full enum, 0–58, read from hackclub/hackatime's heartbeat model.
 */
export const YSWS_PROGRAMS = [
  "nothing",
  "high_seas",
  "arcade",
  "juice",
  "onboard",
  "sprig",
  "cider",
  "hackpad",
  "boba_drops",
  "the_bin",
  "blot",
  "infill",
  "scrapyard",
  "hackcraft_mod_edition",
  "browser_buddy",
  "hackaccino",
  "cafe",
  "low_skies",
  "rasp_api",
  "terminal_craft",
  "neon",
  "jungle",
  "counterspell",
  "riceathon",
  "power_hour",
  "scrapyard_flagship",
  "ten_days_in_public",
  "build_your_own_llm",
  "cargo_cult_v2",
  "sockathon",
  "bakebuild",
  "minus_twelve",
  "easel",
  "retrospect",
  "cascade",
  "ten_hours_in_public",
  "swirl",
  "tarot",
  "asylum",
  "cargo_cult",
  "rpg",
  "ham_club",
  "anchor",
  "dessert",
  "wizard_orpheus",
  "onboard_live",
  "say_cheese",
  "hackapet",
  "clubs_competitions",
  "printboard",
  "black_box",
  "shipwrecked",
  "pizza_grant_ysws",
  "pixeldust",
  "hacklet",
  "reflow",
  "the_journey",
  "visioneer",
  "neighborhood",
] as const;

export const yswsProgramName = (value: number | null) => YSWS_PROGRAMS[value ?? 0] ?? String(value);

/** At most this many conflicting heartbeats are listed in a 409 (conflict_count has the total). */
export const MAX_CONFLICTS_LISTED = 1000;

export interface ClaimRequest {
  programId: number;
  userIdentifier: string;
  start: number;
  end: number;
  project: string | null;
}

type Params = Record<string, unknown>;

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && isBlank(v));

/** A program id: its enum value (integer or digits) or, as a convenience, its name. */
function parseProgram(v: unknown): number | null {
  if (typeof v === "number" && Number.isInteger(v)) return v >= 0 && v < YSWS_PROGRAMS.length ? v : null;
  if (typeof v === "string") {
    const s = v.trim();
    if (/^\d{1,3}$/.test(s)) return Number(s) < YSWS_PROGRAMS.length ? Number(s) : null;
    const i = (YSWS_PROGRAMS as readonly string[]).indexOf(s);
    return i >= 0 ? i : null;
  }
  return null;
}

/** Time.parse for the forms clients send (UTC unless zoned), or epoch seconds as a number. */
function parseTime(v: unknown, name: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  const t = typeof v === "string" ? (/^\d{9,10}(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : parseRailsTime(v)) : null;
  if (t === null) throw new AppError("bad_request", `Invalid ${name} value`);
  return t;
}

/** Hackatime's validate_params: 400 "Missing required parameters: …", 400 "Invalid program_id value". */
export function parseClaim(p: Params): ClaimRequest {
  const missing = ["start_time", "end_time", "user_id", "program_id"].filter((k) => blank(p[k]));
  if (missing.length) throw new AppError("bad_request", `Missing required parameters: ${missing.join(", ")}`);
  const programId = parseProgram(p.program_id);
  if (programId === null) throw new AppError("bad_request", "Invalid program_id value");
  const user = p.user_id;
  if (typeof user !== "string" && typeof user !== "number") throw new AppError("bad_request", "Invalid user_id value");
  return {
    programId,
    userIdentifier: String(user).trim(),
    start: parseTime(p.start_time, "start_time"),
    end: parseTime(p.end_time, "end_time"),
    project: typeof p.project === "string" && !isBlank(p.project) ? p.project : null,
  };
}

/**
 * The user's live heartbeats with start ≤ time ≤ end (and the project, if given). If any is
 * claimed (ysws_program other than 0), nothing changes and the claimed ones are reported;
 * otherwise all are stamped. One D1 batch (a transaction): the check and the update see the
 * same rows. Every statement has a fixed, small number of parameters. Returns how many were
 * claimed; a conflict throws (conflict, with the claimed ids and their programs).
 */
export async function claimHeartbeats(d1: D1Database, claim: ClaimRequest): Promise<number> {
  // Hackatime: User.find_by(id:) || User.find_by(slack_uid:); no user → nothing matches.
  const id = /^\d{1,15}$/.test(claim.userIdentifier) ? Number(claim.userIdentifier) : null;
  const userId = (id !== null ? (await userById(d1, id))?.id : undefined) ?? (await userIdBySlackUid(d1, claim.userIdentifier));
  if (userId === null) return 0;
  const result = await stampUnclaimed(d1, { userId, start: claim.start, end: claim.end, project: claim.project }, claim.programId, MAX_CONFLICTS_LISTED);
  if ("claimed" in result) return result.claimed;
  const conflicts = result.conflicts.map((r): [number, string] => [r.id, yswsProgramName(r.program)]);
  throw new AppError("conflict", "Some heartbeats are already claimed", { conflicts, conflict_count: result.conflictCount });
}
