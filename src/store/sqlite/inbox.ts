import type { AcceptedMessage, MessageInbox } from '../../alerts/inbox.js';
import type { SqliteDb, Sync } from './db.js';

/** MessageInbox in SQLite. */
export class SqliteInbox implements Sync<MessageInbox> {
  constructor(private readonly db: SqliteDb) {}

  acceptMessage(m: AcceptedMessage): 'new' | 'duplicate' {
    const r = this.db.run(
      'INSERT OR IGNORE INTO sns_messages (message_id, topic_arn, type, body, received_at) VALUES (?, ?, ?, ?, ?)',
      m.messageId,
      m.topicArn,
      m.type,
      m.body,
      m.receivedAt.toISOString(),
    );
    return Number(r.changes) === 1 ? 'new' : 'duplicate';
  }
  acceptMessages(ms: AcceptedMessage[]): ('new' | 'duplicate')[] {
    return this.db.transaction(() => ms.map((m) => this.acceptMessage(m)));
  }
  pendingMessages(limit: number): AcceptedMessage[] {
    return this.db
      .all<{
        message_id: string;
        topic_arn: string;
        type: string;
        body: string;
        received_at: string;
      }>(
        'SELECT message_id, topic_arn, type, body, received_at FROM sns_messages WHERE processed_at IS NULL ORDER BY received_at, message_id LIMIT ?',
        limit,
      )
      .map((r) => ({
        messageId: r.message_id,
        topicArn: r.topic_arn,
        type: r.type,
        body: r.body,
        receivedAt: new Date(r.received_at),
      }));
  }
  markProcessed(messageId: string, at: Date): void {
    this.db.run('UPDATE sns_messages SET processed_at = ? WHERE message_id = ?', at.toISOString(), messageId);
  }
  deadLetter(source: string, body: string, reason: string, at: Date): void {
    this.db.run(
      'INSERT INTO dead_letters (source, body, reason, at) VALUES (?, ?, ?, ?)',
      source,
      body,
      reason,
      at.toISOString(),
    );
  }
  deadLetters(): { source: string; body: string; reason: string; at: Date }[] {
    return this.db
      .all<{ source: string; body: string; reason: string; at: string }>(
        'SELECT source, body, reason, at FROM dead_letters ORDER BY id',
      )
      .map((r) => ({ ...r, at: new Date(r.at) }));
  }
}
