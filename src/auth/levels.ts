// Admin levels rank default < viewer < admin < superadmin < ultraadmin; never compare by
// position in the DB enum, only by this rank.
import type { AdminLevel } from "../db/schema";

const RANK: Record<AdminLevel, number> = { default: 0, viewer: 1, admin: 2, superadmin: 3, ultraadmin: 4 };

export const adminRank = (level: AdminLevel | string | null | undefined) => RANK[(level ?? "default") as AdminLevel] ?? 0;
export const atLeast = (level: AdminLevel | string | null | undefined, required: AdminLevel) => adminRank(level) >= RANK[required];

// Trust levels (users.trust_level).
export const TRUST_LEVELS = { blue: 0, red: 1, green: 2, yellow: 3 } as const;
export type TrustLevelName = keyof typeof TRUST_LEVELS;
export const trustLevelName = (value: number): TrustLevelName =>
  (Object.entries(TRUST_LEVELS).find(([, v]) => v === value)?.[0] as TrustLevelName) ?? "blue";
/** Public output never shows "suspected" (yellow): it is masked as blue. */
export const maskedTrustLevel = (value: number): { trust_level: TrustLevelName; trust_value: number } =>
  value === TRUST_LEVELS.yellow ? { trust_level: "blue", trust_value: 0 } : { trust_level: trustLevelName(value), trust_value: value };
