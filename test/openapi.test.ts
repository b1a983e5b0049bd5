import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageAsset } from "../src/web/assets";
import { request } from "./helpers";

type Operation = { security?: Array<Record<string, string[]>>; tags?: string[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, unknown> } };

const schemeNames = (op: Operation) => new Set((op.security ?? []).flatMap((req) => Object.keys(req)));

describe("OpenAPI document", () => {
  it("is served at /api-docs/openapi.json with a browsable UI at /api-docs", async () => {
    const res = await request("/api-docs/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
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

  it("has every operation of the spec, with the spec's tags and security scheme names", async () => {
    expect(env.OPENAPI_SPEC_YAML, "spec/hackatime-openapi.yaml must be readable").not.toBe("");
    const spec = parse(env.OPENAPI_SPEC_YAML) as Doc;
    const ours = (await (await request("/api-docs/openapi.json")).json()) as Doc;
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map((method) => `${method} ${path}`),
    );
    expect(operations).toHaveLength(69);
    for (const id of operations) {
      const [method, path] = id.split(" ");
      const specOp = spec.paths[path][method];
      const ourOp = ours.paths[path]?.[method];
      expect(ourOp, `${id} is in our document`).toBeDefined();
      for (const name of schemeNames(specOp)) expect(schemeNames(ourOp), `${id} security`).toContain(name);
      expect(ourOp.tags).toEqual(specOp.tags);
      for (const name of schemeNames(ourOp)) expect(Object.keys(ours.components?.securitySchemes ?? {})).toContain(name);
    }
  });

  it("answers unknown paths with a JSON 404", async () => {
    const res = await request("/api/v1/does-not-exist");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Not found" });
  });
});
