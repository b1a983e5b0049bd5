// Small pieces every page uses: a titled card, a number tile, a table head, a timestamp.
import type { Child, FC } from "hono/jsx";

/** A section with its heading as its accessible name (`id` names both). */
export const Card: FC<{ id: string; title: Child; level?: 1 | 2; class?: string; anchor?: string; children?: Child }> = ({ id, title, level = 2, class: extra, anchor, children }) => (
  <section class={extra ? `card ${extra}` : "card"} aria-labelledby={`${id}-h`} id={anchor}>
    {level === 1 ? <h1 id={`${id}-h`}>{title}</h1> : <h2 id={`${id}-h`}>{title}</h2>}
    {children}
  </section>
);

/** A labelled number. `testid`/`seconds` let tests read the exact value behind the text. */
export const Tile: FC<{ label: string; children?: Child; testid?: string; seconds?: number; tile?: string; small?: boolean }> = ({ label, children, testid, seconds, tile, small }) => (
  <div class="tile" data-tile={tile}>
    <span class="label">{label}</span>
    <span class={small ? "value small" : "value"} data-testid={testid} data-seconds={seconds === undefined ? undefined : String(seconds)}>
      {children}
    </span>
  </div>
);

export type Column = string | { label: string; num?: boolean; hidden?: boolean };

/** A table head: column headers (`num`: right-aligned numbers; `hidden`: for screen readers only). */
export const Head: FC<{ cols: Column[] }> = ({ cols }) => (
  <thead>
    <tr>
      {cols.map((c) => {
        const col = typeof c === "string" ? { label: c } : c;
        return (
          <th scope="col" class={col.num ? "num" : undefined}>
            {col.hidden ? <span class="visually-hidden">{col.label}</span> : col.label}
          </th>
        );
      })}
    </tr>
  </thead>
);

/** A stored ISO timestamp as "2026-08-22 10:00:00 UTC" (— when absent). */
export const when = (iso: string | null | undefined) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC") : "—");
