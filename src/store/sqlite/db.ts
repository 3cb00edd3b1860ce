import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** Schema changes, in order; the database's user_version says how many have run. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sns_messages (
     message_id TEXT PRIMARY KEY,
     topic_arn TEXT NOT NULL,
     type TEXT NOT NULL,
     body TEXT NOT NULL,
     received_at TEXT NOT NULL,
     processed_at TEXT
   );
   CREATE INDEX sns_messages_pending ON sns_messages (processed_at, received_at);`,
  `CREATE TABLE alert_groups (
     id TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     group_key TEXT NOT NULL,
     created_at TEXT NOT NULL,
     ts TEXT,
     reminded_at TEXT
   );
   CREATE INDEX alert_groups_key ON alert_groups (channel, group_key, created_at);
   CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     group_id TEXT NOT NULL REFERENCES alert_groups (id),
     fingerprint TEXT NOT NULL,
     channel TEXT NOT NULL,
     alert TEXT NOT NULL,
     status TEXT NOT NULL,
     by_user TEXT,
     at TEXT,
     snoozed_until TEXT,
     count INTEGER NOT NULL,
     noted_count INTEGER NOT NULL,
     first_seen TEXT NOT NULL,
     last_seen TEXT NOT NULL
   );
   CREATE INDEX alerts_fingerprint ON alerts (fingerprint, status);
   CREATE INDEX alerts_group ON alerts (group_id);
   CREATE TABLE alert_actions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     group_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     user_id TEXT NOT NULL,
     at TEXT NOT NULL,
     detail TEXT
   );
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     channel TEXT NOT NULL,
     group_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     doc TEXT,
     priority INTEGER NOT NULL,
     not_before TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     sent_at TEXT
   );
   CREATE INDEX outbox_waiting ON outbox (state, channel, priority, id);
   CREATE INDEX outbox_group ON outbox (group_id, state);
   CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     source TEXT NOT NULL,
     body TEXT NOT NULL,
     reason TEXT NOT NULL,
     at TEXT NOT NULL
   );`,
  `CREATE TABLE hygiene_mutes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     pattern TEXT NOT NULL,
     reason TEXT NOT NULL,
     by_user TEXT NOT NULL,
     at TEXT NOT NULL,
     until TEXT NOT NULL
   );
   CREATE TABLE hygiene_snapshots (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     taken_at TEXT NOT NULL,
     snapshot TEXT NOT NULL
   );`,
  `CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     user_id TEXT NOT NULL,
     channel TEXT,
     front TEXT NOT NULL,
     kind TEXT NOT NULL,
     what TEXT NOT NULL,
     result TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX audit_at ON audit (at);
   CREATE INDEX audit_user ON audit (user_id, at);`,
  `CREATE TABLE run_claims (
     run_id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     until TEXT NOT NULL
   );
   CREATE TABLE send_slots (
     channel TEXT PRIMARY KEY,
     next_at TEXT NOT NULL
   );`,
  // Optimistic locking: an alert's version, checked on every change.
  'ALTER TABLE alerts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;',
  // When a send began: what another replica finds in flight for long was left by one that died.
  'ALTER TABLE outbox ADD COLUMN inflight_at TEXT;',
  // Private answers kept for their Share button.
  `CREATE TABLE kept_answers (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     channel TEXT NOT NULL,
     words TEXT NOT NULL,
     body TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );`,
  // "Was this you?" asks of alerts' actors: the ask whole as JSON; due_at while it has work waiting.
  `CREATE TABLE actor_asks (
     id TEXT PRIMARY KEY,
     body TEXT NOT NULL,
     due_at TEXT,
     version INTEGER NOT NULL
   );
   CREATE INDEX actor_asks_due ON actor_asks (due_at) WHERE due_at IS NOT NULL;`,
  // Where each principal acts from (new-place detection), and where the scheduled scan got to.
  `CREATE TABLE geo_baselines (
     principal TEXT PRIMARY KEY,
     body TEXT NOT NULL,
     last_seen TEXT NOT NULL,
     version INTEGER NOT NULL
   );
   CREATE INDEX geo_baselines_seen ON geo_baselines (last_seen);
   CREATE TABLE geo_state (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // Marks of the messages an alert's latest repeats came from (JSON): a message done again counts once.
  'ALTER TABLE alerts ADD COLUMN counted_from TEXT;',
];

/** A port with its methods synchronous: what an adapter over node:sqlite (itself synchronous) implements. */
export type Sync<P> = {
  [K in keyof P]: P[K] extends (...a: infer A) => Promise<infer R> ? (...a: A) => R : P[K];
};

/**
 * The port of a synchronous adapter: each call waits its turn (no other caller's unit of work open),
 * then runs at once — nothing else runs between the wait and the statement.
 */
export function promised<P extends object>(db: SqliteDb, impl: Sync<P>): P {
  const out: Record<string, unknown> = {};
  let proto = Object.getPrototypeOf(impl) as object | null;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const f = (impl as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof f !== 'function' || name in out) continue;
      out[name] = async (...a: unknown[]) => {
        await db.turn();
        return (f as (...x: unknown[]) => unknown).apply(impl, a);
      };
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as P;
}

/** A date as stored (ISO text), and back. */
export const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
export const date = (s: string | null) => (s === null ? undefined : new Date(s));

/**
 * One SQLite file (Node's own node:sqlite), WAL journal, migrations on open; the port adapters in this
 * folder share it. Statements are prepared once and kept.
 */
export class SqliteDb {
  readonly #db: DatabaseSync;
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL');
    // Durable once a write returns: a message acknowledged to SNS must survive a crash.
    this.#db.exec('PRAGMA synchronous = FULL');
    this.#db.exec('PRAGMA foreign_keys = ON');
    // Another process (a second replica by mistake, a backup) holding the lock is waited for briefly.
    this.#db.exec('PRAGMA busy_timeout = 5000');
    const version = this.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0;
    for (let i = version; i < MIGRATIONS.length; i++) {
      this.transaction(() => {
        this.#db.exec(MIGRATIONS[i] as string);
        this.#db.exec(`PRAGMA user_version = ${i + 1}`);
      });
    }
  }

  readonly #statements = new Map<string, StatementSync>();
  #st(sql: string): StatementSync {
    let st = this.#statements.get(sql);
    if (!st) {
      st = this.#db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }
  run(sql: string, ...params: unknown[]) {
    return this.#st(sql).run(...(params as never[]));
  }
  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#st(sql).all(...(params as never[])) as T[];
  }
  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#st(sql).get(...(params as never[])) as T | undefined;
  }

  /** Savepoints name the depth, so a nested call rolls back only its own part. */
  #depth = 0;

  /** A synchronous transaction inside one adapter call (a batch of inserts, a migration). */
  transaction<T>(fn: () => T): T {
    const outer = this.#depth === 0;
    const name = `sp${this.#depth}`;
    this.#db.exec(outer ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${name}`);
    this.#depth++;
    try {
      const out = fn();
      this.#depth--;
      this.#db.exec(outer ? 'COMMIT' : `RELEASE ${name}`);
      return out;
    } catch (err) {
      this.#depth--;
      if (outer) this.#db.exec('ROLLBACK');
      else this.#db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    }
  }

  /**
   * The unit of work open across awaits, and who it belongs to: while it is open, every other caller's
   * statement waits for it (`turn`), so nothing of theirs joins — or is rolled back with — a transaction
   * that is not theirs. A nested `atomically` in the same unit is a savepoint.
   */
  #unit: { token: object; done: Promise<void> } | undefined;
  readonly #als = new AsyncLocalStorage<object>();

  /** Wait until no other caller's unit of work is open. */
  async turn(): Promise<void> {
    while (this.#unit && this.#als.getStore() !== this.#unit.token) await this.#unit.done;
  }

  /** Run `fn` as one transaction, across its awaits (one commit for a batch; a savepoint when nested). */
  async atomically<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#unit && this.#als.getStore() === this.#unit.token) {
      const name = `sp${this.#depth}`;
      this.#db.exec(`SAVEPOINT ${name}`);
      this.#depth++;
      try {
        const out = await fn();
        this.#depth--;
        this.#db.exec(`RELEASE ${name}`);
        return out;
      } catch (err) {
        this.#depth--;
        this.#db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      }
    }
    await this.turn();
    const token = {};
    let release = () => {};
    this.#unit = { token, done: new Promise<void>((r) => (release = r)) };
    this.#db.exec('BEGIN IMMEDIATE');
    this.#depth++;
    try {
      const out = await this.#als.run(token, fn);
      this.#depth--;
      this.#db.exec('COMMIT');
      return out;
    } catch (err) {
      this.#depth--;
      this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      this.#unit = undefined;
      release();
    }
  }
  close(): void {
    this.#db.close();
  }
}
