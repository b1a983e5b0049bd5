import { z } from "@hono/zod-openapi";

const category = z.string().openapi({ example: "coding" });

/** What clients send (documentation; bodies are parsed leniently item by item). */
export const HeartbeatInputSchema = z
  .object({
    entity: z.string().openapi({ example: "/home/dev/app/src/main.ts" }),
    type: z.string().openapi({ example: "file" }),
    time: z.union([z.number(), z.string()]).openapi({ example: 1732485600.25 }),
    category: category.optional(),
    project: z.string().optional(),
    project_root_count: z.number().int().optional(),
    branch: z.string().optional(),
    language: z.string().optional(),
    dependencies: z.array(z.string()).optional(),
    lines: z.number().int().optional(),
    lineno: z.number().int().optional(),
    cursorpos: z.number().int().optional(),
    is_write: z.boolean().optional(),
    line_additions: z.number().int().optional(),
    line_deletions: z.number().int().optional(),
    ai_line_changes: z.number().int().optional(),
    human_line_changes: z.number().int().optional(),
    ai_session: z.string().optional(),
    ai_subscription_plan: z.string().optional(),
    ai_input_tokens: z.number().int().optional(),
    ai_output_tokens: z.number().int().optional(),
    ai_prompt_length: z.number().int().optional(),
    user_agent: z.string().optional(),
    plugin: z.string().optional(),
  })
  .openapi("HeartbeatInput");

export const HeartbeatSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    time: z.number(),
    entity: z.string().nullable(),
    type: z.string().nullable(),
    category: z.string().nullable(),
    project: z.string().nullable(),
    branch: z.string().nullable(),
    language: z.string().nullable(),
    editor: z.string().nullable(),
    operating_system: z.string().nullable(),
    machine: z.string().nullable(),
    user_agent: z.string().nullable(),
    dependencies: z.array(z.string()),
    is_write: z.boolean().nullable(),
    lineno: z.number().int().nullable(),
    cursorpos: z.number().int().nullable(),
    lines: z.number().int().nullable(),
    line_additions: z.number().int().nullable(),
    line_deletions: z.number().int().nullable(),
    project_root_count: z.number().int().nullable(),
    source_type: z.string(),
    ip_address: z.string().nullable(),
    fields_hash: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .passthrough()
  .openapi("Heartbeat");

export const IngestErrorSchema = z.object({ error: z.string(), type: z.string() }).openapi("HeartbeatError");

export const BulkResponseSchema = z
  .object({
    responses: z.array(z.tuple([z.union([HeartbeatSchema, IngestErrorSchema]), z.number().int()])),
  })
  .openapi("HeartbeatBulkResponse");
