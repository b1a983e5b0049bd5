import { describe, expect, it } from "vitest";
import { packageAsset } from "../src/web/assets";
import { request, spec, specOperations, type SpecDoc, type SpecOperation } from "./helpers";

const schemeNames = (op: SpecOperation) => new Set((op.security ?? []).flatMap((req) => Object.keys(req)));

describe("OpenAPI document", () => {
  it("is served at /api-docs/openapi.json with a browsable UI at /api-docs", async () => {
    const res = await request("/api-docs/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as SpecDoc;
    expect(doc.paths).toBeTypeOf("object");
    const ui = await request("/api-docs");
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger");
  });

  it("serves the UI page with its own scripts only, under a CSP without inline script", async () => {
    const ui = await request("/api-docs");
    expect(ui.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = ui.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-");
    const html = await ui.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // and from this host
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual([packageAsset("swagger-ui-dist", "swagger-ui-bundle.js"), "/api-docs/swagger-initializer.js"]);
    expect(html).toContain(`href="${packageAsset("swagger-ui-dist", "swagger-ui.css")}"`);

    const init = await request("/api-docs/swagger-initializer.js");
    expect(init.status).toBe(200);
    expect(init.headers.get("content-type")).toMatch(/^text\/javascript/);
    const js = await init.text();
    expect(js).toContain('url: "/api-docs/openapi.json"');
    expect(js).toContain("validatorUrl: null");
    const again = await request("/api-docs/swagger-initializer.js", { headers: { "If-None-Match": init.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });

  it("has every operation of the spec, with its tags, summary, security, query parameters and statuses", async () => {
    const doc = spec();
    const ours = (await (await request("/api-docs/openapi.json")).json()) as SpecDoc;
    const operations = specOperations(doc);
    expect(operations).toHaveLength(69);
    const requirement = (r: Record<string, string[]>) => JSON.stringify(r);
    for (const id of operations) {
      const [method, path] = id.split(" ");
      const specOp = doc.paths[path][method];
      const ourOp = ours.paths[path]?.[method];
      expect(ourOp, `${id} is in our document`).toBeDefined();
      expect(ourOp.tags, `${id} tags`).toEqual(specOp.tags);
      expect(ourOp.summary, `${id} summary`).toBe(specOp.summary);
      // Each of the spec's security requirements, whole; the one alternative we add is Basic
      // (wakatime-cli sends the user key that way), so admin routes say exactly AdminToken.
      const ourRequirements = (ourOp.security ?? []).map(requirement);
      for (const r of (specOp.security ?? []).map(requirement)) expect(ourRequirements, `${id} security`).toContain(r);
      const added = ourRequirements.filter((r) => !(specOp.security ?? []).map(requirement).includes(r));
      expect(added, `${id} security beyond the spec`).toEqual(added.length ? [requirement({ BasicAuth: [] })] : []);
      for (const name of schemeNames(ourOp)) expect(Object.keys(ours.components?.securitySchemes ?? {})).toContain(name);
      for (const status of Object.keys(specOp.responses)) expect(Object.keys(ourOp.responses), `${id} documents ${status}`).toContain(status);
      const ourQuery = new Set((ourOp.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name));
      for (const p of specOp.parameters ?? []) {
        // Hackatime's admin user/heartbeats takes start_date/end_date, not the spec's `date`
        // (docs/reference/hackatime-behavior.md §8.9, which decides where the spec is wrong).
        if (id === "get /api/admin/v1/user/heartbeats" && p.name === "date") continue;
        if (p.in === "query") expect(ourQuery, `${id} query parameter ${p.name}`).toContain(p.name);
      }
    }
  });

  it("answers unknown paths with a JSON 404", async () => {
    const res = await request("/api/v1/does-not-exist");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Not found" });
  });
});
