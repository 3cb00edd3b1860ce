import type { OutboxItem, OutboxKind, OutboxQueue } from '../../alerts/outbox-queue.js';
import type { Doc } from '../../present/doc.js';
import type { SqliteDb, Sync } from './db.js';

interface OutboxRow {
  id: number;
  channel: string;
  group_id: string;
  kind: string;
  doc: string | null;
  priority: number;
  not_before: string;
  attempts: number;
  state: string;
  last_error: string | null;
  inflight_at: string | null;
}

function itemOf(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    channel: r.channel,
    groupId: r.group_id,
    kind: r.kind as OutboxKind,
    doc: r.doc === null ? undefined : (JSON.parse(r.doc) as Doc),
    priority: r.priority,
    notBefore: new Date(r.not_before),
    attempts: r.attempts,
    state: r.state as OutboxItem['state'],
    lastError: r.last_error ?? undefined,
    inflightSince: r.inflight_at ? new Date(r.inflight_at) : undefined,
  };
}

/** OutboxQueue in SQLite. */
export class SqliteOutboxQueue implements Sync<OutboxQueue> {
  constructor(private readonly db: SqliteDb) {}

  enqueue(item: Omit<OutboxItem, 'id' | 'attempts' | 'state'>, coalesce = false): void {
    if (coalesce) {
      // One waiting item of a kind per group is enough (a waiting post shows updates too); a click
      // raises its priority.
      const waiting = this.db.get<{ id: number }>(
        "SELECT id FROM outbox WHERE group_id = ? AND state = 'pending' AND (kind = ? OR (? = 'update' AND kind = 'post'))",
        item.groupId,
        item.kind,
        item.kind,
      );
      if (waiting) {
        this.db.run('UPDATE outbox SET priority = min(priority, ?) WHERE id = ?', item.priority, waiting.id);
        return;
      }
    }
    this.db.run(
      'INSERT INTO outbox (channel, group_id, kind, doc, priority, not_before) VALUES (?, ?, ?, ?, ?, ?)',
      item.channel,
      item.groupId,
      item.kind,
      item.doc ? JSON.stringify(item.doc) : null,
      item.priority,
      item.notBefore.toISOString(),
    );
  }
  dueItems(now: Date): OutboxItem[] {
    // Per channel, the first item that may go now, by priority then age — one at a time per channel,
    // and never ahead of its group's post or of an earlier item of its group at the same priority.
    const rows = this.db.all<OutboxRow>(
      `SELECT o.* FROM outbox o WHERE o.state = 'pending' AND o.not_before <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.channel = o.channel AND f.state = 'inflight')
         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.group_id = o.group_id AND e.id < o.id
           AND e.state IN ('pending', 'inflight') AND (e.kind = 'post' OR e.priority <= o.priority))
       ORDER BY o.priority, o.id`,
      now.toISOString(),
    );
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.channel) && seen.add(r.channel)).map(itemOf);
  }
  inflightItems(): OutboxItem[] {
    return this.db.all<OutboxRow>("SELECT * FROM outbox WHERE state = 'inflight' ORDER BY id").map(itemOf);
  }
  markInflight(id: number, at: Date = new Date()): boolean {
    const r = this.db.run(
      "UPDATE outbox SET state = 'inflight', attempts = attempts + 1, inflight_at = ? WHERE id = ? AND state = 'pending'",
      at.toISOString(),
      id,
    );
    return Number(r.changes) === 1;
  }
  markSent(id: number, at: Date): void {
    this.db.run(
      "UPDATE outbox SET state = 'sent', sent_at = ?, doc = NULL WHERE id = ?",
      at.toISOString(),
      id,
    );
  }
  retryLater(id: number, notBefore: Date, error: string): void {
    this.db.run(
      "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ? WHERE id = ?",
      notBefore.toISOString(),
      error,
      id,
    );
  }
  markFailed(id: number, error: string): void {
    this.db.run("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", error, id);
  }
  outboxBacklog(): number {
    return (
      this.db.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'inflight')")
        ?.n ?? 0
    );
  }
  takeSendSlot(channel: string, now: Date, gapMs: number): boolean {
    // One statement, so two processes on one file cannot both take it: the row is written only when
    // the channel has none yet or its next allowed time has come.
    const r = this.db.run(
      `INSERT INTO send_slots (channel, next_at) VALUES (?, ?)
       ON CONFLICT (channel) DO UPDATE SET next_at = excluded.next_at WHERE send_slots.next_at <= ?`,
      channel,
      new Date(now.getTime() + gapMs).toISOString(),
      now.toISOString(),
    );
    return Number(r.changes) === 1;
  }

  holdSendSlot(channel: string, until: Date): void {
    this.db.run(
      `INSERT INTO send_slots (channel, next_at) VALUES (?, ?)
       ON CONFLICT (channel) DO UPDATE SET next_at = max(send_slots.next_at, excluded.next_at)`,
      channel,
      until.toISOString(),
    );
  }
}
