// Changing a user's trust level (hackatime-behavior.md §8.1–8.3, Hackatime `user_convict`,
// `User#set_trust`; the permission rule is levels-policy.ts's canChangeTrustOf). The level
// and its audit row are written in one D1 batch, and only when the level actually changes.
import { credentialsChanged } from "../credentials";
import { trustLevelName, type TrustLevelName } from "../../auth/levels";
import { adminProfile } from "../../db/admin-users";
import { changeTrustLevel } from "../../db/audit-logs";
import type { AdminLevel } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { isBlank } from "../../lib/text";
import { displayName } from "../users/profile";
import { canChangeTrustOf, isTrustLevel } from "./levels-policy";
import { findAdminTarget } from "./users";

export const NO_PERMS = "no perms lmaooo";

export interface Actor {
  id: number;
  adminLevel: AdminLevel | string;
}

/** Hackatime `can_change_trust_of?` (admin+, not oneself, strictly outranking the target, red only by superadmin+). */
export { canChangeTrustOf };

export interface ConvictRequest {
  /** The target's id (routes/admin/params.ts targetUserId). */
  userId: number;
  /** The requested level as sent: anything but a trust level name is refused. */
  trustLevel: unknown;
  reason: string | null;
  notes: string | null;
}

export interface ConvictResult {
  success: true;
  message: string;
  user: { id: number; username: string; trust_level: TrustLevelName; updated_at: string };
  audit_log: { changed_by: string; reason: string; notes: string | null; timestamp: string };
}

/**
 * POST /api/admin/v1/user/convict, after the admin+ gate: 404 for an unknown user, 422 without
 * a reason or with an unknown level, 403 when the actor may not make this change.
 */
export async function convict(env: Env, actor: Actor, request: ConvictRequest): Promise<ConvictResult> {
  const d1 = env.DB;
  const target = await findAdminTarget(d1, request.userId);
  const { reason, notes, trustLevel: level } = request;
  if (isBlank(reason)) throw new AppError("invalid_parameter", "you cant punish a mortal and not justify your actions");
  if (!isTrustLevel(level)) throw new AppError("invalid_parameter", "read the docs you idiot");
  if (!canChangeTrustOf(actor, { id: target.id, adminLevel: target.admin_level }, level)) throw new AppError("forbidden", NO_PERMS);

  const row = await changeTrustLevel(d1, { userId: target.id, changedById: actor.id, level, reason, notes });
  if (!row) throw new AppError("not_found", "user not found");
  await credentialsChanged(env, target.id); // red: restricted from the next request on

  const actorProfile = await adminProfile(d1, actor.id);
  return {
    success: true,
    message: `gotcha, updated to ${level}`,
    user: { id: row.id, username: displayName(target), trust_level: trustLevelName(row.trust_level), updated_at: row.updated_at },
    audit_log: {
      changed_by: actorProfile ? displayName(actorProfile) : String(actor.id),
      reason,
      notes,
      timestamp: new Date().toISOString(),
    },
  };
}
