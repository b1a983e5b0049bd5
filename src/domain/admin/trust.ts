// Changing a user's trust level (hackatime-behavior.md §8.1–8.3, Hackatime `user_convict`,
// `User#set_trust`; the permission rule is levels-policy.ts's canChangeTrustOf). The level
// and its audit row are written in one D1 batch, and only when the level actually changes.
import { TRUST_LEVELS, trustLevelName, type TrustLevelName } from "../../auth/levels";
import type { AdminLevel, UserRow } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { displayName } from "../users/profile";
import { canChangeTrustOf, isTrustLevel } from "./levels-policy";
import { findAdminTarget, isBlankParam, loadProfiles } from "./users";

export const NO_PERMS = "no perms lmaooo";

export interface Actor {
  id: number;
  adminLevel: AdminLevel | string;
}

export const isTrustLevelName = (value: unknown): value is TrustLevelName => isTrustLevel(value);

/** Hackatime `can_change_trust_of?` (admin+, not oneself, strictly outranking the target, red only by superadmin+). */
export { canChangeTrustOf };

export interface ConvictParams {
  id?: unknown;
  user_id?: unknown;
  trust_level?: unknown;
  reason?: unknown;
  notes?: unknown;
}

const asText = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null);

// The stored integer as Hackatime's enum name, computed in SQL so the audit row records the
// level the UPDATE actually replaced.
const LEVEL_NAME_SQL = `CASE trust_level ${Object.entries(TRUST_LEVELS)
  .map(([name, value]) => `WHEN ${value} THEN '${name}'`)
  .join(" ")} ELSE 'blue' END`;

export interface ConvictResult {
  success: true;
  message: string;
  user: { id: number; username: string; trust_level: TrustLevelName; updated_at: string };
  audit_log: { changed_by: string; reason: string; notes: string | null; timestamp: string };
}

/** POST /api/admin/v1/user/convict, after the admin+ gate. */
export async function convict(d1: D1Database, actor: Actor, params: ConvictParams): Promise<ConvictResult> {
  const target: UserRow = await findAdminTarget(d1, params.id ?? params.user_id);
  const reason = asText(params.reason);
  if (isBlankParam(reason)) throw new AppError("invalid_parameter", "you cant punish a mortal and not justify your actions");
  const level = params.trust_level;
  if (!isTrustLevelName(level)) throw new AppError("invalid_parameter", "read the docs you idiot");
  if (!canChangeTrustOf(actor, target, level)) throw new AppError("forbidden", NO_PERMS);
  const notes = asText(params.notes);
  const value = TRUST_LEVELS[level];

  // Both statements see the same row state (one transaction): the audit row is written only
  // if the level differs, and records the level it replaces.
  const [, , current] = await d1.batch<{ id: number; trust_level: number; updated_at: string }>([
    d1
      .prepare(
        `INSERT INTO trust_level_audit_logs (user_id, changed_by_id, previous_trust_level, new_trust_level, reason, notes)
         SELECT id, ?2, ${LEVEL_NAME_SQL}, ?3, ?4, ?5 FROM users WHERE id = ?1 AND trust_level != ?6`,
      )
      .bind(target.id, actor.id, level, reason, notes, value),
    d1
      .prepare("UPDATE users SET trust_level = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 AND trust_level != ?2")
      .bind(target.id, value),
    d1.prepare("SELECT id, trust_level, updated_at FROM users WHERE id = ?").bind(target.id),
  ]);
  const row = current.results[0];
  if (!row) throw new AppError("not_found", "user not found");

  const profiles = await loadProfiles(d1, [target.id, actor.id]);
  const targetProfile = profiles.get(target.id);
  const actorProfile = profiles.get(actor.id);
  return {
    success: true,
    message: `gotcha, updated to ${level}`,
    user: {
      id: row.id,
      username: targetProfile ? displayName(targetProfile) : target.username,
      trust_level: trustLevelName(row.trust_level),
      updated_at: row.updated_at,
    },
    audit_log: {
      changed_by: actorProfile ? displayName(actorProfile) : String(actor.id),
      reason: reason!,
      notes,
      timestamp: new Date().toISOString(),
    },
  };
}
