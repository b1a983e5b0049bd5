// GET /api/v1/stats (hackatime-behavior.md §6.7): total coding seconds of everyone, or of one
// user picked by identifier and/or e-mail, over whole UTC dates.
import { userById, userIdByEmail } from "../../db/users";
import { parseStrictDate, utcDayStart, yearsAgoRollingOver } from "../../lib/dates";
import { AppError } from "../../lib/errors";
import { DAY_SECONDS, nowSeconds, safeTimeZone } from "../../lib/time";
import { durations } from "../durations/query";
import { referenceAllUsersTotal } from "../durations/reference";
import { findUserByIdentifier } from "../users/lookup";

export interface AggregateQuery {
  start_date?: string;
  end_date?: string;
  username?: string;
  user_email?: string;
}

/** A strict YYYY-MM-DD (422 "Invalid <name>" otherwise), or the fallback when absent or empty. */
function dateParam(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const t = parseStrictDate(value);
  if (t === null) throw new AppError("invalid_parameter", `Invalid ${name}`);
  return t;
}

/** Whole seconds from start_date (default 10 years ago) through the end of end_date (default today). */
export async function aggregateTotal(env: Env, query: AggregateQuery, now = nowSeconds()): Promise<number> {
  const start = dateParam(query.start_date, "start_date", utcDayStart(yearsAgoRollingOver(10, now)));
  // Date ranges include the end date's whole day.
  const end = dateParam(query.end_date, "end_date", utcDayStart(now)) + DAY_SECONDS;

  let userId: number | null = null;
  if (query.username) {
    const u = await findUserByIdentifier(env.DB, query.username);
    if (!u) throw new AppError("not_found", "User not found");
    userId = u.id;
  }
  if (query.user_email) {
    const byEmail = await userIdByEmail(env.DB, query.user_email);
    if (byEmail === null) throw new AppError("not_found", "User not found");
    if (userId !== null && userId !== byEmail) return 0; // two different users: nobody's time
    userId = byEmail;
  }
  if (userId === null) return referenceAllUsersTotal(env.DB, { start, end });
  const u = await userById(env.DB, userId);
  if (!u) return 0; // the user went between the lookup and now
  return (await durations(env, { id: u.id, timezone: safeTimeZone(u.timezone) }, { start, end })).total;
}
