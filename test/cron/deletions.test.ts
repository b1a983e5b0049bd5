import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/cron";
import { DELETION_CRON, deletionJobs, runDueDeletions } from "../../src/cron/deletions";
import { DELETE_ACTIVE_DAYS_SQL, DELETE_LEADERBOARD_ENTRIES_SQL, SOFT_DELETE_HEARTBEATS_SQL } from "../../src/db/account-deletion";
import { anonymizeUser } from "../../src/domain/deletion";
import { rebuildUser } from "../../src/queues/rebuild-aggregates";
import { cliHeartbeat, createUser, postBulk, request, statusBar, type TestUser, queryPlan, bearer } from "../helpers";

const T = 1_735_725_600; // 2025-01-01T10:00:00Z
const DAY = "2025-01-01";
const STATS_KEY = { Authorization: "Bearer test-stats-key" };

const runCron = (scheduledTime = Date.now()) => handleScheduled(createScheduledController({ cron: DELETION_CRON, scheduledTime }), env);

const one = async <T>(sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<T>())!;
const count = async (sql: string, ...params: unknown[]) => (await one<{ n: number }>(sql, ...params)).n;

/** Sum of the "all" chain's own total on `day` in the user's UserActivity projection. */
async function projectedMicros(userId: number, day = DAY): Promise<number> {
  const totals = await env.USER_ACTIVITY.getByName(String(userId)).dayTotals(userId, "UTC", day);
  return totals.filter((t) => t.dim === "all").reduce((s, t) => s + t.micros, 0);
}

async function approvedDueRequest(userId: number, secondsAgo = 60): Promise<number> {
  const row = await one<{ id: number }>(
    "INSERT INTO deletion_requests (user_id, status, scheduled_deletion_at, admin_approved_at) VALUES (?, 'approved', ?, ?) RETURNING id",
    userId,
    new Date(Date.now() - secondsAgo * 1000).toISOString(),
    new Date(Date.now() - 30 * 86_400_000).toISOString(),
  );
  return row.id;
}

/** n heartbeats written straight to D1, 30 s apart from T (fast seeding for batch tests). */
async function seedHeartbeats(userId: number, n: number) {
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ?2 - 1)
     INSERT INTO heartbeats (user_id, time, entity, type, category, project, language, fields_hash)
     SELECT ?1, ?3 + i * 30, 'main.ts', 'file', 'coding', 'p', 'TypeScript', 'seed-' || ?1 || '-' || i FROM k`,
  )
    .bind(userId, n, T)
    .run();
  await env.DB.prepare("INSERT OR IGNORE INTO user_active_days (day, user_id) VALUES (?, ?)").bind(DAY, userId).run();
}

const liveHeartbeats = (userId: number) => count("SELECT count(*) AS n FROM heartbeats WHERE user_id = ? AND deleted_at IS NULL", userId);

describe("the daily deletion job", () => {
  it("is registered on the 02:00 trigger only", () => {
    expect(Object.keys(deletionJobs)).toEqual(["0 2 * * *"]);
  });

  it("runs the whole lifecycle: request → ingest 403 → approve → (30 days) → anonymised, keys dead, heartbeats and projection gone", async () => {
    const superadmin = await createUser({ adminLevel: "superadmin" });
    const user: TestUser = await createUser({ adminLevel: "admin", email: `leaver-${Date.now()}@example.com`, slackUid: `U${Date.now()}`, githubUsername: "leaver-gh" });
    const other = await createUser();
    await env.DB.prepare(
      `UPDATE users SET display_name_override = 'Leaver', slack_username = 'leaver', slack_avatar_url = 'https://s/a.png',
         github_uid = '42', github_avatar_url = 'https://g/a.png', country_code = 'DE' WHERE id = ?`,
    )
      .bind(user.id)
      .run();
    await env.DB.prepare("INSERT INTO project_repo_mappings (user_id, project_name, repo_url) VALUES (?, 'app', 'https://github.com/x/app')").bind(user.id).run();
    await env.DB.prepare("INSERT INTO sailors_log_preferences (user_id, slack_channel_id) VALUES (?, 'C1')").bind(user.id).run();
    await env.DB.prepare("INSERT INTO heartbeat_exports (user_id, start_time, end_time) VALUES (?, 0, 1)").bind(user.id).run();
    const imp = await env.DB.prepare("INSERT INTO heartbeat_imports (user_id, source_kind) VALUES (?, 'dev_upload') RETURNING id").bind(user.id).first<{ id: number }>();
    await env.DB.prepare("INSERT INTO heartbeat_import_slices (import_id, seq, body) VALUES (?, 0, '[]')").bind(imp!.id).run();

    // Three heartbeats (180 s) plus one from the other user, on 2025-01-01.
    expect((await postBulk(user.apiKey, [cliHeartbeat(T), cliHeartbeat(T + 60), cliHeartbeat(T + 180)])).status).toBe(201);
    expect((await postBulk(other.apiKey, [cliHeartbeat(T), cliHeartbeat(T + 30)])).status).toBe(201);
    const board = await one<{ id: number }>(
      "INSERT INTO leaderboards (period, start_date, window_start, window_end, finished_generating_at) VALUES ('daily', ?, ?, ?, ?) RETURNING id",
      DAY,
      T - 36_000,
      T + 50_400,
      new Date().toISOString(),
    );
    await env.DB.batch([
      env.DB.prepare("INSERT INTO leaderboard_entries (leaderboard_id, user_id, total_seconds) VALUES (?, ?, 180)").bind(board.id, user.id),
      env.DB.prepare("INSERT INTO leaderboard_entries (leaderboard_id, user_id, total_seconds) VALUES (?, ?, 30)").bind(board.id, other.id),
    ]);

    const statsTotal = async (who: TestUser) => (await request(`/api/v1/stats?username=${who.id}&start_date=2025-01-01&end_date=2025-01-01`, { headers: STATS_KEY })).text();
    expect(await statsTotal(user)).toBe("180");
    expect(await projectedMicros(user.id)).toBe(180_000_000);
    expect(await count("SELECT count(*) AS n FROM user_active_days WHERE user_id = ?", user.id)).toBe(1);

    // Request: ingest is refused from now on.
    const created = await request("/deletion", { method: "POST", redirect: "manual", headers: bearer(user.apiKey) });
    expect(created.status).toBe(302);
    const requestId = ((await created.json()) as any).deletion_request.id as number;
    expect((await postBulk(user.apiKey, [cliHeartbeat(T + 240)])).status).toBe(403);

    // Approve: scheduled 30 days out; the job leaves it alone until then.
    const approve = await request(`/api/admin/v1/deletion_requests/${requestId}/approve`, { method: "POST", headers: bearer(superadmin.adminApiKey) });
    expect(approve.status).toBe(200);
    await runCron();
    await runCron(Date.now() + 29 * 86_400_000);
    expect(await one("SELECT status FROM deletion_requests WHERE id = ?", requestId)).toEqual({ status: "approved" });
    expect((await one<{ username: string }>("SELECT username FROM users WHERE id = ?", user.id)).username).toBe(user.username);
    expect(await liveHeartbeats(user.id)).toBe(3);

    // A key rotated away earlier is remembered as revoked until the account goes.
    await env.DB.prepare("INSERT INTO revoked_api_keys (token_hash, user_id) VALUES (?, ?)").bind("f".repeat(64), user.id).run();

    // 30 days later.
    await env.DB.prepare("UPDATE deletion_requests SET scheduled_deletion_at = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), requestId).run();
    await runCron();

    const done = await one<any>("SELECT * FROM deletion_requests WHERE id = ?", requestId);
    expect(done.status).toBe("completed");
    expect(done.completed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    expect(await one("SELECT * FROM users WHERE id = ?", user.id)).toMatchObject({
      username: `deleted_user_${user.id}`,
      display_name_override: null,
      slack_uid: null,
      slack_username: null,
      slack_avatar_url: null,
      github_uid: null,
      github_username: null,
      github_avatar_url: null,
      country_code: null,
      allow_public_stats_lookup: 0,
      admin_level: "default",
    });
    for (const table of ["api_keys", "revoked_api_keys", "admin_api_keys", "email_addresses", "project_repo_mappings", "user_active_days", "leaderboard_entries", "sailors_log_preferences", "heartbeat_exports", "heartbeat_imports"]) {
      expect(await count(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`, user.id), table).toBe(0);
    }
    // Heartbeats are soft-deleted, not removed; the other user's are untouched.
    expect(await count("SELECT count(*) AS n FROM heartbeats WHERE user_id = ?", user.id)).toBe(3);
    expect(await liveHeartbeats(user.id)).toBe(0);
    expect(await count("SELECT count(DISTINCT deleted_at) AS n FROM heartbeats WHERE user_id = ?", user.id)).toBe(1);
    expect(await liveHeartbeats(other.id)).toBe(2);
    expect(await count("SELECT count(*) AS n FROM leaderboard_entries WHERE user_id = ?", other.id)).toBe(1);

    // Old credentials are dead.
    expect((await statusBar(user.apiKey)).res.status).toBe(401);
    expect((await postBulk(user.apiKey, [cliHeartbeat(T + 300)])).status).toBe(401);
    expect((await request("/api/admin/v1/deletion_requests", { headers: bearer(user.adminApiKey) })).status).toBe(401);

    // Nothing counts any more: the projection, the stats total, and the now-private profile.
    expect(await env.USER_ACTIVITY.getByName(String(user.id)).dayTotals(user.id, "UTC", DAY)).toEqual([]);
    expect(await statsTotal(user)).toBe("0");
    expect(await projectedMicros(other.id)).toBe(30_000_000);
    expect((await request(`/api/v1/users/${user.id}/stats?total_seconds=true&start_date=2025-01-01`)).status).toBe(403);
    expect((await request(`/api/v1/users/${user.username}/stats`)).status).toBe(404);

    // The admin list shows it completed, under the anonymised name.
    const list = (await (await request("/api/admin/v1/deletion_requests", { headers: bearer(superadmin.adminApiKey) })).json()) as any;
    expect(list.completed.find((r: any) => r.id === requestId)).toMatchObject({
      status: "completed",
      user: { id: user.id, username: `deleted_user_${user.id}`, display_name: `deleted_user_${user.id}` },
    });

    // Running again changes nothing.
    await runCron();
    expect(await one("SELECT status, completed_at FROM deletion_requests WHERE id = ?", requestId)).toEqual({ status: "completed", completed_at: done.completed_at });
  });

  it("leaves pending, cancelled and not-yet-due approved requests alone", async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const users = await Promise.all([createUser(), createUser(), createUser()]);
    const ids: number[] = [];
    for (const [u, status, at] of [
      [users[0], "pending", past],
      [users[1], "cancelled", past],
      [users[2], "approved", future],
    ] as const) {
      ids.push((await one<{ id: number }>("INSERT INTO deletion_requests (user_id, status, scheduled_deletion_at) VALUES (?, ?, ?) RETURNING id", u.id, status, at)).id);
    }
    await runCron();
    expect((await env.DB.prepare("SELECT status FROM deletion_requests WHERE id IN (?, ?, ?) ORDER BY id").bind(...ids).all()).results.map((r: any) => r.status)).toEqual([
      "pending",
      "cancelled",
      "approved",
    ]);
    for (const u of users) expect((await statusBar(u.apiKey)).res.status).toBe(200);
  });

  it("takes a bounded number of requests per run, soonest first; the rest wait for the next run", async () => {
    const users = await Promise.all([createUser(), createUser(), createUser()]);
    const ids = [await approvedDueRequest(users[0].id, 300), await approvedDueRequest(users[1].id, 200), await approvedDueRequest(users[2].id, 100)];
    const first = await runDueDeletions(env, Date.now(), { maxUsers: 2, maxHeartbeatRows: 1_000_000 });
    expect(first).toEqual({ completed: ids.slice(0, 2), deferred: [], failed: [] });
    expect((await one<{ status: string }>("SELECT status FROM deletion_requests WHERE id = ?", ids[2])).status).toBe("approved");
    expect((await statusBar(users[2].apiKey)).res.status).toBe(200);
    const second = await runDueDeletions(env, Date.now(), { maxUsers: 2, maxHeartbeatRows: 1_000_000 });
    expect(second.completed).toEqual([ids[2]]);
  });

  it("one account failing does not hold up the others: it stays approved, and the run reports the failure", async () => {
    const [bad, good] = await Promise.all([createUser(), createUser()]);
    const badId = await approvedDueRequest(bad.id, 200);
    const goodId = await approvedDueRequest(good.id, 100);
    // An env whose UserActivity for `bad` cannot be reached.
    const broken = {
      ...env,
      USER_ACTIVITY: {
        getByName: (name: string) => {
          if (name === String(bad.id)) throw new Error("projection unavailable");
          return env.USER_ACTIVITY.getByName(name);
        },
      },
    } as unknown as Env;
    const run = runDueDeletions(broken, Date.now());
    await expect(run).rejects.toThrow("1 account deletion(s) failed");
    expect((await one<{ status: string }>("SELECT status FROM deletion_requests WHERE id = ?", badId)).status).toBe("approved");
    expect((await one<{ status: string }>("SELECT status FROM deletion_requests WHERE id = ?", goodId)).status).toBe("completed");
    // The next run finishes it.
    expect(await runDueDeletions(env, Date.now())).toEqual({ completed: [badId], deferred: [], failed: [] });
  });

  it("soft-deletes heartbeats in batches, and a run out of row budget resumes the next day", async () => {
    const u = await createUser();
    await seedHeartbeats(u.id, 12_345);
    expect(await rebuildUser(env, u.id)).toEqual({ heartbeats: 12_345 });
    expect(await projectedMicros(u.id)).toBeGreaterThan(0);
    const id = await approvedDueRequest(u.id);

    const first = await runDueDeletions(env, Date.now(), { maxUsers: 25, maxHeartbeatRows: 5000, batchSize: 2000 });
    expect(first).toEqual({ completed: [], deferred: [id], failed: [] });
    // Identity and keys are gone at once; heartbeats partly; the request stays approved.
    expect((await one<{ username: string }>("SELECT username FROM users WHERE id = ?", u.id)).username).toBe(`deleted_user_${u.id}`);
    expect((await statusBar(u.apiKey)).res.status).toBe(401);
    expect(await liveHeartbeats(u.id)).toBe(12_345 - 5000);
    expect((await one<{ status: string }>("SELECT status FROM deletion_requests WHERE id = ?", id)).status).toBe("approved");

    const second = await runDueDeletions(env, Date.now(), { maxUsers: 25, maxHeartbeatRows: 1_000_000, batchSize: 2000 });
    expect(second).toEqual({ completed: [id], deferred: [], failed: [] });
    expect(await liveHeartbeats(u.id)).toBe(0);
    expect(await projectedMicros(u.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM user_active_days WHERE user_id = ?", u.id)).toBe(0);
  });

  it("anonymizeUser deletes every live heartbeat in fixed-size statements and reports the count", async () => {
    const u = await createUser();
    await seedHeartbeats(u.id, 10_001);
    expect(await anonymizeUser(env, u.id, { batchSize: 5000 })).toEqual({ done: true, heartbeatsDeleted: 10_001 });
    expect(await liveHeartbeats(u.id)).toBe(0);
    // Idempotent: a second pass finds nothing left.
    expect(await anonymizeUser(env, u.id)).toEqual({ done: true, heartbeatsDeleted: 0 });
  });

  it("picks a suffixed name when deleted_user_<id> is already taken", async () => {
    const u = await createUser();
    await createUser({ username: `deleted_user_${u.id}` });
    await anonymizeUser(env, u.id);
    expect((await one<{ username: string }>("SELECT username FROM users WHERE id = ?", u.id)).username).toMatch(new RegExp(`^deleted_user_${u.id}_[0-9a-f]{8}$`));
  });
});

describe("query plans of the deletion statements", () => {
  it("soft-deletes through the live-rows dedup index, never re-reading deleted rows", async () => {
    const p = await queryPlan(SOFT_DELETE_HEARTBEATS_SQL, 1, "x", 10);
    expect(p).toMatch(/USING (COVERING )?INDEX heartbeats_user_fields_hash/);
    expect(p).not.toMatch(/SCAN heartbeats/);
  });

  it("removes active days and leaderboard entries by primary-key probes, not table scans", async () => {
    const days = await queryPlan(DELETE_ACTIVE_DAYS_SQL, 1);
    expect(days).toMatch(/SEARCH user_active_days USING (COVERING )?INDEX sqlite_autoindex_user_active_days_1/);
    expect(days).not.toMatch(/SCAN (heartbeats|user_active_days)/);
    const entries = await queryPlan(DELETE_LEADERBOARD_ENTRIES_SQL, 1);
    expect(entries).not.toMatch(/SCAN leaderboard_entries/);
  });
});
