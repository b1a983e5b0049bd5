// /api-docs in a real browser: Swagger UI renders the whole API from the Worker alone, under
// the page's Content-Security-Policy, with no request to any other host.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { packageAsset } from "../../src/web/assets";
import { launchChromium, openLocalPage, screenshot } from "./browser";

describe("/api-docs in Chromium", () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the operations, served by the Worker alone under a strict CSP", async () => {
    const tab = await openLocalPage(browser!, inject("baseUrl"));
    const statuses = new Map<string, number>();
    tab.page.on("response", (r) => statuses.set(new URL(r.url()).pathname, r.status()));

    const res = await tab.open("/api-docs");
    expect(res.status()).toBe(200);
    const csp = res.headers()["content-security-policy"] ?? "";
    for (const directive of ["script-src 'self'", "frame-ancestors 'none'", "img-src 'self' data:"]) expect(csp).toContain(directive);
    expect(csp).toMatch(/(^|;\s*)default-src '(self|none)'/);
    expect(csp).not.toContain("unsafe-");

    await tab.page.getByText("Get status bar today", { exact: true }).waitFor({ state: "visible", timeout: 20_000 });
    await tab.page.getByText("Push heartbeats in bulk (wakatime-cli)", { exact: true }).waitFor({ state: "visible" });
    expect(await tab.page.locator(".opblock").count()).toBeGreaterThanOrEqual(60);

    const loaded = [packageAsset("swagger-ui-dist", "swagger-ui-bundle.js"), packageAsset("swagger-ui-dist", "swagger-ui.css"), "/api-docs/swagger-initializer.js"];
    for (const p of loaded) expect(statuses.get(p), p).toBe(200);

    await screenshot(tab.page, "api-docs");
    expect(tab.blocked, "requests to other hosts").toEqual([]);
    expect(tab.errors, "console errors (CSP violations included) and page errors").toEqual([]);
    await tab.context.close();
  });
});
