import { z } from "@hono/zod-openapi";

const DurationItem = z.object({
  name: z.string(),
  total_seconds: z.number(),
  percent: z.number(),
  digital: z.string(),
  decimal: z.string(),
  text: z.string(),
  hours: z.number().int(),
  minutes: z.number().int(),
  seconds: z.number().int(),
});

export const StatusBarSchema = z
  .object({
    cached_at: z.string(),
    has_team_features: z.boolean(),
    data: z.object({
      grand_total: z.object({
        text: z.string().openapi({ example: "1h 5m" }),
        total_seconds: z.number().openapi({ example: 3900 }),
        hours: z.number().int(),
        minutes: z.number().int(),
        digital: z.string(),
        decimal: z.string(),
      }),
      goal: z
        .object({ target_seconds: z.number(), tracked_seconds: z.number(), completion_percent: z.number(), complete: z.boolean() })
        .nullable()
        .optional(),
      categories: z.array(DurationItem),
      projects: z.array(DurationItem),
      languages: z.array(DurationItem),
      editors: z.array(DurationItem),
      operating_systems: z.array(DurationItem),
      machines: z.array(DurationItem.extend({ machine_name_id: z.string() })),
      dependencies: z.array(DurationItem),
      range: z.object({ date: z.string(), start: z.string(), end: z.string(), text: z.string(), timezone: z.string() }),
    }),
  })
  .openapi("StatusBarToday");
