// The hot D1 queries must be index lookups, never scans of the heartbeats or keys tables.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dailyDurationsSql } from "../../src/db/daily-durations";
import { filterClause } from "../../src/db/heartbeat-filter";
import { SESSION_LOOKUP_SQL } from "../../src/db/sessions";

async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

describe("query plans of hot queries", () => {
  it("looks API keys up by their hash index", async () => {
    const p = await plan("SELECT user_id FROM api_keys WHERE token_hash = ?", "x");
    expect(p).toMatch(/USING (COVERING )?INDEX api_keys_token_hash_unique/);
  });

  it("finds stored heartbeats by (user, fields hash) through the dedup index", async () => {
    const p = await plan("SELECT * FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND fields_hash IN (SELECT value FROM json_each(?2))", 1, "[]");
    expect(p).toMatch(/USING INDEX heartbeats_user_fields_hash/);
    expect(p).not.toMatch(/SCAN heartbeats/);
  });

  it("pages a user's heartbeats in (time, id) order by the time index", async () => {
    const p = await plan(
      "SELECT id, time FROM heartbeats WHERE user_id = ?1 AND deleted_at IS NULL AND (time, id) > (?2, ?3) ORDER BY time, id LIMIT 10",
      1,
      0,
      0,
    );
    expect(p).toMatch(/USING INDEX heartbeats_user_time/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it("finds a project's latest language by the (user, project, time) index", async () => {
    const p = await plan("SELECT language FROM heartbeats WHERE user_id = ?1 AND project = ?2 AND deleted_at IS NULL ORDER BY time DESC LIMIT 1", 1, "p");
    expect(p).toMatch(/USING INDEX heartbeats_user_project_time/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it("looks a web session up by its token hash (unique index), with its user by primary key", async () => {
    const p = await plan(SESSION_LOOKUP_SQL, "x", "2026-01-01T00:00:00.000Z");
    expect(p).toMatch(/USING INDEX web_sessions_token_hash_unique/);
    expect(p).not.toMatch(/SCAN (web_sessions|users)/);
  });

  it("reads the per-day reference durations one day slice at a time by the time index", async () => {
    const { clause, params } = filterClause({ languages: ["Go"], editors: ["vim"] }, 4);
    const p = await plan(dailyDurationsSql(clause), 1, "[[0,86400]]", 120_000_000, ...params);
    expect(p).toMatch(/USING INDEX heartbeats_user_(time|project_time)/);
    expect(p).not.toMatch(/SCAN h\b|SCAN heartbeats/);
  });
});
