import type { AuditEntry, AuditLog } from '../../audit/log.js';
import type { SqliteDb, Sync } from './db.js';

/** AuditLog in SQLite. */
export class SqliteAuditLog implements Sync<AuditLog> {
  constructor(private readonly db: SqliteDb) {}

  addAudit(e: AuditEntry): void {
    this.db.run(
      'INSERT INTO audit (at, user_id, channel, front, kind, what, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      e.at.toISOString(),
      e.user,
      e.channel ?? null,
      e.front,
      e.kind,
      e.what,
      e.result,
      e.detail ? JSON.stringify(e.detail) : null,
    );
  }
  auditEntries(q: { user?: string | undefined; since?: Date | undefined; limit: number }): AuditEntry[] {
    return this.db
      .all<{
        at: string;
        user_id: string;
        channel: string | null;
        front: string;
        kind: string;
        what: string;
        result: string;
        detail: string | null;
      }>(
        'SELECT * FROM audit WHERE (? IS NULL OR user_id = ?) AND at >= ? ORDER BY at DESC, id DESC LIMIT ?',
        q.user ?? null,
        q.user ?? null,
        (q.since ?? new Date(0)).toISOString(),
        q.limit,
      )
      .map((r) => ({
        at: new Date(r.at),
        user: r.user_id,
        channel: r.channel ?? undefined,
        front: r.front as AuditEntry['front'],
        kind: r.kind as AuditEntry['kind'],
        what: r.what,
        result: r.result,
        detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : undefined,
      }));
  }
  pruneAudit(before: Date): number {
    return Number(this.db.run('DELETE FROM audit WHERE at < ?', before.toISOString()).changes);
  }
}
