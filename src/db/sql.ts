// SQL fragments every table module shares.

/** The current time as the ISO-8601 text (millisecond precision, Z) every timestamp column holds. */
export const NOW_ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** The user's first e-mail address (by id), as a scalar subquery over a users alias. */
export const firstEmailOf = (userAlias: string) => `(SELECT e.email FROM email_addresses e WHERE e.user_id = ${userAlias}.id ORDER BY e.id LIMIT 1)`;

type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}` ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}` : S;
type RawValue<V> = V extends boolean ? number : V;

/**
 * A schema row (`typeof table.$inferSelect`) as raw SQL returns it: the column names in
 * snake_case, booleans as the stored 0/1. For raw-SQL modules that type their rows from schema.ts.
 */
export type RawRow<T> = { [K in keyof T as SnakeCase<K & string>]: RawValue<T[K]> };
