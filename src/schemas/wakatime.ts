// WakaTime-shaped bodies: what third-party tools (wakatime-client, README generators, editor
// dashboards, the browser extension) read from WakaTime's API, as Tally answers them under both
// compat prefixes. Field names and types follow WakaTime's public API documentation
// (wakatime.com/developers); docs/wakatime-api.md says where Tally's values differ and why.
// Routes use them as response schemas (documented under WAKATIME_TAG in /api-docs/openapi.json)
// and the tests parse real answers with them.
import { z } from "@hono/zod-openapi";
import { GOAL_DELTAS, WEEKDAYS } from "../db/schema";
import { HeartbeatSchema } from "./heartbeat";

/** The OpenAPI tag of the WakaTime API that Hackatime's spec does not list. */
export const WAKATIME_TAG = "WakaTime API";

/** Hackatime's compat prefix, and Wakapi's, so tools configured for either find the same handlers. */
export const COMPAT_PREFIXES = ["/api/hackatime/v1", "/api/compat/wakatime/v1"] as const;
export type CompatPrefix = (typeof COMPAT_PREFIXES)[number];
export const HACKATIME_PREFIX: CompatPrefix = COMPAT_PREFIXES[0];
/** An operation's summary, told apart on Wakapi's prefix (Swagger UI lists both). */
export const summaryFor = (prefix: CompatPrefix, summary: string) => (prefix === HACKATIME_PREFIX ? summary : `${summary} [Wakapi prefix]`);

/** An optional query parameter; a repeated one counts by its last value (as Rails reads it), so no query string fails validation. */
export const lastValueParam = (description: string, example?: string) =>
  z
    .preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), z.string().optional())
    .openapi({ description, example, type: "string" });

/** `{id}`: a user id, Slack id or username, or "current" for the key's user. */
export const userIdParam = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: 'User id, Slack id or username, or "current" for the key\'s user. A name that is nobody\'s means the key\'s user, as Hackatime ignores it.',
    example: "current",
  }),
});

const isoTime = (example: string) => z.string().openapi({ example });

// ---------------------------------------------------------------------------------------------
// Users

export const WakaTimeUserSchema = z
  .object({
    data: z.object({
      id: z.string().openapi({ example: "42" }),
      username: z.string().nullable(),
      display_name: z.string(),
      full_name: z.string(),
      photo: z.string(),
      timezone: z.string(),
      created_at: z.string(),
      modified_at: z.string(),
      plan: z.literal("free"),
    }),
  })
  .openapi("WakaTimeUser");

// ---------------------------------------------------------------------------------------------
// Stats

/** One breakdown entry in WakaTime's style: digital "H:MM", text "2 hrs 17 mins". */
export const WakaTimeEntrySchema = z
  .object({
    name: z.string(),
    total_seconds: z.number(),
    percent: z.number(),
    digital: z.string().openapi({ example: "2:17" }),
    decimal: z.string().openapi({ example: "2.28" }),
    text: z.string().openapi({ example: "2 hrs 17 mins" }),
    hours: z.number().int(),
    minutes: z.number().int(),
    seconds: z.number().int(),
  })
  .openapi("WakaTimeEntry");

const MachineEntrySchema = WakaTimeEntrySchema.extend({ machine_name_id: z.string() });

const BestDaySchema = z
  .object({
    date: z.string().openapi({ example: "2026-05-29" }),
    total_seconds: z.number(),
    text: z.string().openapi({ example: "6 hrs 0 mins" }),
    digital: z.string(),
    decimal: z.string(),
  })
  .nullable()
  .openapi({ description: "The local day with the most time (its own day total, as the status bar counts it); null without activity" });

/** Fields every stats answer carries, whatever the range. */
const statsCommon = {
  user_id: z.string(),
  username: z.string(),
  range: z.string().openapi({ example: "last_30_days" }),
  human_readable_range: z.string().openapi({ example: "Last 30 Days" }),
  start: isoTime("2026-05-01T07:00:00Z"),
  end: isoTime("2026-05-31T06:59:59Z"),
  timezone: z.string(),
  status: z.literal("ok"),
  is_up_to_date: z.literal(true).openapi({ description: "Always true: the answer is computed when asked, never 202 Accepted" }),
  is_already_updating: z.boolean(),
  is_stuck: z.boolean(),
  is_including_today: z.boolean(),
  percent_calculated: z.literal(100),
  timeout: z.number().int().openapi({ description: "The keystroke timeout in minutes: 2 (Hackatime's 120-second cap)" }),
  writes_only: z.boolean(),
  holidays: z.number().int(),
  days_minus_holidays: z.number().int(),
  days_including_holidays: z.number().int(),
  total_seconds_including_other_language: z.number(),
  daily_average_including_other_language: z.number(),
  human_readable_total_including_other_language: z.string(),
  human_readable_daily_average_including_other_language: z.string(),
  best_day: BestDaySchema,
  dependencies: z.array(WakaTimeEntrySchema).max(0).openapi({ description: "Always empty: dependencies are not broken down" }),
  is_coding_activity_visible: z.boolean(),
  is_other_usage_visible: z.boolean(),
};

export const WakaTimeStatsSchema = z
  .object({
    data: z.object({
      ...statsCommon,
      total_seconds: z.number(),
      daily_average: z.number(),
      human_readable_total: z.string(),
      human_readable_daily_average: z.string(),
      categories: z.array(WakaTimeEntrySchema),
      projects: z.array(WakaTimeEntrySchema),
      languages: z.array(WakaTimeEntrySchema),
      editors: z.array(WakaTimeEntrySchema),
      operating_systems: z.array(WakaTimeEntrySchema),
      machines: z.array(MachineEntrySchema),
    }),
  })
  .openapi("WakaTimeStats", { description: "stats/{range}; last_7_days keeps Hackatime's answer (Last7DaysStats) with these fields added" });

/** Hackatime's calculate_category_stats entry: digital "%d:%02d:%02d", text "H hrs M mins". */
const HackatimeStatsEntry = z.object({
  name: z.string(),
  total_seconds: z.number().int(),
  percent: z.number(),
  digital: z.string().openapi({ example: "7:00:00" }),
  text: z.string().openapi({ example: "7 hrs 0 mins" }),
  hours: z.number().int(),
  minutes: z.number().int(),
  seconds: z.number().int(),
});

export const Last7DaysSchema = z
  .object({
    data: z.object({
      ...statsCommon,
      username: z.string().openapi({ description: "The Slack id (the username without one)" }),
      user_id: z.string().openapi({ description: "The Slack id (the numeric id without one)" }),
      start: z.string().openapi({ example: "2026-08-15T00:00:00-04:00" }),
      end: z.string().openapi({ example: "2026-08-22T23:59:59-04:00" }),
      total_seconds: z.number(),
      daily_average: z.number(),
      human_readable_total: z.string(),
      human_readable_daily_average: z.string(),
      editors: z.array(HackatimeStatsEntry),
      languages: z.array(HackatimeStatsEntry),
      machines: z.array(HackatimeStatsEntry),
      projects: z.array(HackatimeStatsEntry),
      operating_systems: z.array(HackatimeStatsEntry),
      categories: z.array(HackatimeStatsEntry),
    }),
  })
  .openapi("Last7DaysStats");

export const AllTimeSinceTodaySchema = z
  .object({
    data: z.object({
      total_seconds: z.number(),
      text: z.string().openapi({ example: "15 hrs 30 mins" }),
      decimal: z.string().openapi({ example: "15.50" }),
      digital: z.string().openapi({ example: "15:30" }),
      daily_average: z.number(),
      is_up_to_date: z.literal(true),
      percent_calculated: z.literal(100),
      timeout: z.number().int(),
      range: z.object({
        start: isoTime("2022-10-12T15:00:00Z"),
        start_date: z.string().openapi({ example: "2022-10-13" }),
        start_text: z.string().openapi({ example: "Thu Oct 13th 2022" }),
        end: isoTime("2022-10-23T14:59:59Z"),
        end_date: z.string(),
        end_text: z.literal("Today"),
        timezone: z.string(),
      }),
    }),
  })
  .openapi("AllTimeSinceToday");

// ---------------------------------------------------------------------------------------------
// Summaries (Hackatime's; only `projects` is filled)

/** A breakdown Hackatime never fills in daily summaries. */
const EmptyList = z.array(z.object({})).max(0).openapi({ description: "Always empty" });

const SummaryDuration = z.object({
  total_seconds: z.number().int(),
  hours: z.number().int(),
  minutes: z.number().int(),
  seconds: z.number().int(),
  digital: z.string().openapi({ example: "00:03:00" }),
  decimal: z.string().openapi({ example: "0.05" }),
  text: z.string().openapi({ example: "3m" }),
});

export const DailySummariesSchema = z
  .object({
    data: z.array(
      z.object({
        grand_total: SummaryDuration.extend({
          ai_input_tokens: z.number().int().optional(),
          ai_output_tokens: z.number().int().optional(),
          ai_model_breakdown: z.array(z.object({ name: z.string(), lines: z.number().int() })).optional(),
        }),
        branches: EmptyList,
        categories: EmptyList,
        dependencies: EmptyList,
        editors: EmptyList,
        entities: EmptyList,
        languages: EmptyList,
        machines: EmptyList,
        operating_systems: EmptyList,
        projects: z.array(SummaryDuration.extend({ name: z.string(), percent: z.number() })),
        range: z.object({ date: z.string(), start: z.string(), end: z.string(), text: z.string(), timezone: z.string() }),
      }),
    ),
    cumulative_total: SummaryDuration.omit({ total_seconds: true }),
    daily_average: z.object({
      holidays: z.number().int(),
      days_including_holidays: z.number().int(),
      days_minus_holidays: z.number().int(),
      seconds: z.number().int(),
      seconds_including_other_language: z.number().int(),
      text: z.string(),
      text_including_other_language: z.string(),
    }),
    start: z.string(),
    end: z.string(),
  })
  .openapi("DailySummaries");

// ---------------------------------------------------------------------------------------------
// Heartbeats and durations of a day

export const HeartbeatListSchema = z
  .object({
    data: z.array(HeartbeatSchema),
    start: isoTime("2026-08-10T04:00:00Z"),
    end: isoTime("2026-08-11T03:59:59Z"),
    timezone: z.string(),
  })
  .openapi("HeartbeatsOfDay");

export const DurationsSchema = z
  .object({
    data: z.array(
      z
        .object({
          time: z.number().openapi({ description: "Start, epoch seconds" }),
          duration: z.number().openapi({ description: "Seconds; the block's heartbeats' capped gaps (docs/wakatime-api.md)" }),
          color: z.null(),
        })
        .passthrough()
        .openapi({ description: "One more key, named as slice_by (project by default), holds the block's value: {project, time, duration, color}" }),
    ),
    branches: z.array(z.string()),
    start: isoTime("2026-08-10T04:00:00Z"),
    end: isoTime("2026-08-11T03:59:59Z"),
    timezone: z.string(),
  })
  .openapi("WakaTimeDurations");

// ---------------------------------------------------------------------------------------------
// Projects, user agents, machine names

export const WakaTimeProjectsSchema = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        repository: z.object({ url: z.string(), html_url: z.string() }).nullable(),
        badge: z.null(),
        color: z.null(),
        clients: z.array(z.string()).max(0),
        has_public_url: z.boolean(),
        url: z.string(),
        urlencoded_name: z.string(),
        first_heartbeat_at: z.string(),
        human_readable_first_heartbeat_at: z.string(),
        last_heartbeat_at: z.string(),
        human_readable_last_heartbeat_at: z.string(),
        created_at: z.string(),
      }),
    ),
    total: z.number().int(),
    total_pages: z.number().int(),
    page: z.number().int(),
  })
  .openapi("WakaTimeProjects");

export const UserAgentsSchema = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        value: z.string(),
        editor: z.string(),
        version: z.string().nullable(),
        os: z.string(),
        is_browser_extension: z.boolean(),
        is_desktop_app: z.boolean(),
        last_seen_at: z.string(),
        created_at: z.string(),
      }),
    ),
    total_pages: z.number().int(),
  })
  .openapi("WakaTimeUserAgents");

export const MachineNamesSchema = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        value: z.string(),
        ip: z.null().openapi({ description: "Not kept per machine" }),
        timezone: z.string(),
        last_seen_at: z.string(),
        created_at: z.string(),
      }),
    ),
    total_pages: z.number().int(),
  })
  .openapi("WakaTimeMachineNames");

// ---------------------------------------------------------------------------------------------
// Leaders

const LeaderUserSchema = z.object({
  id: z.string(),
  username: z.string().nullable(),
  display_name: z.string(),
  full_name: z.string(),
  photo: z.string(),
  photo_public: z.boolean(),
  email: z.null(),
  is_email_public: z.boolean(),
  website: z.null(),
  human_readable_website: z.null(),
  is_hireable: z.boolean(),
  city: z.null(),
});

export const LeadersSchema = z
  .object({
    current_user: z.object({ rank: z.number().int(), page: z.number().int(), user: LeaderUserSchema }).nullable(),
    data: z.array(
      z.object({
        rank: z.number().int(),
        running_total: z.object({
          total_seconds: z.number(),
          human_readable_total: z.string(),
          daily_average: z.number(),
          human_readable_daily_average: z.string(),
          languages: z.array(z.object({ name: z.string(), total_seconds: z.number() })),
        }),
        user: LeaderUserSchema,
      }),
    ),
    page: z.number().int(),
    total_pages: z.number().int(),
    language: z.string().nullable(),
    is_hireable: z.boolean().nullable(),
    country_code: z.string().nullable(),
    timeout: z.number().int(),
    writes_only: z.boolean(),
    modified_at: z.string(),
    range: z.object({
      name: z.literal("last_7_days"),
      text: z.string(),
      start_date: z.string(),
      start_text: z.string(),
      end_date: z.string(),
      end_text: z.string(),
    }),
  })
  .openapi("WakaTimeLeaders");

// ---------------------------------------------------------------------------------------------
// Goals

export const GOAL_STATUSES = ["success", "fail", "pending", "ignored"] as const;

const GoalStatus = z.enum(GOAL_STATUSES);

export const GoalSchema = z
  .object({
    id: z.string().openapi({ example: "3f0c1d52-8a6e-4f1b-9c1e-2d6a4f7b8c90", description: "A UUID v4, as wakatime-cli --today-goal requires" }),
    title: z.string().openapi({ example: "Code 1 hr per day" }),
    custom_title: z.string().nullable(),
    type: z.literal("coding"),
    delta: z.enum(GOAL_DELTAS),
    seconds: z.number().int(),
    languages: z.array(z.string()),
    projects: z.array(z.string()),
    editors: z.array(z.string()),
    ignore_days: z.array(z.enum(WEEKDAYS)),
    ignore_zero_days: z.boolean(),
    is_inverse: z.boolean(),
    is_enabled: z.boolean(),
    improve_by_percent: z.null(),
    is_snoozed: z.boolean(),
    snooze_until: z.null(),
    is_tweeting: z.boolean(),
    is_current_user_owner: z.boolean(),
    owner: z.object({ id: z.string(), username: z.string().nullable(), display_name: z.string(), full_name: z.string(), email: z.null(), photo: z.string() }),
    shared_with: z.array(z.object({})).max(0),
    subscribers: z.array(z.object({})).max(0),
    status: GoalStatus.openapi({ description: "The current period's status" }),
    average_status: z.enum(["success", "fail"]),
    cumulative_status: GoalStatus,
    status_percent_calculated: z.literal(100),
    range_text: z.string().openapi({ example: "from 2026-08-16 until 2026-08-22" }),
    chart_data: z.array(
      z.object({
        actual_seconds: z.number(),
        actual_seconds_text: z.string(),
        goal_seconds: z.number().int(),
        goal_seconds_text: z.string(),
        range_status: GoalStatus,
        range_status_reason: z.string(),
        range_status_reason_short: z.string(),
        range: z.object({
          date: z.string().optional().openapi({ description: "Daily goals only" }),
          start: z.string(),
          end: z.string(),
          text: z.string(),
          timezone: z.string(),
        }),
      }),
    ),
    created_at: z.string(),
    modified_at: z.string(),
  })
  .openapi("WakaTimeGoal");

export const GoalResponseSchema = z.object({ data: GoalSchema }).openapi("WakaTimeGoalResponse");
export const GoalsSchema = z.object({ data: z.array(GoalSchema), total: z.number().int(), total_pages: z.number().int() }).openapi("WakaTimeGoals");

const nameList = (what: string) => z.array(z.string().min(1).max(255)).max(50).openapi({ description: `Only these ${what} count (empty: all)` });

export const GoalInputSchema = z
  .object({
    delta: z.enum(GOAL_DELTAS),
    seconds: z.number().int().min(60).max(7 * 24 * 3600),
    custom_title: z.string().max(255).nullable().optional(),
    languages: nameList("languages").optional(),
    projects: nameList("projects").optional(),
    editors: nameList("editors").optional(),
    ignore_days: z.array(z.enum(WEEKDAYS)).max(7).optional(),
    ignore_zero_days: z.boolean().optional(),
    is_inverse: z.boolean().optional(),
    is_enabled: z.boolean().optional(),
  })
  .strict()
  .openapi("WakaTimeGoalInput");

export const GoalPatchSchema = GoalInputSchema.partial().strict().openapi("WakaTimeGoalPatch");
export type GoalInput = z.infer<typeof GoalInputSchema>;
export type GoalPatch = z.infer<typeof GoalPatchSchema>;

// ---------------------------------------------------------------------------------------------
// Meta

export const MetaSchema = z
  .object({
    data: z.object({
      ips: z.object({ api: z.array(z.string()).max(0), website: z.array(z.string()).max(0), worker: z.array(z.string()).max(0) }),
      ip_descriptions: z.object({ api: z.string(), website: z.string(), worker: z.string() }),
      last_modified_at: z.string(),
    }),
  })
  .openapi("WakaTimeMeta");
