// The D1 statements whose plans matter, EXPLAINed exactly as production runs them: every case
// imports the SQL a src/db module exports (or builds with the same builder production calls).
// Each asserts the index search it must do and that no large table (heartbeats, api_keys,
// users, under their alias in the statement) is scanned; keyset pages also take no sort step.
// An unindexed rewrite of any of these statements fails here.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { queryPlan } from "../helpers";
import { REVOKED_KEY_HASH_SQL, USER_BY_KEY_HASH_SQL } from "../../src/db/api-keys";
import { UNIQUE_CODING_SQL, boundaryAwareTotalSql, boundaryRowsSql, filterClause, referenceDurationsSql } from "../../src/db/durations";
import {
  ACTIVE_DAY_COUNT_SQL,
  HEARTBEATS_BETWEEN_SQL,
  PROJECT_NAMES_SQL,
  PROJECT_STATS_SQL,
  SPANS_SQL,
  dailySummarySql,
  mostRecentSql,
  pageHeartbeatsSql,
} from "../../src/db/heartbeat-reads";
import { CHAIN_PAGE_SQL, SELECT_BY_HASH_SQL, latestFieldValueSql } from "../../src/db/heartbeats";
import { DAY_WINDOW_TOTALS_SQL, MINUTE_WINDOW_TOTALS_SQL, ZONE_WINDOW_TOTALS_SQL, pruneBucketsSql } from "../../src/db/leaderboard-buckets";
import {
  DOOMED_BOARDS_SQL,
  INSERT_ENTRIES_SQL,
  RANKABLE_PROFILES_SQL,
  SERVE_BOARD_SQL,
  SERVE_ENTRIES_SQL,
  SERVE_ENTRY_COUNT_SQL,
  START_BUILD_SQL,
} from "../../src/db/leaderboards";
import { dailyDurationsSql } from "../../src/db/daily-durations";
import { SESSION_LOOKUP_SQL } from "../../src/db/sessions";
import { PROFILE_SOURCE_SQL } from "../../src/db/users";

const projectsFilter = filterClause({ projects: ["a", "b"] }, 4);
const plan = (sql: string, params: unknown[]) => queryPlan(sql, ...params);

interface Case {
  sql: string;
  params: unknown[];
  /** Index searches the plan must contain, as SQLite words them. */
  uses: string[];
  /** Names (or aliases) of heartbeats, api_keys and users in the statement: none may be scanned. */
  large: string[];
  /** Rows come back in index order: no sort step at all. */
  noSort?: boolean;
}

const USER_TIME_RANGE = "SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=? AND time>? AND time<?)";
const days = JSON.stringify([[0, 86_400], [86_400, 172_800]]);
const recentAny = mostRecentSql(1, {});
const recentFiltered = mostRecentSql(1, { sourceType: "direct_entry", editor: "vscode" });
const excluding = filterClause({ projects: ["a"], excludeCategories: ["browsing"] }, 5);
const dayFilter = filterClause({ languages: ["Go"], editors: ["vim"], machines: ["m"] }, 4);

const CASES: Record<string, Case> = {
  // Authentication (db/api-keys.ts).
  "user key by hash": {
    sql: USER_BY_KEY_HASH_SQL,
    params: ["x"],
    uses: [
      "SEARCH k USING INDEX api_keys_token_hash_unique (token_hash=?)",
      "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)",
      "SEARCH d USING COVERING INDEX deletion_requests_user_status (user_id=? AND status=?)",
    ],
    large: ["k", "u"],
  },
  "revoked key hash": { sql: REVOKED_KEY_HASH_SQL, params: ["x"], uses: ["USING COVERING INDEX sqlite_autoindex_revoked_api_keys_1 (token_hash=?)"], large: [] },

  // Web sessions (db/sessions.ts): by the token's hash, the user by primary key.
  "web session by token hash": {
    sql: SESSION_LOOKUP_SQL,
    params: ["x", "2026-01-01T00:00:00.000Z"],
    uses: ["SEARCH s USING INDEX web_sessions_token_hash_unique (token_hash=?)", "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)"],
    large: ["s", "u"],
  },

  // Ingest and the projection (db/heartbeats.ts).
  "stored rows by fields hash": {
    sql: SELECT_BY_HASH_SQL,
    params: [1, "[]"],
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_fields_hash (user_id=? AND fields_hash=?)"],
    large: ["heartbeats"],
  },
  "chain rebuild page": { sql: CHAIN_PAGE_SQL, params: [1, 0, 0, 10], uses: ["SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=? AND time>?)"], large: ["heartbeats"], noSort: true },
  "latest language of a project": {
    sql: latestFieldValueSql("language", true),
    params: [1, "p"],
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_project_time (user_id=? AND project=?)"],
    large: ["heartbeats"],
    noSort: true,
  },
  "latest branch of any project": {
    sql: latestFieldValueSql("branch", false),
    params: [1],
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=?)"],
    large: ["heartbeats"],
    noSort: true,
  },

  // Stats reads (db/heartbeat-reads.ts).
  "project names": { sql: PROJECT_NAMES_SQL, params: [1, 0, 1e10], uses: [USER_TIME_RANGE], large: ["heartbeats"] },
  "project stats": {
    sql: PROJECT_STATS_SQL(false),
    params: [1, 0, 1e10],
    uses: [USER_TIME_RANGE],
    large: ["heartbeats"],
  },
  "project stats of named projects": {
    sql: PROJECT_STATS_SQL(true),
    params: [1, 0, 1e10, '["a"]'],
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_project_time (user_id=? AND project=? AND time>? AND time<?)"],
    large: ["heartbeats"],
  },
  spans: { sql: SPANS_SQL(false), params: [1, 0, 1e10, 120], uses: [USER_TIME_RANGE], large: ["heartbeats"] },
  "spans of named projects": { sql: SPANS_SQL(true), params: [1, 0, 1e10, 120, '["a"]'], uses: [USER_TIME_RANGE], large: ["heartbeats"] },
  "heartbeat page": { sql: pageHeartbeatsSql(false), params: [1, 0, 2e9, 10], uses: [USER_TIME_RANGE], large: ["heartbeats"], noSort: true },
  "heartbeat page after a cursor": { sql: pageHeartbeatsSql(true), params: [1, 0, 2e9, 10, 5, 5], uses: [USER_TIME_RANGE], large: ["heartbeats"], noSort: true },
  "most recent heartbeat": { sql: recentAny.sql, params: recentAny.params, uses: ["SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=?)"], large: ["heartbeats"], noSort: true },
  "most recent heartbeat of a source and editor": {
    sql: recentFiltered.sql,
    params: recentFiltered.params,
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=?)"],
    large: ["heartbeats"],
    noSort: true,
  },
  "one day's heartbeats": { sql: HEARTBEATS_BETWEEN_SQL, params: [1, 0, 86_400], uses: [USER_TIME_RANGE], large: ["heartbeats"], noSort: true },
  "daily summaries": {
    sql: dailySummarySql(false),
    params: [1, days, 120e6, 253402300799],
    uses: ["SEARCH h USING INDEX heartbeats_user_time (user_id=? AND time>? AND time<?)"],
    large: ["h"],
  },
  "daily summaries of a project": {
    sql: dailySummarySql(true),
    params: [1, days, 120e6, 253402300799, "p"],
    uses: ["SEARCH h USING INDEX heartbeats_user_time (user_id=? AND time>? AND time<?)"],
    large: ["h"],
  },
  "active day count": { sql: ACTIVE_DAY_COUNT_SQL, params: [1, days], uses: ["SEARCH h EXISTS USING INDEX heartbeats_user_time (user_id=? AND time>? AND time<?)"], large: ["h"] },

  // The duration reference queries (db/durations.ts).
  "reference total": { sql: referenceDurationsSql(undefined, ""), params: [1, 0, 1e10, 120e6], uses: [USER_TIME_RANGE], large: ["heartbeats"] },
  "reference per project, filtered": {
    sql: referenceDurationsSql("project", excluding.clause),
    params: [1, 0, 1e10, 120e6, ...excluding.params],
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_project_time (user_id=? AND project=? AND time>? AND time<?)"],
    large: ["heartbeats"],
  },
  "boundary-aware total": {
    sql: boundaryAwareTotalSql(""),
    params: [1, 0, 1e10, 120e6],
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=? AND time<?)", USER_TIME_RANGE],
    large: ["heartbeats"],
  },
  "boundary-aware total's edge rows": {
    sql: boundaryRowsSql(projectsFilter.clause),
    params: [1, 0, 1e10, ...projectsFilter.params],
    // Two probes of the time index, each in index order (no sort), stopping at the first match.
    uses: ["SEARCH heartbeats USING INDEX heartbeats_user_time (user_id=? AND time<?)", USER_TIME_RANGE],
    large: ["heartbeats"],
    noSort: true,
  },
  "per-day reference durations, filtered": {
    sql: dailyDurationsSql(dayFilter.clause),
    params: [1, days, 120e6, ...dayFilter.params],
    // One day's slice of the time index per day, never the user's whole history.
    uses: ["SEARCH h USING INDEX heartbeats_user_time (user_id=? AND time>? AND time<?)"],
    large: ["h"],
  },
  "unique coding seconds": { sql: UNIQUE_CODING_SQL, params: [1, 0, 1e10, '["a"]', 120e6], uses: [USER_TIME_RANGE], large: ["heartbeats"] },

  // Leaderboard inputs (db/leaderboard-buckets.ts): a window is one range of the (bucket, user_id) index.
  "daily board totals": {
    sql: MINUTE_WINDOW_TOTALS_SQL,
    params: [0, 86_400, 60_500_000],
    uses: ["SEARCH lb_minute_buckets USING INDEX lb_minute_buckets_minute (minute>? AND minute<?)", "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"],
    large: ["lb_minute_buckets", "s"],
  },
  "weekly board totals": {
    sql: DAY_WINDOW_TOTALS_SQL,
    params: [0, 7 * 86_400, 60_500_000],
    uses: ["SEARCH lb_day_buckets USING INDEX lb_day_buckets_day (day>? AND day<?)", "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"],
    large: ["lb_day_buckets", "s"],
  },
  "a zone's board totals": {
    sql: ZONE_WINDOW_TOTALS_SQL,
    params: ["Europe/Berlin", 0, 86_400, 60_500_000],
    // The zone's users, then each one's primary-key range of minutes.
    uses: ["SEARCH s USING INDEX lb_streaks_timezone (timezone=?)", "SEARCH b USING INDEX sqlite_autoindex_lb_minute_buckets_1 (user_id=? AND minute>? AND minute<?)"],
    large: ["s", "b"],
  },
  "minute bucket pruning": {
    sql: pruneBucketsSql("minute"),
    params: [0, 1000],
    uses: ["SEARCH lb_minute_buckets USING COVERING INDEX lb_minute_buckets_minute (minute<?)"],
    large: ["lb_minute_buckets"],
  },
  "day bucket pruning": { sql: pruneBucketsSql("day"), params: [0, 1000], uses: ["SEARCH lb_day_buckets USING COVERING INDEX lb_day_buckets_day (day<?)"], large: ["lb_day_buckets"] },

  // Leaderboards (db/leaderboards.ts).
  "leaderboard entries written": { sql: INSERT_ENTRIES_SQL, params: [1, "[]", 1], uses: ["SEARCH u USING INTEGER PRIMARY KEY (rowid=?)"], large: ["u"] },
  "rankable profiles of a zone's board": {
    sql: RANKABLE_PROFILES_SQL,
    params: ["[]", 1],
    uses: ["SEARCH u USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH e USING INDEX email_addresses_user_id (user_id=?)"],
    large: ["u", "e"],
  },
  "leaderboard build start": {
    sql: START_BUILD_SQL,
    params: ["daily", "2026-01-01", 0, 1, "-900 seconds"],
    uses: ["SEARCH leaderboards USING INDEX leaderboards_period_finished (period=? AND finished_generating_at=?)"],
    large: ["leaderboards"],
  },
  "superseded leaderboards": {
    sql: DOOMED_BOARDS_SQL,
    params: ["daily", "-86400 seconds"],
    uses: ["SEARCH b USING INDEX leaderboards_period_finished (period=?)", "SEARCH n USING INDEX leaderboards_period_finished (period=? AND finished_generating_at>?)"],
    large: ["b", "n"],
  },
  "served leaderboard": {
    sql: SERVE_BOARD_SQL,
    params: ["daily"],
    // The shadowbanned users come from their partial index alone.
    uses: ["SEARCH leaderboards USING COVERING INDEX leaderboards_period_finished (period=? AND finished_generating_at>?)", "SCAN users USING COVERING INDEX users_leaderboard_shadowbanned"],
    large: ["leaderboards"],
  },
  "served leaderboard entry count": {
    sql: SERVE_ENTRY_COUNT_SQL,
    params: [1],
    uses: ["SEARCH le USING COVERING INDEX sqlite_autoindex_leaderboard_entries_1 (leaderboard_id=?)", "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)"],
    large: ["le", "u"],
  },
  "served leaderboard entries": {
    sql: SERVE_ENTRIES_SQL,
    params: [1, 100, 0],
    uses: ["SEARCH le USING INDEX leaderboard_entries_rank (leaderboard_id=?)", "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH e USING INDEX email_addresses_user_id (user_id=?)"],
    large: ["le", "u", "e"],
  },

  // Users (db/users.ts).
  "profile source": {
    sql: PROFILE_SOURCE_SQL,
    params: [1],
    uses: ["SEARCH u USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH e USING INDEX email_addresses_user_id (user_id=?)"],
    large: ["u", "e"],
  },
};

describe("query plans of the production statements", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const p = await plan(c.sql, c.params);
      for (const search of c.uses) expect(p, p).toContain(search);
      for (const table of c.large) expect(p, p).not.toMatch(new RegExp(`\\bSCAN ${table}\\b`));
      if (c.noSort) expect(p, p).not.toContain("TEMP B-TREE");
    });
  }
});
