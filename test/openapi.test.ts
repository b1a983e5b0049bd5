import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
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
