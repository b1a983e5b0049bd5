// Admin levels rank default < viewer < admin < superadmin < ultraadmin; never compare by
// position in the DB enum, only through these functions.
import { TRUST_LEVELS, type AdminLevel, type TrustLevelName } from "../db/schema";

const RANK: Record<AdminLevel, number> = { default: 0, viewer: 1, admin: 2, superadmin: 3, ultraadmin: 4 };

type Level = AdminLevel | string | null | undefined;

export const adminRank = (level: Level) => RANK[(level ?? "default") as AdminLevel] ?? 0;
export const atLeast = (level: Level, required: AdminLevel) => adminRank(level) >= RANK[required];
/** `level` ranks strictly above `other`. */
export const outranks = (level: Level, other: Level) => adminRank(level) > adminRank(other);

// Trust levels (users.trust_level).
export { TRUST_LEVELS, type TrustLevelName };
export const trustLevelName = (value: number): TrustLevelName =>
  (Object.entries(TRUST_LEVELS).find(([, v]) => v === value)?.[0] as TrustLevelName) ?? "blue";
/** Public output never shows "suspected" (yellow): it is masked as blue. */
export const maskedTrustLevel = (value: number): { trust_level: TrustLevelName; trust_value: number } =>
  value === TRUST_LEVELS.yellow ? { trust_level: "blue", trust_value: 0 } : { trust_level: trustLevelName(value), trust_value: value };
