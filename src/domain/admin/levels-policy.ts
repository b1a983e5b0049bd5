// Who may change whose admin level or trust level (hackatime-behavior.md §8.2; Hackatime's
// User#can_change_admin_level_of? / #can_change_trust_of? and AdminLevelChangeMessages).
// Pure functions: callers load the actor and the target, these decide. Levels are compared only
// through auth/levels.ts.
import { atLeast, outranks, TRUST_LEVELS, type TrustLevelName } from "../../auth/levels";
import { ADMIN_LEVELS, type AdminLevel } from "../../db/schema";

/** The only things the rules look at: who someone is and their admin level. */
export interface LevelSubject {
  id: number;
  adminLevel: AdminLevel | string | null | undefined;
}

export const isAdminLevel = (value: unknown): value is AdminLevel => typeof value === "string" && (ADMIN_LEVELS as readonly string[]).includes(value);
/** One of users.trust_level's names (auth/levels.ts TRUST_LEVELS: blue, red, green, yellow). */
export const isTrustLevel = (value: unknown): value is TrustLevelName => typeof value === "string" && Object.prototype.hasOwnProperty.call(TRUST_LEVELS, value);

/** Not oneself, and strictly outranking the target's current admin level. */
function canActOn(actor: LevelSubject, target: LevelSubject): boolean {
  if (actor.id === target.id) return false;
  return outranks(actor.adminLevel, target.adminLevel);
}

/** Setting someone to red (convicting) needs superadmin or ultraadmin (User#can_convict_users?). */
export const canConvictUsers = (actor: LevelSubject) => atLeast(actor.adminLevel, "superadmin");

/**
 * May `actor` set `target`'s admin level to `newLevel`? Only superadmin+; never oneself; the
 * actor strictly outranks the target's current level and ranks at least as high as the level
 * granted; only an ultraadmin grants ultraadmin.
 */
export function canChangeAdminLevelOf(actor: LevelSubject, target: LevelSubject, newLevel: string): boolean {
  if (!isAdminLevel(newLevel)) return false;
  if (!atLeast(actor.adminLevel, "superadmin")) return false;
  if (!canActOn(actor, target)) return false;
  if (!atLeast(actor.adminLevel, newLevel)) return false;
  if (newLevel === "ultraadmin" && actor.adminLevel !== "ultraadmin") return false;
  return true;
}

/**
 * Why `actor` may not make the change, most specific reason first (Hackatime's
 * admin_level_change_denial_message), or null when canChangeAdminLevelOf allows it.
 */
export function adminLevelChangeDenial(actor: LevelSubject, target: LevelSubject, newLevel: string): string | null {
  if (canChangeAdminLevelOf(actor, target, newLevel)) return null;
  if (actor.id === target.id) return "You cannot change your own admin level.";
  if (newLevel === "ultraadmin" && actor.adminLevel !== "ultraadmin") return "Only ultraadmins can grant the ultraadmin role.";
  if (target.adminLevel === "ultraadmin") return "Only ultraadmins can change an ultraadmin's role.";
  return "You are not authorized to change this user's admin level.";
}

/**
 * May `actor` set `target`'s trust level to `newLevel`? Only admin+; never oneself; the actor
 * strictly outranks the target; red (convicted) only by superadmin or ultraadmin.
 */
export function canChangeTrustOf(actor: LevelSubject, target: LevelSubject, newLevel: string): boolean {
  if (!isTrustLevel(newLevel)) return false;
  if (!atLeast(actor.adminLevel, "admin")) return false;
  if (!canActOn(actor, target)) return false;
  if (newLevel === "red" && !canConvictUsers(actor)) return false;
  return true;
}
