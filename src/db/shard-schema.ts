// The tables of every shard database: per-user data that grows with heartbeats. A user's rows
// live in the shard recorded on the user (users.shard, main database); src/db/shards.ts picks
// the binding. `npm run db:generate` writes these migrations to migrations-shard/.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, updatedAt } from "./columns";

export const SOURCE_TYPES = ["direct_entry", "wakapi_import", "test_entry"] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const heartbeats = sqliteTable(
  "heartbeats",
  {
    id: integer("id").primaryKey(), // allocated from id_sequences: unique across shards
    userId: integer("user_id").notNull(),
    time: real("time").notNull(),
    entity: text("entity"),
    type: text("type"),
    category: text("category"),
    project: text("project"),
    branch: text("branch"),
    language: text("language"),
    editor: text("editor"),
    operatingSystem: text("operating_system"),
    machine: text("machine"),
    userAgent: text("user_agent"),
    dependencies: text("dependencies"), // JSON array of strings, or NULL
    isWrite: integer("is_write", { mode: "boolean" }),
    lineno: integer("lineno"),
    cursorpos: integer("cursorpos"),
    lines: integer("lines"),
    lineAdditions: integer("line_additions"),
    lineDeletions: integer("line_deletions"),
    projectRootCount: integer("project_root_count"),
    aiModel: text("ai_model"),
    aiSession: text("ai_session"),
    aiSubscriptionPlan: text("ai_subscription_plan"),
    aiInputTokens: integer("ai_input_tokens"),
    aiOutputTokens: integer("ai_output_tokens"),
    aiPromptLength: integer("ai_prompt_length"),
    aiLineChanges: integer("ai_line_changes"),
    humanLineChanges: integer("human_line_changes"),
    sourceType: text("source_type", { enum: SOURCE_TYPES }).notNull().default("direct_entry"),
    ipAddress: text("ip_address"),
    yswsProgram: integer("ysws_program").notNull().default(0),
    fieldsHash: text("fields_hash").notNull(),
    deletedAt: text("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Dedup: the same user sending the same normalised heartbeat maps to one live row.
    uniqueIndex("heartbeats_user_fields_hash")
      .on(t.userId, t.fieldsHash)
      .where(sql`deleted_at IS NULL`),
    index("heartbeats_user_time").on(t.userId, t.time, t.id),
    index("heartbeats_user_project_time").on(t.userId, t.project, t.time),
    // Admin lookups: which users share an IP address or a machine.
    index("heartbeats_ip_user").on(t.ipAddress, t.userId),
    index("heartbeats_machine_user").on(t.machine, t.userId),
  ],
);

// Heartbeat ids are unique across shards: shard k hands out k·2^40 + 1, k·2^40 + 2, … from this
// counter (one row per sequence), never reusing one, so a user moved between shards keeps their
// ids (YSWS claims and admin tools refer to them).
export const idSequences = sqliteTable("id_sequences", {
  name: text("name").primaryKey(),
  last: integer("last").notNull(),
});

// Staged import data: the heartbeats of one slice as a JSON array (bounded size).
export const heartbeatImportSlices = sqliteTable(
  "heartbeat_import_slices",
  {
    importId: integer("import_id").notNull(), // heartbeat_imports.id in the main database
    seq: integer("seq").notNull(),
    body: text("body").notNull(),
    doneAt: text("done_at"),
    // What importing the slice counted, recorded with done_at in one statement; the run's
    // counters in the main database are these summed (so a slice counts once).
    processed: integer("processed").notNull().default(0),
    imported: integer("imported").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    errors: integer("errors").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);


// Leaderboard inputs, kept by each user's UserActivity next to their heartbeats (in the user's
// shard; db/leaderboard-buckets.ts). Per UTC bucket [start, start + size) of the user's
// leaderboard-eligible heartbeats (durations/dimensions.ts LEADERBOARD chain): gap_sum = Σ capped
// gaps of its heartbeats (µs), first_gap = the gap of its first heartbeat (µs), n = how many.
// A window made of whole buckets totals Σ gap_sum − the first non-empty bucket's first_gap.
// Minute buckets (start = epoch minute) cover the last 26 hours; day buckets (start = UTC
// midnight) the last 8 days (the cron prunes older ones).
const bucketTable = (name: string, bucket: string) =>
  sqliteTable(
    name,
    {
      userId: integer("user_id").notNull(),
      start: integer(bucket).notNull(),
      gapSum: integer("gap_sum").notNull(),
      firstGap: integer("first_gap").notNull(),
      n: integer("n").notNull(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.start] }), index(`${name}_${bucket}`).on(t.start, t.userId)],
  );

export const lbMinuteBuckets = bucketTable("lb_minute_buckets", "minute");
export const lbDayBuckets = bucketTable("lb_day_buckets", "day");

// Per user: the zone their projection counts local days in, and their latest run of consecutive
// local days with ≥ 15 min of non-browsing time (length 0, last_day NULL: none).
export const lbStreaks = sqliteTable(
  "lb_streaks",
  {
    userId: integer("user_id").primaryKey(),
    timezone: text("timezone").notNull(),
    lastDay: text("last_day"),
    length: integer("length").notNull(),
  },
  (t) => [index("lb_streaks_timezone").on(t.timezone, t.userId)],
);


export type HeartbeatRow = typeof heartbeats.$inferSelect;
