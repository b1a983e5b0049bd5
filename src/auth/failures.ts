// Why a credential was refused. Every 401 says which of these it was, so a person setting up an
// editor can tell a typo from a rotated key. None of them says whether a *username* exists.
import { AppError } from "../lib/errors";

export type AuthFailure = "missing" | "malformed_header" | "malformed_key" | "unknown_key" | "revoked_key";

export const USER_KEY_MESSAGES: Record<AuthFailure, string> = {
  missing: "Unauthorized: no API key. Send it as 'Authorization: Bearer <key>', 'Authorization: Basic <base64 of key>' or ?api_key=<key>",
  malformed_header: "Unauthorized: malformed Authorization header. Expected 'Bearer <key>' or 'Basic <base64 of key>'",
  malformed_key: "Unauthorized: malformed API key. Expected a lowercase UUID like the api_key in ~/.wakatime.cfg",
  unknown_key: "Unauthorized: unknown API key",
  revoked_key: "Unauthorized: this API key was revoked. Use the account's current key",
};

export const ADMIN_KEY_MESSAGES: Record<AuthFailure, string> = {
  missing: "Unauthorized: no admin API key. Send it as 'Authorization: Bearer hka_…'",
  malformed_header: "Unauthorized: malformed Authorization header. Expected 'Bearer hka_…'",
  malformed_key: "Unauthorized: malformed admin API key. Expected 'hka_' followed by 64 hex digits",
  unknown_key: "Unauthorized: unknown admin API key",
  revoked_key: "Unauthorized: this admin API key was revoked",
};

export const STATS_KEY_MESSAGES: Record<AuthFailure, string> = {
  missing: "Unauthorized: no stats API key. Send it as 'Authorization: Bearer <key>'",
  malformed_header: "Unauthorized: malformed Authorization header. Expected 'Bearer <key>'",
  malformed_key: "Unauthorized: unknown stats API key",
  unknown_key: "Unauthorized: unknown stats API key",
  revoked_key: "Unauthorized: this admin API key was revoked",
};

export const userKeyRefused = (why: AuthFailure) => new AppError("unauthorized", USER_KEY_MESSAGES[why]);
export const adminKeyRefused = (why: AuthFailure) => new AppError("unauthorized", ADMIN_KEY_MESSAGES[why]);
export const statsKeyRefused = (why: AuthFailure) => new AppError("unauthorized", STATS_KEY_MESSAGES[why]);

/** A valid key whose account is restricted (pending deletion, or red trust where it matters). */
export const accountRestricted = () => new AppError("unauthorized", "Unauthorized: this account is restricted (pending deletion or suspended)");
