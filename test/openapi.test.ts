import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { request } from "./helpers";

type Operation = { security?: Array<Record<string, string[]>>; tags?: string[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, unknown> } };

// Operations of ../shared/spec/openapi.yaml that are built so far; grows with each issue.
const IMPLEMENTED = [
  "post /api/hackatime/v1/users/{id}/heartbeats",
  "get /api/hackatime/v1/users/{id}/statusbar/today",
  "get /api/hackatime/v1/users/current/stats/last_7_days",
  "get /api/summary",
  "get /api/v1/users/{username}/stats",
  "get /api/v1/stats",
  "get /api/v1/users/{username}/heartbeats/spans",
  "get /api/v1/users/{username}/trust_factor",
  "get /api/v1/users/{username}/projects",
  "get /api/v1/users/{username}/project/{project_name}",
  "get /api/v1/users/{username}/projects/details",
  "get /api/v1/users/lookup_email/{email}",
  "get /api/v1/users/lookup_slack_uid/{slack_uid}",
  "get /api/v1/authenticated/me",
  "get /api/v1/authenticated/hours",
  "get /api/v1/authenticated/streak",
  "get /api/v1/authenticated/projects",
  "get /api/v1/authenticated/api_keys",
  "get /api/v1/authenticated/heartbeats/latest",
  "get /api/v1/my/heartbeats",
  "get /api/v1/my/heartbeats/most_recent",
  "post /api/internal/revoke",
  "get /api/admin/v1/admin_api_keys",
  "post /api/admin/v1/admin_api_keys",
  "get /api/admin/v1/admin_api_keys/{id}",
  "delete /api/admin/v1/admin_api_keys/{id}",
  "get /api/admin/v1/trust_level_audit_logs",
  "get /api/admin/v1/trust_level_audit_logs/{id}",
  "get /api/admin/v1/permissions",
  "patch /api/admin/v1/permissions/{id}",
  "post /deletion",
  "delete /deletion",
  "get /api/admin/v1/deletion_requests",
  "get /api/admin/v1/deletion_requests/{id}",
  "post /api/admin/v1/deletion_requests/{id}/approve",
  "post /api/admin/v1/deletion_requests/{id}/reject",
  "get /api/admin/v1/check",
  "get /api/admin/v1/banned_users",
  "get /api/admin/v1/user/info",
  "get /api/admin/v1/user/heartbeats",
  "get /api/admin/v1/user/info_batch",
  "get /api/admin/v1/user/heartbeat_values",
  "get /api/admin/v1/user/get_users_by_ip",
  "get /api/admin/v1/user/get_users_by_machine",
  "get /api/admin/v1/user/stats",
  "get /api/admin/v1/user/projects",
  "get /api/admin/v1/user/trust_logs",
  "post /api/admin/v1/user/get_user_by_email",
  "post /api/admin/v1/user/search_fuzzy",
  "post /api/admin/v1/user/convict",
  "get /api/admin/v1/timeline",
  "get /api/admin/v1/timeline/search_users",
  "get /api/admin/v1/timeline/leaderboard_users",
  "get /my/projects",
  "patch /my/project_repo_mappings/{project_name}",
  "patch /my/project_repo_mappings/{project_name}/archive",
  "patch /my/project_repo_mappings/{project_name}/unarchive",
  "post /my/settings/rotate_api_key",
  "get /api/v1/ysws_programs",
  "post /api/v1/ysws_programs/claim",
  "post /api/v1/external/slack/oauth",
  "post /sailors_log/slack/commands",
  "post /timedump/slack/commands",
  "post /my/heartbeats/export",
  "post /my/heartbeat_imports",
  "get /my/heartbeat_imports/{id}",
  "get /api/v1/leaderboard",
  "get /api/v1/leaderboard/daily",
  "get /api/v1/leaderboard/weekly",
];

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

  it("has every implemented spec operation, with the spec's security scheme names", async () => {
    expect(env.OPENAPI_SPEC_YAML, "shared/spec/openapi.yaml must be readable").not.toBe("");
    const spec = parse(env.OPENAPI_SPEC_YAML) as Doc;
    const ours = (await (await request("/api-docs/openapi.json")).json()) as Doc;
    for (const id of IMPLEMENTED) {
      const [method, path] = id.split(" ");
      const specOp = spec.paths[path]?.[method];
      expect(specOp, `${id} is in the spec`).toBeDefined();
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
