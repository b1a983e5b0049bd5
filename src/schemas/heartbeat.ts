import { z } from "@hono/zod-openapi";
import { HEARTBEAT_COLUMNS, pickFields, type FieldKind, type HeartbeatColumnOf, type HeartbeatField } from "../db/heartbeat-fields";

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

// ---- the stored columns, derived from the heartbeats table (db/heartbeat-fields.ts) ----

/** A column's zod schema in JSON terms: the table decides integer/number/string/boolean and null. */
type ZodOfKind<C> = C extends { _: { dataType: "boolean" } } ? z.ZodBoolean : C extends { _: { dataType: "number" } } ? z.ZodNumber : C extends { _: { dataType: "string" } } ? z.ZodString : never;
type ZodOfColumn<C> = C extends { _: { notNull: true } } ? ZodOfKind<C> : z.ZodNullable<ZodOfKind<C>>;
export type HeartbeatColumnSchemas = { [F in HeartbeatField]: ZodOfColumn<HeartbeatColumnOf<F>> };

const ZOD_OF_KIND: Record<FieldKind, () => z.ZodNumber | z.ZodString | z.ZodBoolean> = {
  integer: () => z.number().int(),
  real: () => z.number(),
  text: () => z.string(),
  boolean: () => z.boolean(),
};

/** Every heartbeat column's schema by SQL name, in table order (dependencies: the stored JSON text). */
export const heartbeatColumnSchemas = Object.fromEntries(
  HEARTBEAT_COLUMNS.map((c) => [c.name, c.nullable ? ZOD_OF_KIND[c.kind]().nullable() : ZOD_OF_KIND[c.kind]()]),
) as HeartbeatColumnSchemas;

/** An object of the named columns, in the order given. */
export function pickHeartbeatSchema<const F extends HeartbeatField>(fields: readonly F[]): z.ZodObject<Pick<HeartbeatColumnSchemas, F>> {
  return z.object(pickFields(heartbeatColumnSchemas, fields));
}

/**
 * What heartbeatJson answers, unnamed (the admin listing extends it): every column but
 * ysws_program, dependencies as a list of names.
 */
export const HeartbeatJsonSchema = z
  .object(heartbeatColumnSchemas)
  .omit({ ysws_program: true })
  .extend({ dependencies: z.array(z.string()) });

export const HeartbeatSchema = HeartbeatJsonSchema.openapi("Heartbeat");

export const IngestErrorSchema = z.object({ error: z.string(), type: z.string() }).openapi("HeartbeatError");

export const BulkResponseSchema = z
  .object({
    responses: z.array(z.tuple([z.union([HeartbeatSchema, IngestErrorSchema]), z.number().int()])),
  })
  .openapi("HeartbeatBulkResponse");
