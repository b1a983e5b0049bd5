import { env } from "cloudflare:test";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "@hono/zod-openapi";
import { HEARTBEAT_COLUMNS, NORMALIZED_FIELDS, SERVER_SET_FIELDS, type HeartbeatValues, type NormalizedHeartbeat, type StoredHeartbeat } from "../../src/db/heartbeat-fields";
import { heartbeats } from "../../src/db/schema";
import { fieldsHash, prepareHeartbeats } from "../../src/domain/heartbeats/normalize";
import { heartbeatJson, type HeartbeatJson } from "../../src/domain/heartbeats/serialize";
import { HeartbeatSchema } from "../../src/schemas/heartbeat";
import { cliHeaders, cliHeartbeat, createUser, postBulk } from "../helpers";

// The dedup key of stored heartbeats: the same heartbeat must keep the same fields_hash forever
// (a changed key would let a retried heartbeat be stored twice next to its old row). The pinned
// values were computed before the field list was derived from the table; the first is
// sha256(JSON.stringify([user_id, branch, category, dependencies, editor, entity, language,
// machine, operating_system, project, type, user_agent, line_additions, line_deletions, lineno,
// lines, cursorpos, project_root_count, time, is_write])), then ["ai_…", value] per non-null AI field.
describe("fields_hash", () => {
  const base = {
    user_id: 42,
    time: 1732485600.25,
    entity: "/home/dev/app/src/main.ts",
    type: "file",
    category: "coding",
    project: "app",
    branch: "main",
    language: "TypeScript",
    editor: "VS Code",
    operating_system: "Linux",
    machine: "dev laptop",
    user_agent: "wakatime/v1.102.1 (linux-6.8.0-45-generic-x86_64) go1.23.4 vscode/1.95.3 vscode-wakatime/24.9.1",
    dependencies: JSON.stringify(["react", "zod"]),
    is_write: true,
    lineno: 12,
    cursorpos: 3,
    lines: 200,
    line_additions: 4,
    line_deletions: 1,
    project_root_count: 5,
    ai_model: null,
    ai_session: null,
    ai_subscription_plan: null,
    ai_input_tokens: null,
    ai_output_tokens: null,
    ai_prompt_length: null,
    ai_line_changes: null,
    human_line_changes: null,
    source_type: "direct_entry" as const,
    ip_address: "198.18.0.1",
  };

  it("is unchanged for a heartbeat without AI fields", async () => {
    expect(await fieldsHash(base)).toBe("99366e3841c0be2a388f394eb7aa333115cc245d56a993de7813e2591dbaad5f");
  });

  it("is unchanged for a heartbeat with AI fields (only the non-null ones, by name)", async () => {
    const ai = { ...base, ai_model: "opus/4-8", ai_input_tokens: 1200, human_line_changes: 0, is_write: null, dependencies: null, branch: null };
    expect(await fieldsHash(ai)).toBe("a1c25f4f86579987cbcc980698afaa7751ef5e09ce5326a1cde70e4048bd829c");
  });

  it("ignores the IP address and the source type", async () => {
    expect(await fieldsHash({ ...base, ip_address: null, source_type: "wakapi_import" })).toBe(await fieldsHash(base));
  });

  it("is what ingest stores", async () => {
    const [p] = await prepareHeartbeats(
      [{ entity: "/home/dev/app/src/main.ts", type: "file", time: 1732485600.25, project: "app", language: "TypeScript", is_write: true, lineno: 12, dependencies: ["react"] }],
      { userId: 42, userAgentHeader: null, machineHeader: "dev+laptop", ipAddress: "198.18.0.1", now: 1732485600 },
      async () => null,
    );
    expect(p.ok && p.heartbeat.fields_hash).toBe("ee8976230a5814315534df641fa61393bc53307e9db4b5449a44c2a824d57f37");
  });
});

// The field list is derived from the heartbeats table (src/db/heartbeat-fields.ts).
describe("heartbeat fields", () => {
  it("types the row as D1 returns it, the normalised heartbeat and the API's heartbeat from the table", () => {
    expectTypeOf<StoredHeartbeat["is_write"]>().toEqualTypeOf<number | null>();
    expectTypeOf<StoredHeartbeat["dependencies"]>().toEqualTypeOf<string | null>();
    expectTypeOf<StoredHeartbeat["user_id"]>().toEqualTypeOf<number>();
    expectTypeOf<HeartbeatValues["is_write"]>().toEqualTypeOf<(typeof heartbeats.$inferSelect)["isWrite"]>();
    expectTypeOf<NormalizedHeartbeat>().not.toHaveProperty("id");
    expectTypeOf<NormalizedHeartbeat>().toHaveProperty("fields_hash");
    expectTypeOf<z.infer<typeof HeartbeatSchema>>().toEqualTypeOf<HeartbeatJson>();
  });

  it("lists every column once, by SQL name; a normalised heartbeat has all but the server-set ones", () => {
    const names = HEARTBEAT_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(Object.values(heartbeats).filter((v) => v && typeof v === "object" && "columnType" in v).map((c) => (c as { name: string }).name));
    expect(NORMALIZED_FIELDS).toEqual(names.filter((n) => !(SERVER_SET_FIELDS as readonly string[]).includes(n)));
  });

  it("stores every normalised field and answers the documented heartbeat, nothing more", async () => {
    const u = await createUser();
    const time = Math.floor(Date.now() / 1000) - 60;
    const sent = cliHeartbeat(time, {
      dependencies: ["react", "zod"],
      line_additions: 3,
      line_deletions: 1,
      project_root_count: 5,
      ai_model: "opus/4-8",
      ai_session: "s1",
      ai_subscription_plan: "max",
      ai_input_tokens: 100,
      ai_output_tokens: 20,
      ai_prompt_length: 42,
      ai_line_changes: -1,
      human_line_changes: 7,
    });
    const res = await postBulk(u.apiKey, [sent], { "CF-Connecting-IP": "198.18.0.7" });
    const answer = ((await res.json()) as { responses: [unknown, number][] }).responses[0][0];
    const [p] = await prepareHeartbeats([sent], { userId: u.id, userAgentHeader: cliHeaders(u.apiKey)["User-Agent"], machineHeader: "dev+laptop", ipAddress: "198.18.0.7" }, async () => null);
    if (!p.ok) throw new Error(p.error.error);
    const row = await env.DB.prepare("SELECT * FROM heartbeats WHERE user_id = ?1").bind(u.id).first<StoredHeartbeat>();
    for (const f of NORMALIZED_FIELDS) {
      const expected = f === "is_write" ? 1 : p.heartbeat[f];
      expect(row![f], f).toEqual(expected);
    }
    expect(answer).toEqual(heartbeatJson(row!));
    expect(Object.keys(answer as object).sort()).toEqual(Object.keys(HeartbeatSchema.shape).sort());
    expect(HeartbeatSchema.strict().safeParse(answer).success).toBe(true);
  });
});
