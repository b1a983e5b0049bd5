// The range picker and view URLs shared by the dashboard and the project pages: the range and
// filters live in the query string, so every view is a link.
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import { DASHBOARD_FILTERS, DASHBOARD_RANGES, type DashboardQuery, type DashboardRange, type FilterKey } from "../domain/dashboard";
import type { AppEnv } from "../env";

export const VIEW_PARAMS = ["range", "from", "to", ...DASHBOARD_FILTERS.map((f) => f.key)] as const;
export type ViewChanges = Partial<Record<(typeof VIEW_PARAMS)[number], string | undefined>>;

/** `base` with the view's parameters, some changed (undefined removes one). */
export function viewUrl(base: string, q: DashboardQuery, changes: ViewChanges): string {
  const next = new URLSearchParams();
  for (const k of VIEW_PARAMS) {
    const v = k in changes ? changes[k] : q[k];
    if (v) next.set(k, v);
  }
  const s = next.toString();
  return s ? `${base}?${s}` : base;
}

/** The view parameters of the request. */
export function viewQuery(c: Context<AppEnv>): DashboardQuery {
  const q: DashboardQuery = {};
  for (const k of VIEW_PARAMS) {
    const v = c.req.query(k);
    if (v !== undefined) q[k] = v;
  }
  return q;
}

/** Links for the named ranges and a form for custom dates; `keep`: filters carried along. */
export const RangePicker: FC<{ range: DashboardRange; q: DashboardQuery; base: string; keep?: Partial<Record<FilterKey, string>> }> = ({ range, q, base, keep = {} }) => (
  <section aria-labelledby="range-h">
    <h2 id="range-h" class="visually-hidden">
      Range
    </h2>
    <nav aria-label="Range">
      <ul class="ranges">
        {DASHBOARD_RANGES.map((r) => (
          <li>
            <a href={viewUrl(base, q, { range: r.key, from: undefined, to: undefined })} aria-current={range.key === r.key ? "true" : undefined}>
              {r.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
    <form method="get" action={base} class="form-row" aria-label="Custom dates">
      <input type="hidden" name="range" value="custom" />
      {DASHBOARD_FILTERS.filter((f) => keep[f.key]).map((f) => (
        <input type="hidden" name={f.key} value={keep[f.key]} />
      ))}
      <label>
        From
        <input type="date" name="from" value={range.key === "custom" ? range.fromDate : (q.from ?? "")} required />
      </label>
      <label>
        To
        <input type="date" name="to" value={range.key === "custom" ? range.toDate : (q.to ?? "")} required />
      </label>
      <button type="submit" class="secondary">
        Show dates
      </button>
    </form>
  </section>
);
