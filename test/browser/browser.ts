// Pages for the browser tests (Node side): a Chromium context that may only talk to the local
// server, and screenshots. Launching Chromium itself is ./chromium.ts (also used by the bench).
import path from "node:path";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { inject } from "vitest";

export { chromiumPath, launchChromium } from "./chromium";

export interface LocalPage {
  context: BrowserContext;
  page: Page;
  /** Requests to any host but the local server; each was aborted before leaving. */
  blocked: string[];
  /** Console errors and uncaught exceptions of the page (CSP violations are logged as errors). */
  errors: string[];
  open(pathname: string): Promise<Response>;
}

/**
 * A new page that may only talk to `base` (scheme, host and port) and `alsoAllowed` origins:
 * every other request is aborted and recorded, so a test can assert that nothing tried to leave.
 */
export async function openLocalPage(browser: Browser, base: string, alsoAllowed: string[] = []): Promise<LocalPage> {
  const origin = new URL(base).origin;
  const allowed = new Set([origin, ...alsoAllowed.map((a) => new URL(a).origin)]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed.has(new URL(url).origin)) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return {
    context,
    page,
    blocked,
    errors,
    async open(pathname) {
      const res = await page.goto(new URL(pathname, origin).href, { waitUntil: "load" });
      if (!res) throw new Error(`no response for ${pathname}`);
      return res;
    },
  };
}

/** Writes a full-page screenshot into this run's folder (the global setup makes and prints it). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(inject("screensDir"), `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
