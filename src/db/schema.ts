// The main database's tables: what is shared across users (users, keys, admin keys, audit logs,
// leaderboards, deletion requests, mappings, imports, exports, Slack). Per-user tables that grow
// with heartbeats live in every shard database (shard-schema.ts). `npm run db:generate` turns
// changes here into a new flat SQL file in migrations/ (applied by wrangler and the tests).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

import { createdAt, updatedAt } from "./columns";

export const ADMIN_LEVELS = ["default", "viewer", "admin", "superadmin", "ultraadmin"] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull().unique(),
    displayNameOverride: text("display_name_override"),
    slackUid: text("slack_uid").unique(),
    slackUsername: text("slack_username"),
    slackAvatarUrl: text("slack_avatar_url"),
    githubUid: text("github_uid"),
    githubUsername: text("github_username"),
    githubAvatarUrl: text("github_avatar_url"),
    timezone: text("timezone").notNull().default("UTC"),
    adminLevel: text("admin_level", { enum: ADMIN_LEVELS }).notNull().default("default"),
    // blue 0 (unscored), red 1 (convicted), green 2 (trusted), yellow 3 (suspected; shown as blue)
    trustLevel: integer("trust_level").notNull().default(0),
    allowPublicStatsLookup: integer("allow_public_stats_lookup", { mode: "boolean" }).notNull().default(true),
    leaderboardShadowbanned: integer("leaderboard_shadowbanned", { mode: "boolean" }).notNull().default(false),
    countryCode: text("country_code"),
    // The shard database holding this user's heartbeats (src/db/shards.ts), chosen at creation.
    shard: integer("shard").notNull().default(0),
    // During a move between shards, the shard that holds a partial copy of the user's rows (the
    // target while copying, the old shard while its rows are deleted): cross-user sums skip it.
    staleShard: integer("stale_shard"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("users_admin_level").on(t.adminLevel),
    index("users_trust_level").on(t.trustLevel),
    index("users_shard").on(t.shard),
    index("users_stale_shard").on(t.staleShard).where(sql`stale_shard IS NOT NULL`),
    // The few shadowbanned users: a served leaderboard's cache key names them (domain/leaderboards.ts).
    index("users_leaderboard_shadowbanned").on(t.id).where(sql`leaderboard_shadowbanned = 1`),
    // GitHub sign-in finds the account by GitHub's numeric user id.
    index("users_github_uid").on(t.githubUid),
  ],
);

export const emailAddresses = sqliteTable(
  "email_addresses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    email: text("email").notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index("email_addresses_user_id").on(t.userId)],
);

// User API keys: lowercase UUID v4 (what wakatime-cli accepts). Only a SHA-256 hash is stored.
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull().default("Hackatime key"),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("api_keys_user_id").on(t.userId)],
);

// Hashes of user API keys that rotation or the internal revoker retired, so that a client still
// holding one is told "revoked" rather than "unknown". Deleted with the account.
export const revokedApiKeys = sqliteTable(
  "revoked_api_keys",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(), // when it was revoked
  },
  (t) => [index("revoked_api_keys_user_id").on(t.userId)],
);

// Admin API keys: "hka_" + 64 hex, hashed; the 13-character preview is what lists show.
export const adminApiKeys = sqliteTable(
  "admin_api_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    tokenPreview: text("token_preview").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    index("admin_api_keys_user_id").on(t.userId),
    // An owner's active keys have distinct names.
    uniqueIndex("admin_api_keys_active_name").on(t.userId, t.name).where(sql`revoked_at IS NULL`),
  ],
);

export const DELETION_STATUSES = ["pending", "approved", "cancelled", "completed"] as const;

export const deletionRequests = sqliteTable(
  "deletion_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: DELETION_STATUSES }).notNull().default("pending"),
    reason: text("reason"),
    reasonDetails: text("reason_details"),
    requestedAt: createdAt(),
    scheduledDeletionAt: text("scheduled_deletion_at"),
    adminApprovedById: integer("admin_approved_by_id"),
    adminApprovedAt: text("admin_approved_at"),
    cancelledAt: text("cancelled_at"),
    completedAt: text("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("deletion_requests_user_status").on(t.userId, t.status),
    index("deletion_requests_status_scheduled").on(t.status, t.scheduledDeletionAt),
    index("deletion_requests_status_completed").on(t.status, t.completedAt),
  ],
);

// A user's settings for one project: its repository URL and whether it is archived
// (archived projects drop out of project lists).
export const projectRepoMappings = sqliteTable(
  "project_repo_mappings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    projectName: text("project_name").notNull(),
    repoUrl: text("repo_url"),
    archivedAt: text("archived_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("project_repo_mappings_user_project").on(t.userId, t.projectName)],
);

// Every trust-level change, written only when the level actually changes.
export const trustLevelAuditLogs = sqliteTable(
  "trust_level_audit_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    changedById: integer("changed_by_id").references(() => users.id),
    previousTrustLevel: text("previous_trust_level").notNull(),
    newTrustLevel: text("new_trust_level").notNull(),
    reason: text("reason"),
    notes: text("notes"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("trust_level_audit_logs_user").on(t.userId, t.createdAt),
    index("trust_level_audit_logs_created").on(t.createdAt),
    index("trust_level_audit_logs_changed_by").on(t.changedById, t.createdAt),
  ],
);

export const LEADERBOARD_PERIODS = ["daily", "last_7_days"] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];

// A leaderboard snapshot: built by one cron invocation from the buckets below, served once finished.
export const leaderboards = sqliteTable(
  "leaderboards",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    period: text("period", { enum: LEADERBOARD_PERIODS }).notNull(),
    startDate: text("start_date").notNull(), // UTC date the board is keyed by
    windowStart: real("window_start").notNull(),
    windowEnd: real("window_end").notNull(),
    finishedGeneratingAt: text("finished_generating_at"),
    createdAt: createdAt(),
  },
  (t) => [index("leaderboards_period_finished").on(t.period, t.finishedGeneratingAt)],
);

export const leaderboardEntries = sqliteTable(
  "leaderboard_entries",
  {
    leaderboardId: integer("leaderboard_id")
      .notNull()
      .references(() => leaderboards.id),
    userId: integer("user_id").notNull(),
    totalSeconds: integer("total_seconds").notNull(),
    streakCount: integer("streak_count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.leaderboardId, t.userId] }),
    index("leaderboard_entries_rank").on(t.leaderboardId, t.totalSeconds),
    index("leaderboard_entries_user").on(t.userId),
  ],
);

export const IMPORT_STATES = ["queued", "requesting_dump", "waiting_for_dump", "downloading_dump", "importing", "completed", "failed"] as const;
export const IMPORT_SOURCE_KINDS = ["dev_upload", "wakatime_dump", "hackatime_v1_dump", "wakatime_download_link"] as const;

// A heartbeat import run. The request stages the file (or the downloaded dump) in slices;
// the queue consumer imports slice by slice and keeps these counters.
export const heartbeatImports = sqliteTable(
  "heartbeat_imports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    state: text("state", { enum: IMPORT_STATES }).notNull().default("queued"),
    sourceKind: text("source_kind", { enum: IMPORT_SOURCE_KINDS }).notNull(),
    sourceFilename: text("source_filename"),
    remoteDumpStatus: text("remote_dump_status"),
    remotePercentComplete: real("remote_percent_complete"),
    totalCount: integer("total_count").notNull().default(0),
    processedCount: integer("processed_count").notNull().default(0),
    importedCount: integer("imported_count").notNull().default(0),
    skippedCount: integer("skipped_count").notNull().default(0),
    errorsCount: integer("errors_count").notNull().default(0),
    slicesTotal: integer("slices_total").notNull().default(0),
    slicesDone: integer("slices_done").notNull().default(0),
    message: text("message"),
    errorMessage: text("error_message"),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("heartbeat_imports_user_state").on(t.userId, t.state)],
);

// A requested export: the range it covers; the download is streamed from heartbeats.
export const heartbeatExports = sqliteTable(
  "heartbeat_exports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    startTime: real("start_time").notNull(),
    endTime: real("end_time").notNull(),
    allData: integer("all_data", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("heartbeat_exports_user").on(t.userId, t.createdAt)],
);

// Sailors' Log: per (user, Slack channel) notification preference.
export const sailorsLogPreferences = sqliteTable(
  "sailors_log_preferences",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    slackChannelId: text("slack_channel_id").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("sailors_log_preferences_user_channel").on(t.userId, t.slackChannelId), index("sailors_log_preferences_channel").on(t.slackChannelId, t.enabled)],
);

export const SIGN_IN_METHODS = ["api_key", "github"] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

// Browser sessions of the web app (src/web). The cookie carries a random token; only its SHA-256
// hash is stored. Each session has its own CSRF token for the forms it renders. A session
// lives SESSION_DAYS (domain/sessions.ts) from sign-in; sign-out, revocation in settings, key
// rotation and account deletion delete the rows.
export const webSessions = sqliteTable(
  "web_sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    tokenHash: text("token_hash").notNull().unique(),
    csrfToken: text("csrf_token").notNull(),
    signInMethod: text("sign_in_method", { enum: SIGN_IN_METHODS }).notNull(),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastSeenAt: text("last_seen_at")
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("web_sessions_user").on(t.userId, t.id)],
);

export type WebSessionRow = typeof webSessions.$inferSelect;

export const GOAL_DELTAS = ["day", "week"] as const;
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const jsonList = <T extends string>(name: string) =>
  text(name, { mode: "json" })
    .$type<T[]>()
    .notNull()
    .default(sql`'[]'`);

// A coding goal in WakaTime's shape: so many seconds per local day or week (weeks start on
// Monday), optionally only some languages, projects or editors. The id is a UUID v4, the only
// id form wakatime-cli's --today-goal accepts.
export const goals = sqliteTable(
  "goals",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    delta: text("delta", { enum: GOAL_DELTAS }).notNull(),
    seconds: integer("seconds").notNull(),
    customTitle: text("custom_title"),
    languages: jsonList<string>("languages"),
    projects: jsonList<string>("projects"),
    editors: jsonList<string>("editors"),
    ignoreDays: jsonList<(typeof WEEKDAYS)[number]>("ignore_days"),
    ignoreZeroDays: integer("ignore_zero_days", { mode: "boolean" }).notNull().default(false),
    isInverse: integer("is_inverse", { mode: "boolean" }).notNull().default(false),
    isEnabled: integer("is_enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("goals_user").on(t.userId, t.createdAt)],
);

export type UserRow = typeof users.$inferSelect;
export type GoalRow = typeof goals.$inferSelect;
/** users.trust_level's stored values, by Hackatime's enum names (yellow is shown as blue in public). */
export const TRUST_LEVELS = { blue: 0, red: 1, green: 2, yellow: 3 } as const;
export type TrustLevelName = keyof typeof TRUST_LEVELS;
