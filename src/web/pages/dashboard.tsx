// GET /dashboard: today / this week / streak / daily goal; the range picker and filters (all in the
// URL, so a view can be bookmarked and shared); the range's daily chart, breakdowns and
// totals; a one-year calendar; a picked day's timeline. Every number comes from
// domain/dashboard.ts, which calls what the API answers with.
import { subjectOf } from "../../domain/durations/query";
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import { BREAKDOWN_FEATURES, dashboard, DASHBOARD_FILTERS, type Dashboard, type DashboardQuery, type FilterKey } from "../../domain/dashboard";
import { isRestricted } from "../../auth/user";
import type { AppEnv } from "../../env";
import { Breakdown, DailyBars, Heatmap, hm, projectColors, Timeline } from "../charts";
import { page } from "../layout";
import { RangePicker, viewQuery, viewUrl, type ViewChanges } from "../ranges";
import { sessionOf } from "../session";
import { Card, Tile } from "../ui";

/** The dashboard URL of the current view with some parameters changed (undefined removes one). */
export const dashUrl = (q: DashboardQuery, changes: ViewChanges) => viewUrl("/dashboard", q, changes);

const FEATURE_TITLES: Record<(typeof BREAKDOWN_FEATURES)[number], string> = {
  projects: "Projects",
  languages: "Languages",
  editors: "Editors",
  operating_systems: "Operating systems",
  machines: "Machines",
  categories: "Categories",
};

/** The daily goal the status bar shows, with the same progress (statusbar/today's data.goal). */
export const GoalTile: FC<{ goal: Dashboard["goal"] }> = ({ goal }) =>
  goal === null ? (
    <Tile label="Daily goal" tile="goal" small>
      none · <a href="/settings#goals">set one</a>
    </Tile>
  ) : (
    <div class="tile" data-tile="goal" data-target-seconds={String(goal.target_seconds)}>
      <span class="label">{goal.title}</span>
      <span class="value" data-testid="goal" data-seconds={String(goal.tracked_seconds)}>
        {hm(goal.tracked_seconds)} <span class="small muted">of {hm(goal.target_seconds)}</span>
      </span>
      <progress max={100} value={goal.completion_percent} aria-label="Daily goal progress">
        {goal.completion_percent}%
      </progress>{" "}
      <span class="small" data-testid="goal-percent">
        {goal.completion_percent}%{goal.complete ? " · done" : ""}
      </span>
    </div>
  );

const Filters: FC<{ d: Dashboard; q: DashboardQuery }> = ({ d, q }) => (
  <form method="get" action="/dashboard" aria-label="Filters">
    <fieldset>
      <legend>Filters</legend>
      {d.range.key === "custom" ? (
        <>
          <input type="hidden" name="range" value="custom" />
          <input type="hidden" name="from" value={d.range.fromDate} />
          <input type="hidden" name="to" value={d.range.toDate} />
        </>
      ) : (
        <input type="hidden" name="range" value={d.range.key} />
      )}
      <div class="form-row">
        {DASHBOARD_FILTERS.map((f) => {
          const current = d.filters[f.key];
          const names = d.stats[f.feature].map((i) => i.name).filter((n) => n !== "Other");
          if (current && !names.includes(current)) names.unshift(current);
          return (
            <label>
              {f.label}
              <select name={f.key}>
                <option value="">All</option>
                {names.map((n) => (
                  <option value={n} selected={n === current}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
        <button type="submit">Apply</button>
        {Object.keys(d.filters).length ? <a href={dashUrl(q, Object.fromEntries(DASHBOARD_FILTERS.map((f) => [f.key, undefined])))}>Clear filters</a> : null}
      </div>
    </fieldset>
  </form>
);

export async function dashboardPage(c: Context<AppEnv>) {
  const session = sessionOf(c);
  const q: DashboardQuery = {};
  Object.assign(q, viewQuery(c));
  if (isRestricted(session.user)) {
    return page(
      c,
      { title: "Dashboard", nav: "dashboard" },
      <Card id="restricted" title="Dashboard" level={1}>
        <p role="alert">
          Your account is restricted (a deletion is pending, or it was suspended), so its stats are not shown, as the API does not show them either. See <a href="/settings#deletion">settings</a>.
        </p>
      </Card>,
    );
  }
  const user = session.user;
  const subject = subjectOf(user);
  const d = await dashboard(c.env, user, subject, q);
  const s = d.stats;
  const apiPath = `/api/v1/users/${encodeURIComponent(user.username)}/stats?${new URLSearchParams(d.apiQuery as Record<string, string>)}`;
  const filterLink = (key: FilterKey) => (name: string) => (name === "Other" ? null : dashUrl(q, { [key]: name }));
  const dayLink = (date: string) => dashUrl(q, { range: "custom", from: date, to: date });
  const activeFilters = DASHBOARD_FILTERS.filter((f) => d.filters[f.key]);
  const top = (items: Array<{ name: string }>) => items[0]?.name ?? "—";
  return page(
    c,
    { title: "Dashboard", nav: "dashboard" },
    <>
      <h1>Dashboard</h1>
      <section class="tiles" aria-label="At a glance">
        <Tile label="Today" tile="today" testid="today" seconds={d.todaySeconds}>{hm(d.todaySeconds)}</Tile>
        <Tile label="This week" tile="week" testid="week" seconds={d.weekSeconds}>{hm(d.weekSeconds)}</Tile>
        <Tile label="Streak" tile="streak">{s.streak} {s.streak === 1 ? "day" : "days"}</Tile>
        <GoalTile goal={d.goal} />
      </section>

      <RangePicker range={d.range} q={q} base="/dashboard" keep={d.filters} />
      <Filters d={d} q={q} />

      <Card id="summary" title={<>{d.range.label} {activeFilters.length ? <span class="muted small"> · {activeFilters.map((f) => `${f.label.toLowerCase()}: ${d.filters[f.key]}`).join(", ")}</span> : null}</>}>
        <div class="tiles">
          <Tile label="Total" testid="total" seconds={s.total_seconds}>{hm(s.total_seconds)}</Tile>
          <Tile label="Daily average">{hm(s.daily_average)}</Tile>
          <Tile label="Top language" testid="top-language">{top(s.languages)}</Tile>
          <Tile label="Top project" testid="top-project">{top(s.projects)}</Tile>
        </div>
        <DailyBars days={s.days} fromDate={firstDay(d)} toDate={d.range.toDate} linkFor={dayLink} caption={`Coding time per day, ${d.range.label}, stacked by project`} />
      </Card>

      {d.spans && d.range.singleDay ? (
        <Card id="timeline" title={<>Timeline of {d.range.singleDay.date}</>}>
          {activeFilters.some((f) => f.key !== "project") ? <p class="small muted">The timeline follows the project filter only.</p> : null}
          <Timeline spans={d.spans} dayStart={d.range.singleDay.start} dayEnd={d.range.singleDay.end} timezone={session.user.timezone} colors={projectColors(s.days)} />
        </Card>
      ) : null}

      <div class="grid">
        {BREAKDOWN_FEATURES.map((feature) => {
          const filter = DASHBOARD_FILTERS.find((f) => f.feature === feature)!;
          return (
            <Card id={`b-${feature}`} title={FEATURE_TITLES[feature]}>
              <Breakdown items={s[feature]} label={FEATURE_TITLES[feature]} linkFor={filterLink(filter.key)} />
            </Card>
          );
        })}
      </div>

      <Card id="year" title="The last year">
        <Heatmap days={d.year.days} fromDate={d.year.fromDate} toDate={d.year.toDate} linkFor={dayLink} />
      </Card>

      <p class="small muted">
        Times are in your time zone, {session.user.timezone}. The same numbers from the API: <code class="mono">GET {apiPath}</code> (with your key as Bearer).
      </p>
    </>,
  );
}

/** All time starts at the first day with data (the API's window is 10 years). */
function firstDay(d: Dashboard): string {
  if (d.range.key !== "all_time") return d.range.fromDate;
  return d.stats.days[0]?.date ?? d.range.toDate;
}
