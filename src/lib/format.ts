// Human-readable durations, in the styles Hackatime and WakaTime clients show.

function split(totalSeconds: number) {
  const s = Math.max(0, Math.round(totalSeconds));
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Hackatime short_time_simple: "1h 5m", "1h", "5m", and "0m" under a minute. */
export function shortTimeSimple(totalSeconds: number): string {
  const { hours, minutes } = split(totalSeconds);
  const parts = [];
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  return parts.length ? parts.join(" ") : "0m";
}

/** Hackatime short_time_detailed: "1h 2m 3s", "0s" for zero. */
export function shortTimeDetailed(totalSeconds: number): string {
  const { hours, minutes, seconds } = split(totalSeconds);
  const parts = [];
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  if (seconds) parts.push(`${seconds}s`);
  return parts.length ? parts.join(" ") : "0s";
}

/** Zero-padded HH:MM:SS. */
export function digitalHms(totalSeconds: number): string {
  const { hours, minutes, seconds } = split(totalSeconds);
  return `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
}

/** WakaTime's status-bar digital clock: "1:05". */
export function digitalHm(totalSeconds: number): string {
  const { hours, minutes } = split(totalSeconds);
  return `${hours}:${pad2(minutes)}`;
}

/**
 * WakaTime's breakdown `decimal`: whole hours and minutes (seconds dropped) with two decimals,
 * as a string: "1.08". Not decimalHours: 90 s is "0.02" here, "0.03" there.
 */
function hoursAndMinutesDecimal(totalSeconds: number): string {
  const { hours, minutes } = split(totalSeconds);
  return (hours + minutes / 60).toFixed(2);
}

/**
 * Hackatime's summary hours, Ruby's format("%.2f", s / 3600.0). toFixed rounds the double's
 * exact value like printf does, except on exact binary ties (s = 450·odd, i.e. x.125 / x.375 /
 * …), where Ruby rounds to even.
 */
export function decimalHours(seconds: number): string {
  if (seconds % 900 === 450) {
    const hundredths = (seconds * 100) / 3600; // exactly k + 0.5
    const down = Math.floor(hundredths);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return (seconds / 3600).toFixed(2);
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** WakaTime text: "2 hrs 17 mins", "5 mins", "7 secs". */
export function wakatimeText(totalSeconds: number): string {
  const { hours, minutes, seconds } = split(totalSeconds);
  if (hours) return `${plural(hours, "hr")} ${plural(minutes, "min")}`;
  if (minutes) return plural(minutes, "min");
  return plural(seconds, "sec");
}

/** The numeric fields every WakaTime-style breakdown item carries. */
export function durationFields(totalSeconds: number) {
  const { hours, minutes, seconds } = split(totalSeconds);
  return {
    total_seconds: totalSeconds,
    hours,
    minutes,
    seconds,
    digital: digitalHm(totalSeconds),
    decimal: hoursAndMinutesDecimal(totalSeconds),
    text: wakatimeText(totalSeconds),
  };
}

/** Percent of a whole, rounded to two decimals; 0 when the whole is 0. */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;
}
