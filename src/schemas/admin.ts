// Schemas of the admin API (/api/admin/v1/*): shared parameters, request bodies and responses.
import { z } from "@hono/zod-openapi";
import type { HeartbeatField } from "../db/heartbeat-fields";
import { HeartbeatJsonSchema, pickHeartbeatSchema } from "./heartbeat";
import { nullableString as nstr, queryParam as q } from "./params";

/** The heartbeat fields user/stats lists, in the spec's order (time as ISO 8601, dependencies the stored JSON text). */
export const ADMIN_STATS_HEARTBEAT_FIELDS = [
  "id",
  "time",
  "created_at",
  "project",
  "branch",
  "category",
  "dependencies",
  "editor",
  "entity",
  "language",
  "machine",
  "operating_system",
  "type",
  "user_agent",
  "line_additions",
  "line_deletions",
  "lineno",
  "lines",
  "cursorpos",
  "project_root_count",
  "is_write",
  "source_type",
  "ip_address",
] as const satisfies readonly HeartbeatField[];

// ---- parameters and bodies ----

/** user_id / id: the user an admin utility is about (`id` wins when both are given). */
export const targetQuery = {
  user_id: q("User ID", "42"),
  id: q("User ID (same as user_id; wins when both are given)"),
};

export const rangeQuery = {
  start_date: q("Start: epoch seconds or milliseconds, or a date (its UTC start)", "2026-08-01"),
  end_date: q("End: epoch seconds or milliseconds, or a date (its UTC end, 23:59:59)", "2026-08-22"),
};

/** A body value Rails reads as an id: a number or a string. */
export const idValue = z.union([z.number(), z.string()]).nullable().optional();
export const textValue = z.string().nullable().optional();

/** A JSON or form body (Rails reads both); all fields optional so the handlers give Hackatime's messages. */
export const formOrJsonBody = <T extends z.ZodRawShape>(shape: T) => ({
  content: {
    "application/json": { schema: z.object(shape).passthrough() },
    "application/x-www-form-urlencoded": { schema: z.object(shape).passthrough() },
  },
  required: false,
});

/**
 * An optional JSON object body that the operation judges itself: any JSON value is let through
 * (so that a malformed one gets the operation's own 422, not the shared validation answer), and
 * `properties` documents the fields.
 */
export const selfValidatedJsonBody = (properties: Record<string, { type: "string"; example?: string; description?: string; enum?: string[] }>, required?: string[]) => ({
  content: { "application/json": { schema: z.unknown().openapi({ type: "object", properties, ...(required ? { required } : {}) }) } },
  required: false,
});

// ---- users as other resources show them ----

export const PersonSchema = z.object({ id: z.number().int(), username: z.string(), display_name: z.string() });
export const AdminPersonSchema = PersonSchema.extend({ admin_level: z.string().openapi({ example: "admin" }) });

// ---- Admin, Admin Utils ----

export const CheckSchema = z
  .object({
    valid: z.boolean(),
    creator: z.object({ id: z.number().int(), username: z.string(), display_name: z.string(), admin_level: z.string() }),
    auth: z.object({ type: z.string() }),
    api_key: z.object({ id: z.number().int(), name: z.string(), created_at: z.string() }),
  })
  .openapi("AdminCheck");

export const BannedUsersSchema = z.object({
  banned_users: z.array(z.object({ id: z.number().int(), username: z.string(), email: z.string().openapi({ description: 'First email, or "no email"' }) })),
});

/** The profile fields user/info and user/info_batch share. */
const adminUserFields = {
  id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  slack_uid: nstr,
  slack_username: nstr,
  github_username: nstr,
  timezone: nstr,
  country_code: nstr,
};

export const UserInfoSchema = z
  .object({
    user: z
      .object({
        ...adminUserFields,
        admin_level: z.string(),
        trust_level: z.string(),
        suspected: z.boolean(),
        banned: z.boolean(),
        created_at: z.string(),
        updated_at: z.string(),
        last_heartbeat_at: z.number().nullable(),
        email_addresses: z.array(z.string()),
        api_keys_count: z.number().int(),
        stats: z.object({
          total_heartbeats: z.number().int(),
          total_coding_time: z.number(),
          languages_used: z.number().int(),
          projects_worked_on: z.number().int(),
          days_active: z.number().int(),
        }),
      })
      .passthrough(),
  })
  .openapi("AdminUserInfo");

export const InfoBatchSchema = z.object({
  users: z.array(
    z.object({
      ...adminUserFields,
      trust_level: z.string(),
      avatar_url: nstr,
      slack_avatar_url: nstr,
      github_avatar_url: nstr,
    }),
  ),
});

// The spec types source_type as nullable in both admin heartbeat listings; ours is never null.
const specSourceType = { source_type: nstr };

// heartbeatJson's row (schemas/heartbeat.ts, derived from the table) and Hackatime's ja4.
const AdminHeartbeatSchema = HeartbeatJsonSchema.extend({ ...specSourceType, ja4: z.object({ fingerprint: z.string(), name: nstr }).nullable() });

export const UserHeartbeatsSchema = z.object({ user_id: z.number().int(), heartbeats: z.array(AdminHeartbeatSchema), total_count: z.number().int(), has_more: z.boolean() });

export const HeartbeatValuesSchema = z.object({ user_id: z.number().int(), field: z.string(), values: z.array(z.string()), count: z.number().int() });

export const UsersByIpSchema = z.object({ users: z.array(z.object({ user_id: z.number().int(), ip_address: z.string(), machine: nstr, user_agent: nstr })) });
export const UsersByMachineSchema = z.object({ users: z.array(z.object({ user_id: z.number().int(), machine: z.string() })) });

export const AdminUserStatsSchema = z.object({
  user_id: z.number().int(),
  username: z.string(),
  date: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  timezone: nstr,
  total_heartbeats: z.number().int(),
  total_duration: z.number(),
  has_more: z.boolean(),
  heartbeats: z.array(pickHeartbeatSchema(ADMIN_STATS_HEARTBEAT_FIELDS).extend({ time: z.string(), ...specSourceType })),
});

export const AdminUserProjectsSchema = z.object({
  user_id: z.number().int(),
  username: z.string(),
  total_projects: z.number().int(),
  projects: z.array(
    z.object({
      name: z.string(),
      total_heartbeats: z.number().int(),
      total_duration: z.number(),
      first_heartbeat: z.number().nullable(),
      last_heartbeat: z.number().nullable(),
      languages: z.array(z.string()),
      repo: nstr,
      repo_mapping_id: z.number().int().nullable(),
      archived: z.boolean(),
    }),
  ),
});

export const TrustLogsSchema = z.object({
  trust_logs: z.array(
    z.object({
      id: z.number().int(),
      previous_trust_level: nstr,
      new_trust_level: z.string(),
      reason: nstr,
      notes: nstr,
      created_at: z.string(),
      changed_by: z.object({ id: z.number().int(), username: z.string(), display_name: z.string(), admin_level: z.string() }).nullable(),
    }),
  ),
});

export const FuzzyUsersSchema = z.object({
  users: z.array(
    z.object({
      id: z.number().int(),
      username: z.string(),
      slack_username: nstr,
      github_username: nstr,
      slack_avatar_url: nstr,
      github_avatar_url: nstr,
      email: z.string(),
      rank_score: z.number(),
    }),
  ),
});

export const ConvictSchema = z.object({
  success: z.boolean(),
  message: z.string(),
  user: z.object({ id: z.number().int(), username: z.string(), trust_level: z.string(), updated_at: z.string() }),
  audit_log: z.object({ changed_by: z.string(), reason: z.string(), notes: nstr, timestamp: z.string() }),
});

// ---- Admin Timeline ----

export const UserCardsSchema = z.object({ users: z.array(z.object({ id: z.number().int(), display_name: nstr, avatar_url: nstr }).openapi("TimelineUser")) });

const TimelineSpanSchema = z.object({
  start_time: z.number(),
  end_time: z.number(),
  duration: z.number().openapi({ description: "end_time − start_time (no padding)" }),
  files_edited: z.array(z.string()),
  projects_edited_details: z.array(z.object({ name: z.string(), repo_url: nstr })),
  editors: z.array(z.string()),
  languages: z.array(z.string()),
});

export const TimelineSchema = z
  .object({
    date: z.string(),
    next_date: z.string(),
    prev_date: z.string(),
    users: z.array(
      z.object({
        user: z.object({ id: z.number().int(), username: z.string(), display_name: nstr, slack_username: nstr, github_username: nstr, timezone: nstr, avatar_url: nstr }),
        spans: z.array(TimelineSpanSchema),
        total_coded_time: z.number(),
      }),
    ),
    commit_markers: z.array(
      z.object({ user_id: z.number().int(), timestamp: z.number(), additions: z.number().int().nullable(), deletions: z.number().int().nullable(), github_url: nstr }),
    ),
  })
  .openapi("Timeline");

// ---- Admin Resources ----

export const AdminApiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string().openapi({ example: "CI key" }),
    token_preview: z.string().openapi({ example: "hka_1a2b3c4d5...", description: 'First 13 characters of the key, then "..."' }),
    user: AdminPersonSchema,
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi("AdminApiKey");

export const CreatedAdminApiKeySchema = z.object({
  success: z.boolean(),
  message: z.string(),
  admin_api_key: z.object({
    id: z.number().int(),
    name: z.string(),
    token: z.string().openapi({ example: `hka_${"0".repeat(64)}`, description: "The plain key; shown only in this response" }),
    created_at: z.string(),
  }),
});

export const CreateAdminApiKeyFailedSchema = z.object({
  error: z.string().openapi({ example: "Failed to create admin API key" }),
  errors: z.array(z.string().openapi({ example: "Name can't be blank" })),
});

export const PermissionUserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    display_name: z.string().nullable(),
    slack_username: nstr,
    github_username: nstr,
    admin_level: z.string().openapi({ example: "admin" }),
    email_addresses: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("PermissionUser");

export const PermissionUpdatedSchema = z.object({
  success: z.boolean(),
  message: z.string(),
  user: z.object({
    id: z.number().int(),
    username: z.string(),
    display_name: z.string().nullable(),
    admin_level: z.string(),
    previous_admin_level: z.string(),
    updated_at: z.string(),
  }),
});

const auditLogFields = {
  id: z.number().int(),
  previous_trust_level: nstr.openapi({ example: "blue" }),
  new_trust_level: nstr.openapi({ example: "red" }),
  changed_by: PersonSchema.extend({ admin_level: z.string().openapi({ example: "superadmin" }) })
    .nullable()
    .openapi({ description: "The admin who made the change (null if that account no longer exists)" }),
  reason: nstr,
  notes: nstr,
  created_at: z.string(),
};

export const AuditLogSchema = z.object({ ...auditLogFields, user: PersonSchema }).openapi("TrustLevelAuditLog");
export const AuditLogDetailSchema = z
  .object({
    ...auditLogFields,
    user: PersonSchema.extend({ current_trust_level: z.string().openapi({ example: "red" }) }),
    updated_at: z.string(),
  })
  .openapi("TrustLevelAuditLogDetail");

export const DeletionRequestSchema = z
  .object({
    id: z.number().int().openapi({ example: 101 }),
    user_id: z.number().int().openapi({ example: 42 }),
    user: PersonSchema.nullable(),
    status: z.enum(["pending", "approved", "cancelled", "completed"]),
    reason: nstr,
    reason_details: nstr,
    requested_at: z.string(),
    scheduled_deletion_at: nstr,
    completed_at: nstr,
    cancelled_at: nstr,
    admin_approved_at: nstr,
    admin_approved_by: PersonSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("DeletionRequest");
