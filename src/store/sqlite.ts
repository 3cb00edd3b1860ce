import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Alert } from '../alerts/alert.js';
import type { AuditEntry } from '../audit.js';
import type { Mute, Snapshot } from '../hygiene/digest.js';
import type { Doc } from '../present/doc.js';
import type {
  AcceptedMessage,
  AlertAction,
  AlertGroup,
  AlertStatus,
  OutboxItem,
  OutboxKind,
  Store,
  StoredAlert,
} from './store.js';

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
];

interface AlertRow {
  id: string;
  group_id: string;
  fingerprint: string;
  channel: string;
  alert: string;
  status: string;
  by_user: string | null;
  at: string | null;
  snoozed_until: string | null;
  count: number;
  noted_count: number;
  first_seen: string;
  last_seen: string;
}

interface GroupRow {
  id: string;
  channel: string;
  group_key: string;
  created_at: string;
  ts: string | null;
  reminded_at: string | null;
}

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
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
const date = (s: string | null) => (s === null ? undefined : new Date(s));

function alertOf(r: AlertRow): StoredAlert {
  const a = JSON.parse(r.alert) as Alert & { time: string };
  return {
    id: r.id,
    groupId: r.group_id,
    fingerprint: r.fingerprint,
    channel: r.channel,
    alert: { ...a, time: new Date(a.time) },
    status: r.status as AlertStatus,
    by: r.by_user ?? undefined,
    at: date(r.at),
    snoozedUntil: date(r.snoozed_until),
    count: r.count,
    notedCount: r.noted_count,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
  };
}

function groupOf(r: GroupRow): AlertGroup {
  return {
    id: r.id,
    channel: r.channel,
    groupKey: r.group_key,
    createdAt: new Date(r.created_at),
    ts: r.ts ?? undefined,
    remindedAt: date(r.reminded_at),
  };
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
  };
}

/** The SQLite store (Node's own node:sqlite): one file, WAL journal, migrations on open. */
export class SqliteStore implements Store {
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
    const version = (this.#get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0) as number;
    for (let i = version; i < MIGRATIONS.length; i++) {
      this.atomically(() => {
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
  #run(sql: string, ...params: unknown[]) {
    return this.#st(sql).run(...(params as never[]));
  }
  #all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#st(sql).all(...(params as never[])) as T[];
  }
  #get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#st(sql).get(...(params as never[])) as T | undefined;
  }

  /** Savepoints name the depth, so a nested call rolls back only its own part. */
  #depth = 0;

  acceptMessage(m: AcceptedMessage): 'new' | 'duplicate' {
    const r = this.#run(
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
    return this.atomically(() => ms.map((m) => this.acceptMessage(m)));
  }

  pendingMessages(limit: number): AcceptedMessage[] {
    return this.#all<{
      message_id: string;
      topic_arn: string;
      type: string;
      body: string;
      received_at: string;
    }>(
      'SELECT message_id, topic_arn, type, body, received_at FROM sns_messages WHERE processed_at IS NULL ORDER BY received_at, message_id LIMIT ?',
      limit,
    ).map((r) => ({
      messageId: r.message_id,
      topicArn: r.topic_arn,
      type: r.type,
      body: r.body,
      receivedAt: new Date(r.received_at),
    }));
  }

  markProcessed(messageId: string, at: Date): void {
    this.#run('UPDATE sns_messages SET processed_at = ? WHERE message_id = ?', at.toISOString(), messageId);
  }

  atomically<T>(fn: () => T): T {
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

  openAlertByFingerprint(fingerprint: string): StoredAlert | undefined {
    const r = this.#get<AlertRow>(
      "SELECT * FROM alerts WHERE fingerprint = ? AND status <> 'resolved' ORDER BY first_seen DESC LIMIT 1",
      fingerprint,
    );
    return r ? alertOf(r) : undefined;
  }

  saveAlert(a: StoredAlert): void {
    // One statement for a new alert and a changed one; an alert's id, group, fingerprint, channel and
    // first sighting never change.
    this.#run(
      `INSERT INTO alerts (id, group_id, fingerprint, channel, alert, status, by_user, at, snoozed_until, count,
         noted_count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET alert = excluded.alert, status = excluded.status, by_user = excluded.by_user,
         at = excluded.at, snoozed_until = excluded.snoozed_until, count = excluded.count,
         noted_count = excluded.noted_count, last_seen = excluded.last_seen`,
      a.id,
      a.groupId,
      a.fingerprint,
      a.channel,
      JSON.stringify(a.alert),
      a.status,
      a.by ?? null,
      iso(a.at),
      iso(a.snoozedUntil),
      a.count,
      a.notedCount,
      a.firstSeen.toISOString(),
      a.lastSeen.toISOString(),
    );
  }

  alertsOfGroup(groupId: string): StoredAlert[] {
    return this.#all<AlertRow>('SELECT * FROM alerts WHERE group_id = ? ORDER BY rowid', groupId).map(
      alertOf,
    );
  }

  snoozesEndedBy(now: Date): StoredAlert[] {
    return this.#all<AlertRow>(
      "SELECT * FROM alerts WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?",
      now.toISOString(),
    ).map(alertOf);
  }

  openGroup(channel: string, groupKey: string, since: Date): AlertGroup | undefined {
    const r = this.#get<GroupRow>(
      `SELECT g.* FROM alert_groups g WHERE g.channel = ? AND g.group_key = ? AND g.created_at >= ?
         AND EXISTS (SELECT 1 FROM alerts a WHERE a.group_id = g.id AND a.status <> 'resolved')
       ORDER BY g.created_at DESC LIMIT 1`,
      channel,
      groupKey,
      since.toISOString(),
    );
    return r ? groupOf(r) : undefined;
  }

  insertGroup(g: AlertGroup): void {
    this.#run(
      'INSERT INTO alert_groups (id, channel, group_key, created_at, ts, reminded_at) VALUES (?, ?, ?, ?, ?, ?)',
      g.id,
      g.channel,
      g.groupKey,
      g.createdAt.toISOString(),
      g.ts ?? null,
      iso(g.remindedAt),
    );
  }

  group(id: string): AlertGroup | undefined {
    const r = this.#get<GroupRow>('SELECT * FROM alert_groups WHERE id = ?', id);
    return r ? groupOf(r) : undefined;
  }

  setGroupTs(id: string, ts: string): void {
    this.#run('UPDATE alert_groups SET ts = ? WHERE id = ?', ts, id);
  }

  setGroupReminded(id: string, at: Date): void {
    this.#run('UPDATE alert_groups SET reminded_at = ? WHERE id = ?', at.toISOString(), id);
  }

  groupsToRemind(before: Date): AlertGroup[] {
    return this.#all<GroupRow>(
      `SELECT g.* FROM alert_groups g WHERE g.ts IS NOT NULL AND g.reminded_at IS NULL AND g.created_at <= ?
         AND EXISTS (SELECT 1 FROM alerts a WHERE a.group_id = g.id AND a.status = 'open')`,
      before.toISOString(),
    ).map(groupOf);
  }

  recordAction(a: AlertAction): void {
    this.#run(
      'INSERT INTO alert_actions (group_id, kind, user_id, at, detail) VALUES (?, ?, ?, ?, ?)',
      a.groupId,
      a.kind,
      a.userId,
      a.at.toISOString(),
      a.detail ?? null,
    );
  }

  actionsOf(groupId: string): AlertAction[] {
    return this.#all<{ group_id: string; kind: string; user_id: string; at: string; detail: string | null }>(
      'SELECT * FROM alert_actions WHERE group_id = ? ORDER BY id',
      groupId,
    ).map((r) => ({
      groupId: r.group_id,
      kind: r.kind,
      userId: r.user_id,
      at: new Date(r.at),
      detail: r.detail ?? undefined,
    }));
  }

  enqueue(item: Omit<OutboxItem, 'id' | 'attempts' | 'state'>, coalesce = false): void {
    if (coalesce) {
      // One waiting item of a kind per group is enough (a waiting post shows updates too); a click
      // raises its priority.
      const waiting = this.#get<{ id: number }>(
        "SELECT id FROM outbox WHERE group_id = ? AND state = 'pending' AND (kind = ? OR (? = 'update' AND kind = 'post'))",
        item.groupId,
        item.kind,
        item.kind,
      );
      if (waiting) {
        this.#run('UPDATE outbox SET priority = min(priority, ?) WHERE id = ?', item.priority, waiting.id);
        return;
      }
    }
    this.#run(
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
    const rows = this.#all<OutboxRow>(
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
    return this.#all<OutboxRow>("SELECT * FROM outbox WHERE state = 'inflight' ORDER BY id").map(itemOf);
  }

  markInflight(id: number): void {
    this.#run("UPDATE outbox SET state = 'inflight', attempts = attempts + 1 WHERE id = ?", id);
  }

  markSent(id: number, at: Date): void {
    this.#run("UPDATE outbox SET state = 'sent', sent_at = ?, doc = NULL WHERE id = ?", at.toISOString(), id);
  }

  retryLater(id: number, notBefore: Date, error: string): void {
    this.#run(
      "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ? WHERE id = ?",
      notBefore.toISOString(),
      error,
      id,
    );
  }

  markFailed(id: number, error: string): void {
    this.#run("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", error, id);
  }

  outboxBacklog(): number {
    return (
      this.#get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'inflight')")
        ?.n ?? 0
    );
  }

  deadLetter(source: string, body: string, reason: string, at: Date): void {
    this.#run(
      'INSERT INTO dead_letters (source, body, reason, at) VALUES (?, ?, ?, ?)',
      source,
      body,
      reason,
      at.toISOString(),
    );
  }

  deadLetters(): { source: string; body: string; reason: string; at: Date }[] {
    return this.#all<{ source: string; body: string; reason: string; at: string }>(
      'SELECT source, body, reason, at FROM dead_letters ORDER BY id',
    ).map((r) => ({ ...r, at: new Date(r.at) }));
  }

  addMute(m: Mute): void {
    this.#run(
      'INSERT INTO hygiene_mutes (pattern, reason, by_user, at, until) VALUES (?, ?, ?, ?, ?)',
      m.pattern,
      m.reason,
      m.by,
      m.at.toISOString(),
      m.until.toISOString(),
    );
  }

  activeMutes(now: Date): Mute[] {
    return this.#all<{ pattern: string; reason: string; by_user: string; at: string; until: string }>(
      'SELECT * FROM hygiene_mutes WHERE until > ? ORDER BY id',
      now.toISOString(),
    ).map((r) => ({
      pattern: r.pattern,
      reason: r.reason,
      by: r.by_user,
      at: new Date(r.at),
      until: new Date(r.until),
    }));
  }

  saveSnapshot(s: Snapshot): void {
    this.#run(
      'INSERT INTO hygiene_snapshots (taken_at, snapshot) VALUES (?, ?)',
      s.takenAt.toISOString(),
      JSON.stringify(s),
    );
  }

  snapshots(limit: number): Snapshot[] {
    return this.#all<{ snapshot: string }>(
      'SELECT snapshot FROM hygiene_snapshots ORDER BY taken_at DESC, id DESC LIMIT ?',
      limit,
    ).map((r) => {
      const s = JSON.parse(r.snapshot) as Snapshot & {
        takenAt: string;
        reports: { account: string; generatedAt: string }[];
      };
      const posture = s.posture && {
        ...s.posture,
        delivery: s.posture.delivery.map((d) => ({
          ...d,
          latestDelivery: d.latestDelivery ? new Date(d.latestDelivery) : undefined,
        })),
      };
      return {
        ...s,
        takenAt: new Date(s.takenAt),
        reports: s.reports.map((x) => ({ account: x.account, generatedAt: new Date(x.generatedAt) })),
        ...(posture ? { posture } : {}),
      };
    });
  }

  addAudit(e: AuditEntry): void {
    this.#run(
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
    return this.#all<{
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
    ).map((r) => ({
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
    return Number(this.#run('DELETE FROM audit WHERE at < ?', before.toISOString()).changes);
  }

  close(): void {
    this.#db.close();
  }
}
