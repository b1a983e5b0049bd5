// SQL fragments every table module shares.

/** The current time as the ISO-8601 text (millisecond precision, Z) every timestamp column holds. */
export const NOW_ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** The user's first e-mail address (by id), as a scalar subquery over a users alias. */
export const firstEmailOf = (userAlias: string) => `(SELECT e.email FROM email_addresses e WHERE e.user_id = ${userAlias}.id ORDER BY e.id LIMIT 1)`;
