import Database from 'better-sqlite3';
import type { AcceptedMessage, Store } from './store.js';

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
];

/** The SQLite store: one file, WAL journal, migrations on open. */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    // Durable once a write returns: a message acknowledged to SNS must survive a crash.
    this.#db.pragma('synchronous = FULL');
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < MIGRATIONS.length; i++) {
      this.#db.transaction(() => {
        this.#db.exec(MIGRATIONS[i] as string);
        this.#db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }

  acceptMessage(m: AcceptedMessage): 'new' | 'duplicate' {
    const r = this.#db
      .prepare(
        'INSERT OR IGNORE INTO sns_messages (message_id, topic_arn, type, body, received_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(m.messageId, m.topicArn, m.type, m.body, m.receivedAt.toISOString());
    return r.changes === 1 ? 'new' : 'duplicate';
  }

  pendingMessages(limit: number): AcceptedMessage[] {
    const rows = this.#db
      .prepare(
        'SELECT message_id, topic_arn, type, body, received_at FROM sns_messages WHERE processed_at IS NULL ORDER BY received_at, message_id LIMIT ?',
      )
      .all(limit) as {
      message_id: string;
      topic_arn: string;
      type: string;
      body: string;
      received_at: string;
    }[];
    return rows.map((r) => ({
      messageId: r.message_id,
      topicArn: r.topic_arn,
      type: r.type,
      body: r.body,
      receivedAt: new Date(r.received_at),
    }));
  }

  close(): void {
    this.#db.close();
  }
}
