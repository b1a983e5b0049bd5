// Charts, drawn on the server as SVG.
//
// Why SVG from the server and not a chart library in the browser: the numbers are already
// here, so a chart is a few dozen <rect>s — no JavaScript to download, parse or run (the
// dashboard's first load stays a few KB), nothing that needs 'unsafe-inline' or another host,
// it renders the same with scripts off, and a test can read it. Colours come from presentation
// attributes and CSS classes (no inline style, which the CSP forbids). Every chart is paired
// with a table of its numbers (in <details>) and has a text title for screen readers; the
// SVG itself is role="img" with that label.
import type { Child, FC } from "hono/jsx";
import { shortTimeSimple } from "../lib/format";
import { addDays } from "../lib/time";
import { Head, type Column } from "./ui";

/** Colours for the top projects, in rank order; the rest share OTHER_COLOR. */
export const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6"];
export const OTHER_COLOR = "#9aa0ac";

export const hm = (seconds: number) => shortTimeSimple(seconds);

export interface DaySeries {
  date: string;
  total_seconds: number;
  projects: Array<{ name: string; total_seconds: number }>;
}

type Bucket = { key: string; label: string; first: string; last: string; total: number; projects: Map<string, number> };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const weekday = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
const monthLabel = (date: string) => `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;

/**
 * Days, weeks or months: one bar per day up to 92 days, per week (Monday first) up to two
 * years, else per month. A bucket's numbers are the sums of its days' numbers.
 */
export function bucketize(days: DaySeries[], fromDate: string, toDate: string): { unit: "day" | "week" | "month"; buckets: Bucket[] } {
  const span = daysBetween(fromDate, toDate) + 1;
  const unit = span <= 92 ? "day" : span <= 731 ? "week" : "month";
  const keyOf = (date: string) => (unit === "day" ? date : unit === "week" ? addDays(date, -weekday(date)) : `${date.slice(0, 7)}-01`);
  const buckets = new Map<string, Bucket>();
  // Every bucket of the range, empty ones included, so gaps show.
  for (let d = keyOf(fromDate); d <= toDate; d = unit === "day" ? addDays(d, 1) : unit === "week" ? addDays(d, 7) : nextMonth(d)) {
    const last = unit === "day" ? d : unit === "week" ? addDays(d, 6) : addDays(nextMonth(d), -1);
    buckets.set(d, { key: d, label: unit === "month" ? monthLabel(d) : d, first: d < fromDate ? fromDate : d, last: last > toDate ? toDate : last, total: 0, projects: new Map() });
  }
  for (const day of days) {
    const b = buckets.get(keyOf(day.date));
    if (!b) continue;
    b.total += day.total_seconds;
    for (const p of day.projects) b.projects.set(p.name, (b.projects.get(p.name) ?? 0) + p.total_seconds);
  }
  return { unit, buckets: [...buckets.values()] };
}

function nextMonth(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

const NICE_STEPS = [600, 1800, 3600, 2 * 3600, 4 * 3600, 6 * 3600, 8 * 3600, 12 * 3600, 24 * 3600];

/** The chart's top: the first round duration at or above `seconds` (10 min … 1 day, then whole days). */
export function niceCeiling(seconds: number): number {
  return NICE_STEPS.find((s) => s >= seconds) ?? Math.ceil(seconds / 86_400) * 86_400;
}

/** The projects with the most time over the series get the palette, in that order. */
export function projectColors(days: DaySeries[]): Map<string, string> {
  const totals = new Map<string, number>();
  for (const d of days) for (const p of d.projects) totals.set(p.name, (totals.get(p.name) ?? 0) + p.total_seconds);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, PALETTE.length);
  return new Map(ranked.map(([name], i) => [name, PALETTE[i]]));
}

/** A chart's numbers as a table, folded under the chart. */
const DataTable: FC<{ summary: Child; cols: Column[]; children?: Child }> = ({ summary, cols, children }) => (
  <details>
    <summary>{summary}</summary>
    <div class="table-wrap">
      <table>
        <Head cols={cols} />
        <tbody>{children}</tbody>
      </table>
    </div>
  </details>
);

const Swatch: FC<{ color: string }> = ({ color }) => (
  <svg width="10" height="10" aria-hidden="true" focusable="false">
    <rect width="10" height="10" rx="2" fill={color} />
  </svg>
);

/** Stacked bars: time per day (or week, month) in the range, stacked by project. */
export const DailyBars: FC<{ days: DaySeries[]; fromDate: string; toDate: string; linkFor: (date: string) => string; caption: string }> = ({ days, fromDate, toDate, linkFor, caption }) => {
  const { unit, buckets } = bucketize(days, fromDate, toDate);
  const colors = projectColors(days);
  const W = 800;
  const H = 200;
  const top = 12;
  const bottom = 22;
  const left = 44;
  const plotH = H - top - bottom;
  const max = niceCeiling(Math.max(...buckets.map((b) => Math.max(b.total, [...b.projects.values()].reduce((a, v) => a + v, 0)))));
  const slot = (W - left - 4) / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * 0.78);
  const y = (s: number) => (s / max) * plotH;
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 10));
  const grid = [0, 0.5, 1].map((f) => ({ f, seconds: max * f }));
  const id = "daily-bars-title";
  return (
    <figure class="chart bars">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={id}>
        <title id={id}>{caption}</title>
        {grid.map((g) => (
          <>
            <line class="axis" x1={left} x2={W} y1={top + plotH - g.f * plotH} y2={top + plotH - g.f * plotH} />
            <text x={left - 4} y={top + plotH - g.f * plotH + 4} text-anchor="end">
              {hm(g.seconds)}
            </text>
          </>
        ))}
        {buckets.map((b, i) => {
          const x = left + i * slot + (slot - barW) / 2;
          let stacked = 0;
          const parts = [...b.projects].filter(([, s]) => s > 0).sort((a, c) => c[1] - a[1]);
          const tip = `${unit === "day" ? b.label : `${b.first} – ${b.last}`}: ${hm(b.total)}`;
          const bar = (
            <g>
              <title>{tip}</title>
              {parts.map(([name, s]) => {
                const h = y(s);
                stacked += h;
                return <rect x={x} y={top + plotH - stacked} width={barW} height={Math.max(0.5, h)} fill={colors.get(name) ?? OTHER_COLOR} />;
              })}
              {parts.length === 0 && b.total > 0 ? <rect x={x} y={top + plotH - y(b.total)} width={barW} height={y(b.total)} fill={OTHER_COLOR} /> : null}
              {/* a transparent hit area, so short bars are easy to point at and pick */}
              <rect x={left + i * slot} y={top} width={slot} height={plotH} fill="transparent" />
            </g>
          );
          return (
            <>
              {unit === "day" ? (
                <a href={linkFor(b.first)} aria-label={`${tip}. Show this day`}>
                  {bar}
                </a>
              ) : (
                bar
              )}
              {i % labelEvery === 0 ? (
                <text x={x + barW / 2} y={H - 6} text-anchor="middle">
                  {unit === "month" ? b.label : b.label.slice(5)}
                </text>
              ) : null}
            </>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend" aria-label="Projects">
          {[...colors].map(([name, color]) => (
            <li>
              <Swatch color={color} />
              {name}
            </li>
          ))}
          {projectColors(days).size < new Set(days.flatMap((d) => d.projects.map((p) => p.name))).size ? (
            <li>
              <Swatch color={OTHER_COLOR} />
              other projects
            </li>
          ) : null}
        </ul>
        <DataTable summary={<>Table: time per {unit}</>} cols={[unit === "day" ? "Day" : unit === "week" ? "Week from" : "Month", { label: "Time", num: true }, "Projects"]}>
                {buckets
                  .filter((b) => b.total > 0)
                  .map((b) => (
                    <tr>
                      <th scope="row">{unit === "day" ? <a href={linkFor(b.first)}>{b.label}</a> : b.label}</th>
                      <td class="num">{hm(b.total)}</td>
                      <td>
                        {[...b.projects]
                          .filter(([, s]) => s > 0)
                          .sort((a, c) => c[1] - a[1])
                          .map(([name, s]) => `${name} ${hm(s)}`)
                          .join(", ")}
                      </td>
                    </tr>
                  ))}
        </DataTable>
      </figcaption>
    </figure>
  );
};

/** Heat class of a day's time: none, up to 30 min, 1 h, 2 h, 4 h, more. */
export function heatLevel(seconds: number): number {
  if (seconds <= 0) return 0;
  if (seconds <= 1800) return 1;
  if (seconds <= 3600) return 2;
  if (seconds <= 7200) return 3;
  if (seconds <= 14400) return 4;
  return 5;
}
const HEAT_FILLS = ["", "#c6d4f5", "#92aaee", "#5f80e2", "#3451d1", "#1d2f8f"];

/** A year of days as a GitHub-style calendar: weeks as columns, Monday on top. */
export const Heatmap: FC<{ days: Array<{ date: string; total_seconds: number }>; fromDate: string; toDate: string; linkFor: (date: string) => string }> = ({ days, fromDate, toDate, linkFor }) => {
  const byDate = new Map(days.map((d) => [d.date, d.total_seconds]));
  const cell = 12;
  const gap = 2;
  const left = 28;
  const top = 16;
  const start = addDays(fromDate, -weekday(fromDate));
  const weeks = Math.ceil((daysBetween(start, toDate) + 1) / 7);
  const W = left + weeks * (cell + gap);
  const H = top + 7 * (cell + gap);
  const cells: Child[] = [];
  const months: Child[] = [];
  for (let w = 0; w < weeks; w++) {
    for (let d = 0; d < 7; d++) {
      const date = addDays(start, w * 7 + d);
      if (date < fromDate || date > toDate) continue;
      const s = byDate.get(date) ?? 0;
      const level = heatLevel(s);
      const rect = (
        <rect x={left + w * (cell + gap)} y={top + d * (cell + gap)} width={cell} height={cell} rx="2" class={level === 0 ? "h0" : undefined} fill={level === 0 ? undefined : HEAT_FILLS[level]}>
          <title>{`${date}: ${s > 0 ? hm(s) : "no time"}`}</title>
        </rect>
      );
      cells.push(s > 0 ? <a href={linkFor(date)}>{rect}</a> : rect);
      if (date.slice(8) === "01" || (w === 0 && d === 0)) {
        months.push(
          <text x={left + w * (cell + gap)} y={10}>
            {MONTHS[Number(date.slice(5, 7)) - 1]}
          </text>,
        );
      }
    }
  }
  const active = days.filter((d) => d.total_seconds > 0);
  const byMonth = new Map<string, { days: number; seconds: number }>();
  for (const d of active) {
    const m = byMonth.get(d.date.slice(0, 7)) ?? { days: 0, seconds: 0 };
    byMonth.set(d.date.slice(0, 7), { days: m.days + 1, seconds: m.seconds + d.total_seconds });
  }
  return (
    <figure class="chart heat">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="heat-title">
        <title id="heat-title">{`Coding time per day from ${fromDate} to ${toDate}: ${active.length} active days`}</title>
        {months}
        {["Mon", "Wed", "Fri"].map((label, i) => (
          <text x={0} y={top + (i * 2 + 1) * (cell + gap) - 3}>
            {label}
          </text>
        ))}
        {cells}
      </svg>
      <figcaption>
        <p class="small muted">
          {active.length} active days; darker is more time (up to 30 min, 1 h, 2 h, 4 h, more).
        </p>
        <DataTable summary="Table: active days per month" cols={["Month", { label: "Active days", num: true }, { label: "Time (sum of days)", num: true }]}>
              {[...byMonth].map(([m, v]) => (
                <tr>
                  <th scope="row">{monthLabel(`${m}-01`)}</th>
                  <td class="num">{v.days}</td>
                  <td class="num">{hm(v.seconds)}</td>
                </tr>
              ))}
        </DataTable>
      </figcaption>
    </figure>
  );
};

export interface BreakdownItem {
  name: string;
  total_seconds: number;
  percent: number | null;
  color?: string;
}

/** A ranked list: name (a filter link when given), time, share, and a bar. */
export const Breakdown: FC<{ items: BreakdownItem[]; linkFor?: (name: string) => string | null; limit?: number; label: string }> = ({ items, linkFor, limit = 10, label }) => {
  if (items.length === 0) return <p class="muted">No time in this range.</p>;
  const shown = items.slice(0, limit);
  const max = Math.max(...shown.map((i) => i.total_seconds), 1);
  return (
    <>
      <ol class="breakdown" aria-label={label}>
        {shown.map((item, i) => {
          const href = linkFor?.(item.name) ?? null;
          return (
            <li>
              <span class="name">{href ? <a href={href}>{item.name}</a> : item.name}</span>
              <span class="num mono">
                {hm(item.total_seconds)}
                {item.percent !== null ? <span class="muted"> · {item.percent.toFixed(1)}%</span> : null}
              </span>
              <svg viewBox="0 0 100 4" preserveAspectRatio="none" width="100%" height="6" aria-hidden="true" focusable="false" class="bar">
                <rect width="100" height="4" rx="2" class="h0" />
                <rect width={Math.max(0.5, (item.total_seconds / max) * 100)} height="4" rx="2" fill={item.color ?? PALETTE[i % PALETTE.length]} />
              </svg>
            </li>
          );
        })}
      </ol>
      {items.length > limit ? <p class="small muted">and {items.length - limit} more</p> : null}
    </>
  );
};

export interface TimelineSpan {
  start: number;
  end: number;
  duration: number;
  project?: string;
}

/** One day's spans of activity on a 24-hour axis (local time), with a table of the spans. */
export const Timeline: FC<{ spans: TimelineSpan[]; dayStart: number; dayEnd: number; timezone: string; colors: Map<string, string> }> = ({ spans, dayStart, dayEnd, timezone, colors }) => {
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const at = (t: number) => fmt.format(new Date(t * 1000));
  const W = 800;
  const H = 56;
  const left = 4;
  const span = Math.max(1, dayEnd - dayStart);
  const x = (t: number) => left + ((Math.min(Math.max(t, dayStart), dayEnd) - dayStart) / span) * (W - 2 * left);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="timeline-title">
        <title id="timeline-title">{`${spans.length} spans of activity`}</title>
        <rect x={left} y={8} width={W - 2 * left} height={24} rx="3" class="h0" />
        {spans.map((s) => (
          <rect x={x(s.start)} y={8} width={Math.max(1.5, x(s.end) - x(s.start))} height={24} fill={(s.project && colors.get(s.project)) || PALETTE[0]}>
            <title>{`${at(s.start)}–${at(s.end)} ${hm(s.duration)}${s.project ? ` ${s.project}` : ""}`}</title>
          </rect>
        ))}
        {[0, 6, 12, 18, 24].map((h) => (
          <text x={Math.min(W - 14, Math.max(2, left + (h / 24) * (W - 2 * left)))} y={48} text-anchor={h === 0 ? "start" : h === 24 ? "end" : "middle"}>
            {`${String(h).padStart(2, "0")}:00`}
          </text>
        ))}
      </svg>
      <figcaption>
        <DataTable summary={<>Table: {spans.length} spans</>} cols={["From", "To", { label: "Duration", num: true }, "Project"]}>
              {spans.map((s) => (
                <tr>
                  <td>{at(s.start)}</td>
                  <td>{at(s.end)}</td>
                  <td class="num">{hm(s.duration)}</td>
                  <td>{s.project ?? "(several)"}</td>
                </tr>
              ))}
        </DataTable>
      </figcaption>
    </figure>
  );
};
