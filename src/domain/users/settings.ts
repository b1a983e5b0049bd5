// A user's own settings from the web app: time zone and public stats.
import { setPublicStatsLookup, setTimezone } from "../../db/users";
import { AppError } from "../../lib/errors";
import { isKnownTimeZone } from "../../lib/time";
import { rebuildMessage } from "../../queues/rebuild-aggregates";
import { credentialsChanged } from "../credentials";

/**
 * What changing the zone does, shown next to the setting: local days are cut at the new
 * midnight, so the projection (every per-day number) is rebuilt from the heartbeats.
 */
export const TIMEZONE_CONSEQUENCES = [
  "Your days start at midnight in the new zone: today, this week, streaks, daily charts, the calendar and per-day summaries are recounted for the new days.",
  "Range totals over whole days move with the days; heartbeats themselves do not change.",
  "Your stats are rebuilt from your heartbeats in the background; on a long history the first page after the change can take a few seconds.",
  "Leaderboards count in UTC and do not change.",
];

/** Sets the zone (an IANA name, as TZInfo accepts it) and queues the projection's rebuild. */
export async function changeTimezone(env: Env, userId: number, timezone: string): Promise<void> {
  const tz = timezone.trim();
  if (!isKnownTimeZone(tz)) throw new AppError("invalid_parameter", `Unknown time zone: ${tz}`);
  await setTimezone(env.DB, userId, tz);
  await credentialsChanged(env, userId);
  // The projection would also rebuild on the next read in the new zone; queueing it now means
  // that read does not wait for it.
  await env.IMPORTS.send(rebuildMessage(userId));
}

export async function setPublicStats(env: Env, userId: number, allow: boolean): Promise<void> {
  await setPublicStatsLookup(env.DB, userId, allow);
  await credentialsChanged(env, userId);
}
