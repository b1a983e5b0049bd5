// The named ranges of the WakaTime API, as local days in the user's time zone (or the zone a
// request names): stats/{range} (last_7_days … all_time, YYYY, YYYY-MM) and summaries?range=
// (Today … Last Month). A range is an inclusive run of day numbers (lib/time: days since
// 1970-01-01), turned into [start, end) instants at the zone's local midnights, so DST days and
// zones far from UTC (Pacific/Auckland, America/Los_Angeles) get their own days.
//
// Conventions (docs/wakatime-api.md):
//   * "last N days" and "last 6 months / year" end today and start N days / months earlier, as
//     Hackatime's last_7_days does (today − 7 … today);
//   * weeks start on Monday (ISO; Tally keeps no per-user week start);
//   * ranges that name a period still running (This Week, This Month, the current year or month)
//     end today: no future days dilute the daily average.
import { AppError } from "../../lib/errors";
import { calendarOf, dayNumber, daysInMonth, localDayNumber, monthsBefore, startOfLocalDayNumber } from "../../lib/time";

export interface DayRange {
  /** First and last local day, inclusive (day numbers). */
  firstDay: number;
  lastDay: number;
}

export interface NamedRange extends DayRange {
  /** The range as the request named it ("last_30_days", "2026-03", "Last Week"). */
  name: string;
  /** WakaTime's human-readable range ("Last 30 Days", "March 2026"). */
  text: string;
}

/** [start, end) of an inclusive run of local days, epoch seconds. */
export function rangeBounds(r: DayRange, tz: string): { start: number; end: number } {
  return { start: startOfLocalDayNumber(r.firstDay, tz), end: startOfLocalDayNumber(r.lastDay + 1, tz) };
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export const STATS_RANGES = ["last_7_days", "last_30_days", "last_6_months", "last_year", "all_time"] as const;
const STATS_RANGE_TEXT: Record<(typeof STATS_RANGES)[number], string> = {
  last_7_days: "Last 7 Days",
  last_30_days: "Last 30 Days",
  last_6_months: "Last 6 Months",
  last_year: "Last Year",
  all_time: "All Time",
};

/**
 * A stats range in the zone: one of STATS_RANGES, a year (YYYY) or a month (YYYY-MM). all_time
 * starts on the day of the first heartbeat (`firstDay`, today when there is none). Anything else
 * is a 404, as WakaTime answers an unknown range.
 */
export function statsRange(range: string, tz: string, now: number, firstDay: number | null): NamedRange {
  const today = localDayNumber(now, tz);
  const named = (firstDay: number, lastDay: number, text: string) => ({ name: range, text, firstDay, lastDay });
  switch (range) {
    case "last_7_days":
      return named(today - 7, today, STATS_RANGE_TEXT[range]);
    case "last_30_days":
      return named(today - 30, today, STATS_RANGE_TEXT[range]);
    case "last_6_months":
      return named(monthsBefore(today, 6), today, STATS_RANGE_TEXT[range]);
    case "last_year":
      return named(monthsBefore(today, 12), today, STATS_RANGE_TEXT[range]);
    case "all_time":
      return named(Math.min(firstDay ?? today, today), today, STATS_RANGE_TEXT[range]);
  }
  const year = /^(\d{4})$/.exec(range);
  if (year) {
    const y = Number(year[1]);
    return named(dayNumber(y, 1, 1), dayNumber(y, 12, 31), year[1]);
  }
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(range);
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    const first = dayNumber(y, m, 1);
    return named(first, first + daysInMonth(y, m) - 1, `${MONTHS[m - 1]} ${month[1]}`);
  }
  throw new AppError("not_found", `Unknown range: use ${STATS_RANGES.join(", ")}, YYYY or YYYY-MM`);
}

export const SUMMARY_RANGES = [
  "Today",
  "Yesterday",
  "Last 7 Days",
  "Last 7 Days from Yesterday",
  "Last 14 Days",
  "Last 30 Days",
  "This Week",
  "Last Week",
  "This Month",
  "Last Month",
] as const;

/** The Monday on or before day n. */
export const mondayOf = (n: number) => n - ((calendarOf(n).weekday + 6) % 7);

/**
 * summaries?range=: WakaTime's names, case-insensitive, "_" or "-" for spaces
 * ("last_7_days" reads as "Last 7 Days"). null when it is none of them.
 */
export function summaryRange(range: string, tz: string, now: number): NamedRange | null {
  const key = range.trim().toLowerCase().replace(/[_-]+/g, " ").replace(/\s+/g, " ");
  const text = SUMMARY_RANGES.find((r) => r.toLowerCase() === key);
  if (!text) return null;
  const today = localDayNumber(now, tz);
  const { year, month } = calendarOf(today);
  const days = (firstDay: number, lastDay: number): NamedRange => ({ name: text, text, firstDay, lastDay });
  switch (text) {
    case "Today":
      return days(today, today);
    case "Yesterday":
      return days(today - 1, today - 1);
    case "Last 7 Days":
      return days(today - 6, today);
    case "Last 7 Days from Yesterday":
      return days(today - 7, today - 1);
    case "Last 14 Days":
      return days(today - 13, today);
    case "Last 30 Days":
      return days(today - 29, today);
    case "This Week":
      return days(mondayOf(today), today);
    case "Last Week":
      return days(mondayOf(today) - 7, mondayOf(today) - 1);
    case "This Month":
      return days(dayNumber(year, month, 1), today);
    case "Last Month":
      return days(dayNumber(year, month - 1, 1), dayNumber(year, month, 1) - 1);
  }
}

/** "Thu Oct 13th 2022": WakaTime's start_text. */
export function ordinalDate(n: number): string {
  const { year, month, day, weekday } = calendarOf(n);
  const suffix = day % 10 === 1 && day !== 11 ? "st" : day % 10 === 2 && day !== 12 ? "nd" : day % 10 === 3 && day !== 13 ? "rd" : "th";
  const dayName = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][weekday];
  return `${dayName} ${MONTHS[month - 1].slice(0, 3)} ${day}${suffix} ${year}`;
}
