// The heartbeat field list, derived in one place from its single source: the `heartbeats` table
// in schema.ts. Its columns (name, type, nullability) decide the stored row type, the normalised
// heartbeat that ingest inserts, the insert statement's column list (db/heartbeats.ts), the keys
// the dedup hash may name (domain/heartbeats/normalize.ts) and the zod/OpenAPI schemas of the
// heartbeat the API shows (schemas/heartbeat.ts, also used by the admin routes). Adding or
// retyping a column there updates all of them; renaming one fails to compile wherever a rule
// names it. No other file lists the heartbeat columns.
//
// One representation: the SQL column names (snake_case), mapped here, once, from the table's
// camelCase property names. Heartbeats are read and written with raw D1 statements, not with
// drizzle's query builder (`SELECT *` pages, one json_each bulk insert that keeps D1's
// 100-bound-parameter limit out of the way), so D1 returns rows keyed by column name, and
// Hackatime's API shows the same names. Camel-case copies would need a mapping on every read.
import { getTableColumns } from "drizzle-orm";
import { heartbeats } from "./schema";

type Columns = typeof heartbeats._.columns;
type Key = keyof Columns;
type NameOf<K extends Key> = Columns[K]["_"]["name"];
type OrNull<K extends Key, T> = Columns[K]["_"]["notNull"] extends true ? T : T | null;

/** A heartbeat column's SQL name. */
export type HeartbeatField = NameOf<Key>;

/** The drizzle column whose SQL name is F. */
export type HeartbeatColumnOf<F extends HeartbeatField> = { [K in Key]: NameOf<K> extends F ? Columns[K] : never }[Key];

/**
 * A stored heartbeat as D1 returns it (`SELECT * FROM heartbeats`): every column by SQL name,
 * with the driver's value, so `is_write` is 0/1 and `dependencies` the stored JSON text.
 */
export type StoredHeartbeat = { [K in Key as NameOf<K>]: OrNull<K, Columns[K]["_"]["driverParam"]> };

/** The same fields as the application uses them: drizzle's `$inferSelect` by SQL name (`is_write` a boolean). */
export type HeartbeatValues = { [K in Key as NameOf<K>]: (typeof heartbeats.$inferSelect)[K] };

/** The columns D1 fills itself (the id, defaults, later updates); ingest never sets them. */
export const SERVER_SET_FIELDS = ["id", "ysws_program", "deleted_at", "created_at", "updated_at"] as const satisfies readonly HeartbeatField[];
type ServerSetField = (typeof SERVER_SET_FIELDS)[number];

/** A heartbeat ready to insert: every other column (is_write is bound through JSON as 1/0). */
export type NormalizedHeartbeat = Omit<HeartbeatValues, ServerSetField>;
export type NormalizedField = keyof NormalizedHeartbeat;

/** How a column's value is typed: SQLite integer, real, text, or an integer in boolean mode. */
export type FieldKind = "integer" | "real" | "text" | "boolean";
const KINDS: Readonly<Record<string, FieldKind>> = { SQLiteInteger: "integer", SQLiteReal: "real", SQLiteText: "text", SQLiteBoolean: "boolean" };

export interface HeartbeatColumn {
  name: HeartbeatField;
  kind: FieldKind;
  nullable: boolean;
}

/** Every heartbeat column in table order: the runtime form of the list. */
export const HEARTBEAT_COLUMNS: readonly HeartbeatColumn[] = Object.values(getTableColumns(heartbeats)).map((c) => {
  const kind = KINDS[c.columnType];
  if (!kind) throw new Error(`heartbeats.${c.name}: column type ${c.columnType} has no field kind in db/heartbeat-fields.ts`);
  return { name: c.name as HeartbeatField, kind, nullable: !c.notNull };
});

const serverSet: ReadonlySet<string> = new Set(SERVER_SET_FIELDS);

/** The keys of a NormalizedHeartbeat, in table order: what an insert writes. */
export const NORMALIZED_FIELDS: readonly NormalizedField[] = HEARTBEAT_COLUMNS.map((c) => c.name).filter((f): f is NormalizedField => !serverSet.has(f));

/** The named fields of a row, in the order given. */
export function pickFields<T extends Partial<Record<HeartbeatField, unknown>>, const F extends keyof T & HeartbeatField>(row: T, fields: readonly F[]): Pick<T, F> {
  return Object.fromEntries(fields.map((f) => [f, row[f]])) as Pick<T, F>;
}
