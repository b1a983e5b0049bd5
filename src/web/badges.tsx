// Badges: /@user/badge.svg and /@user/badge.json (a shields.io endpoint), per user and per
// project (/@user/projects/:project/badge.…). Only public numbers (private users and archived
// projects are 404), so shared caches may keep them: public, 10 minutes.
import type { Context } from "hono";
import { badgeValue, type BadgeValue } from "../domain/public-profile";
import type { AppEnv } from "../env";
import { wakatimeText } from "../lib/format";

const CACHE = "public, max-age=600";

/** Rough Verdana 11px advance, as shields.io's flat badges are laid out. */
const textWidth = (s: string) => Math.round(Array.from(s).reduce((w, ch) => w + (/[A-Z0-9MW@#%]/.test(ch) ? 7.5 : /[il.,:;| ]/.test(ch) ? 3.5 : 6.3), 0)) + 10;

export function badgeSvg(b: BadgeValue): string {
  const label = b.label.length > 40 ? `${Array.from(b.label).slice(0, 39).join("")}…` : b.label;
  const message = wakatimeText(b.seconds);
  const lw = textWidth(label);
  const mw = textWidth(message);
  const w = lw + mw;
  const svg = (
    <svg xmlns="http://www.w3.org/2000/svg" width={w} height="20" role="img" aria-label={`${label}: ${message}`}>
      <title>{`${label}: ${message}`}</title>
      <linearGradient id="s" x2="0" y2="100%">
        <stop offset="0" stop-color="#bbb" stop-opacity=".1" />
        <stop offset="1" stop-opacity=".1" />
      </linearGradient>
      <clipPath id="r">
        <rect width={w} height="20" rx="3" fill="#fff" />
      </clipPath>
      <g clip-path="url(#r)">
        <rect width={lw} height="20" fill="#555" />
        <rect x={lw} width={mw} height="20" fill="#3451d1" />
        <rect width={w} height="20" fill="url(#s)" />
      </g>
      <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
        <text x={lw / 2} y="14">
          {label}
        </text>
        <text x={lw + mw / 2} y="14">
          {message}
        </text>
      </g>
    </svg>
  );
  return svg.toString() as string;
}

/** The shields.io endpoint schema (https://shields.io/badges/endpoint-badge). */
export const shieldsJson = (b: BadgeValue) => ({ schemaVersion: 1, label: b.label, message: wakatimeText(b.seconds), color: "3451d1", cacheSeconds: 600 });

const who = (c: Context<AppEnv>) => (c.req.param("handle") ?? "").slice(1);

export function badge(kind: "svg" | "json", perProject: boolean) {
  return async (c: Context<AppEnv>) => {
    const value = await badgeValue(c.env, who(c), perProject ? (c.req.param("project") ?? "") : null);
    c.header("Cache-Control", CACHE);
    c.header("Access-Control-Allow-Origin", "*");
    if (kind === "json") return c.json(shieldsJson(value));
    c.header("Content-Type", "image/svg+xml; charset=utf-8");
    return c.body(badgeSvg(value));
  };
}
