// Cron expressions as Cloudflare reads them (five fields, UTC): minute hour day-of-month month
// day-of-week, with *, lists, ranges, steps, and month/day names. Day-of-week counts 1-7 from
// Sunday (SUN-SAT), as Cloudflare's does. Quartz extras (L, W, #) are refused by name.
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface Field {
  min: number;
  max: number;
  names?: string[];
  nameBase?: number;
}
const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 1, max: 7, names: DAYS, nameBase: 1 },
];

function value(token: string, f: Field, expr: string): number {
  const named = f.names?.indexOf(token.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + f.nameBase! : /^\d+$/.test(token) ? Number(token) : NaN;
  if (Number.isNaN(n) && /[LW#?]/i.test(token)) {
    throw new Error(`cron "${expr}": "${token}" (L, W, # or ?) is not supported by the local driver; fire it by hand`);
  }
  if (!(n >= f.min && n <= f.max)) throw new Error(`cron "${expr}": "${token}" is not in ${f.min}-${f.max}`);
  return n;
}

function expand(part: string, f: Field, expr: string): Set<number> {
  const out = new Set<number>();
  for (const item of part.split(",")) {
    const [range, stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron "${expr}": bad step in "${item}"`);
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [f.min, f.max];
    else if (range.includes("-")) {
      const [a, b] = range.split("-");
      [lo, hi] = [value(a, f, expr), value(b, f, expr)];
    } else {
      lo = value(range, f, expr);
      hi = stepText === undefined ? lo : f.max;
    }
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  return out;
}

export interface CronSchedule {
  expression: string;
  /** Whether the schedule fires at this UTC minute. */
  matches(at: Date): boolean;
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}": expected 5 fields (minute hour day month weekday)`);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => expand(p, FIELDS[i], expression));
  const dayRestricted = parts[2] !== "*";
  const weekdayRestricted = parts[4] !== "*";
  return {
    expression,
    matches(at) {
      if (!minutes.has(at.getUTCMinutes()) || !hours.has(at.getUTCHours()) || !months.has(at.getUTCMonth() + 1)) return false;
      const dayOk = days.has(at.getUTCDate());
      const weekdayOk = weekdays.has(at.getUTCDay() + 1);
      // Classic cron: when both day fields are restricted, either may match.
      if (dayRestricted && weekdayRestricted) return dayOk || weekdayOk;
      return dayOk && weekdayOk;
    },
  };
}
