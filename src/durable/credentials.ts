// The user's credentials as their UserActivity object holds them (docs/edge-auth.md): the user's
// AUTH_USER_COLUMNS row, the SHA-256 of each active key and of each retired one. Read from the
// main database once (the object's first key check) and again whenever something that changes
// them in D1 tells the object (credentialsChanged); kept in the object's SQLite between
// restarts, so a key check after that is answered here without a D1 statement.
import { credentialsOfUser, type UserCredentials } from "../db/api-keys";
import type { CredentialUser } from "../db/sql";
import { secretsEqual } from "../lib/crypto";

/** A key check's answer: the key's user and key id, or why the key is refused. */
export type KeyCheck = { user: CredentialUser; apiKeyId: number } | "unknown_key" | "revoked_key";

export class CredentialStore {
  private cached: UserCredentials | null = null;
  private revoked = new Set<string>();
  /** The latest load: loads run one after another, so the last one started is the state kept. */
  private loading: Promise<unknown> = Promise.resolve();
  private pending: Promise<UserCredentials | null> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly mainDb: () => D1Database,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS cred_user (id INTEGER PRIMARY KEY, user TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS cred_key (hash TEXT PRIMARY KEY, key_id INTEGER, revoked INTEGER NOT NULL) WITHOUT ROWID;
    `);
    const row = sql.exec<{ user: string }>("SELECT user FROM cred_user").toArray()[0];
    if (row) {
      const keys = sql.exec<{ hash: string; key_id: number | null; revoked: number }>("SELECT hash, key_id, revoked FROM cred_key").toArray();
      this.remember({
        user: JSON.parse(row.user) as CredentialUser,
        keys: keys.filter((k) => !k.revoked).map((k) => ({ id: k.key_id ?? 0, hash: k.hash })),
        revoked: keys.filter((k) => k.revoked).map((k) => k.hash),
      });
    }
  }

  /** Checks a key's hash against every active key's (each compared in constant time), then the retired ones. */
  async check(userId: number, hash: string): Promise<KeyCheck> {
    const creds = await this.current(userId);
    if (!creds) return "unknown_key";
    let keyId: number | null = null;
    for (const k of creds.keys) if (secretsEqual(k.hash, hash)) keyId = k.id;
    if (keyId !== null) return { user: creds.user, apiKeyId: keyId };
    return this.revoked.has(hash) ? "revoked_key" : "unknown_key";
  }

  /** The user as last read (null: no such user), read from D1 when this object has not yet. */
  async user(userId: number): Promise<CredentialUser | null> {
    return (await this.current(userId))?.user ?? null;
  }

  /** Reads the user's credentials from D1 again, after every load already started. */
  reload(userId: number): Promise<UserCredentials | null> {
    const run = this.loading.then(
      () => this.load(userId),
      () => this.load(userId),
    );
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async current(userId: number): Promise<UserCredentials | null> {
    if (this.cached?.user.id === userId) return this.cached;
    // A user that does not exist is not remembered: their id may be given to a new user later.
    this.pending ??= this.reload(userId).finally(() => (this.pending = null));
    return this.pending;
  }

  private async load(userId: number): Promise<UserCredentials | null> {
    const fresh = await credentialsOfUser(this.mainDb(), userId);
    this.sql.exec("DELETE FROM cred_user; DELETE FROM cred_key;");
    if (fresh) {
      this.sql.exec("INSERT INTO cred_user (id, user) VALUES (?, ?)", userId, JSON.stringify(fresh.user));
      for (const k of fresh.keys) this.sql.exec("INSERT OR REPLACE INTO cred_key (hash, key_id, revoked) VALUES (?, ?, 0)", k.hash, k.id);
      for (const h of fresh.revoked) this.sql.exec("INSERT OR IGNORE INTO cred_key (hash, key_id, revoked) VALUES (?, NULL, 1)", h);
    }
    this.remember(fresh);
    return fresh;
  }

  private remember(creds: UserCredentials | null): void {
    this.cached = creds;
    this.revoked = new Set(creds?.revoked ?? []);
  }
}
