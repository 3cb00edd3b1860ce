import {
  type AlertAction,
  type AlertGroup,
  type AlertRepository,
  type AlertStatus,
  StaleWriteError,
  type StoredAlert,
} from '../../alerts/repository.js';
import { alertFromJson } from '../codec.js';
import { date, iso, type SqliteDb, type Sync } from './db.js';

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
  version: number;
  counted_from: string | null;
}

interface GroupRow {
  id: string;
  channel: string;
  group_key: string;
  created_at: string;
  ts: string | null;
  reminded_at: string | null;
}

function alertOf(r: AlertRow): StoredAlert {
  return {
    id: r.id,
    groupId: r.group_id,
    fingerprint: r.fingerprint,
    channel: r.channel,
    alert: alertFromJson(r.alert),
    status: r.status as AlertStatus,
    by: r.by_user ?? undefined,
    at: date(r.at),
    snoozedUntil: date(r.snoozed_until),
    count: r.count,
    notedCount: r.noted_count,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    countedFrom: r.counted_from === null ? undefined : (JSON.parse(r.counted_from) as string[]),
    version: r.version,
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

/** AlertRepository in SQLite. */
export class SqliteAlertRepository implements Sync<AlertRepository> {
  constructor(private readonly db: SqliteDb) {}

  openAlertByFingerprint(fingerprint: string): StoredAlert | undefined {
    const r = this.db.get<AlertRow>(
      "SELECT * FROM alerts WHERE fingerprint = ? AND status <> 'resolved' ORDER BY first_seen DESC LIMIT 1",
      fingerprint,
    );
    return r ? alertOf(r) : undefined;
  }
  saveAlert(a: StoredAlert): void {
    // One statement for a new alert and a changed one; an alert's id, group, fingerprint, channel and
    // first sighting never change. A copy read at a version changes the row only at that version.
    const r = this.db.run(
      `INSERT INTO alerts (id, group_id, fingerprint, channel, alert, status, by_user, at, snoozed_until, count,
         noted_count, first_seen, last_seen, counted_from, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET alert = excluded.alert, status = excluded.status, by_user = excluded.by_user,
         at = excluded.at, snoozed_until = excluded.snoozed_until, count = excluded.count,
         noted_count = excluded.noted_count, last_seen = excluded.last_seen, counted_from = excluded.counted_from,
         version = alerts.version + 1
       WHERE ? IS NULL OR alerts.version = ?`,
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
      a.countedFrom ? JSON.stringify(a.countedFrom) : null,
      a.version ?? null,
      a.version ?? null,
    );
    if (Number(r.changes) === 0) throw new StaleWriteError(`alert ${a.id}`);
  }
  alertsOfGroup(groupId: string): StoredAlert[] {
    return this.db
      .all<AlertRow>('SELECT * FROM alerts WHERE group_id = ? ORDER BY rowid', groupId)
      .map(alertOf);
  }
  unresolvedAlerts(limit: number): StoredAlert[] {
    return this.db
      .all<AlertRow>(
        "SELECT * FROM alerts WHERE status <> 'resolved' ORDER BY first_seen DESC, rowid DESC LIMIT ?",
        limit,
      )
      .map(alertOf);
  }
  snoozesEndedBy(now: Date): StoredAlert[] {
    return this.db
      .all<AlertRow>(
        "SELECT * FROM alerts WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?",
        now.toISOString(),
      )
      .map(alertOf);
  }
  openGroup(channel: string, groupKey: string, since: Date): AlertGroup | undefined {
    const r = this.db.get<GroupRow>(
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
    this.db.run(
      'INSERT INTO alert_groups (id, channel, group_key, created_at, ts, reminded_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      g.id,
      g.channel,
      g.groupKey,
      g.createdAt.toISOString(),
      g.ts ?? null,
      iso(g.remindedAt),
    );
  }
  group(id: string): AlertGroup | undefined {
    const r = this.db.get<GroupRow>('SELECT * FROM alert_groups WHERE id = ?', id);
    return r ? groupOf(r) : undefined;
  }
  setGroupTs(id: string, ts: string): void {
    this.db.run('UPDATE alert_groups SET ts = ? WHERE id = ?', ts, id);
  }
  setGroupReminded(id: string, at: Date): void {
    this.db.run('UPDATE alert_groups SET reminded_at = ? WHERE id = ?', at.toISOString(), id);
  }
  groupsToRemind(before: Date): AlertGroup[] {
    return this.db
      .all<GroupRow>(
        `SELECT g.* FROM alert_groups g WHERE g.ts IS NOT NULL AND g.reminded_at IS NULL AND g.created_at <= ?
         AND EXISTS (SELECT 1 FROM alerts a WHERE a.group_id = g.id AND a.status = 'open')`,
        before.toISOString(),
      )
      .map(groupOf);
  }
  recordAction(a: AlertAction): void {
    this.db.run(
      'INSERT INTO alert_actions (group_id, kind, user_id, at, detail) VALUES (?, ?, ?, ?, ?)',
      a.groupId,
      a.kind,
      a.userId,
      a.at.toISOString(),
      a.detail ?? null,
    );
  }
  actionsOf(groupId: string): AlertAction[] {
    return this.db
      .all<{ group_id: string; kind: string; user_id: string; at: string; detail: string | null }>(
        'SELECT * FROM alert_actions WHERE group_id = ? ORDER BY id',
        groupId,
      )
      .map((r) => ({
        groupId: r.group_id,
        kind: r.kind,
        userId: r.user_id,
        at: new Date(r.at),
        detail: r.detail ?? undefined,
      }));
  }
}
