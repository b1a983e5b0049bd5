// How the admin API summarises a user it mentions: {id, username, display_name[, admin_level]}.
import type { UserSummaryRow } from "../../db/admin-users";
import { displayName } from "../users/profile";

/** {id, username, display_name} */
export function userSummary(u: UserSummaryRow) {
  return { id: u.id, username: u.username ?? "", display_name: displayName(u) };
}

/** {id, username, display_name, admin_level} */
export function adminSummary(u: UserSummaryRow) {
  return { ...userSummary(u), admin_level: u.admin_level };
}
