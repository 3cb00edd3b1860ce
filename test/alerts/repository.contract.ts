import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import { type AlertRepository, StaleWriteError, type StoredAlert } from '../../src/alerts/repository.js';

const T = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
const alert = (title: string): Alert =>
  ({
    source: 'cloudwatch',
    title,
    severity: 'high',
    time: T(0),
    fingerprint: `fp:${title}`,
    fields: [],
  }) as unknown as Alert;
const stored = (id: string, groupId: string, over: Partial<StoredAlert> = {}): StoredAlert => ({
  id,
  groupId,
  fingerprint: `fp:${id}`,
  channel: 'C0ALERTS01',
  alert: alert(id),
  status: 'open',
  count: 1,
  notedCount: 0,
  firstSeen: T(0),
  lastSeen: T(0),
  ...over,
});

/** The AlertRepository contract, for every implementation: `open` gives a fresh, empty repository. */
export function repositoryContract(name: string, open: () => AlertRepository): void {
  describe(`AlertRepository contract: ${name}`, () => {
    it('changes an alert only at the version it was read: of two changes from one read, one wins', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(0) });
      await r.saveAlert(stored('a1', 'g1'));
      const [read] = await r.alertsOfGroup('g1');
      if (!read) throw new Error('not kept');
      await r.saveAlert({ ...read, status: 'acknowledged', by: 'U1' });
      await expect(r.saveAlert({ ...read, status: 'resolved', by: 'U2' })).rejects.toBeInstanceOf(
        StaleWriteError,
      );
      const [now] = await r.alertsOfGroup('g1');
      expect(now).toMatchObject({ status: 'acknowledged', by: 'U1' });
      expect(now?.version).toBeGreaterThan(read.version ?? 0);
      // Read again, it changes.
      await r.saveAlert({ ...(now as StoredAlert), status: 'resolved', by: 'U2' });
      expect((await r.alertsOfGroup('g1'))[0]?.status).toBe('resolved');
    });

    it('leaves a group inserted again as it was (a message done again after a stop half way)', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(0) });
      await r.setGroupTs('g1', '1700000000.000100');
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(5) });
      expect(await r.group('g1')).toMatchObject({ createdAt: T(0), ts: '1700000000.000100' });
    });

    it('lists unresolved alerts newest first, up to a limit', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(0) });
      await r.saveAlert(stored('a1', 'g1', { firstSeen: T(1), fingerprint: 'fp:1' }));
      await r.saveAlert(
        stored('a2', 'g1', { firstSeen: T(2), fingerprint: 'fp:2', status: 'acknowledged', by: 'U1' }),
      );
      await r.saveAlert(stored('a3', 'g1', { firstSeen: T(3), fingerprint: 'fp:3', status: 'resolved' }));
      await r.saveAlert(stored('a4', 'g1', { firstSeen: T(4), fingerprint: 'fp:4', status: 'snoozed' }));
      expect((await r.unresolvedAlerts(10)).map((a) => [a.id, a.status])).toEqual([
        ['a4', 'snoozed'],
        ['a2', 'acknowledged'],
        ['a1', 'open'],
      ]);
      expect((await r.unresolvedAlerts(2)).map((a) => a.id)).toEqual(['a4', 'a2']);
    });

    it('keeps an alert new and changed, and finds the unresolved one by fingerprint', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(0) });
      await r.saveAlert(stored('a1', 'g1'));
      const changed = { status: 'acknowledged', by: 'U1', at: T(5), count: 3, lastSeen: T(5) } as const;
      await r.saveAlert(stored('a1', 'g1', { ...changed, countedFrom: ['m1', 'm2'] }));
      expect((await r.alertsOfGroup('g1')).map(({ version, ...a }) => a)).toEqual([
        stored('a1', 'g1', { ...changed, countedFrom: ['m1', 'm2'] }),
      ]);
      expect((await r.openAlertByFingerprint('fp:a1'))?.status).toBe('acknowledged');
      await r.saveAlert(stored('a1', 'g1', { status: 'resolved' }));
      expect(await r.openAlertByFingerprint('fp:a1')).toBeUndefined();
    });

    it('finds the open group of a channel and key inside the window only while it has an unresolved alert', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(10) });
      await r.saveAlert(stored('a1', 'g1'));
      expect((await r.openGroup('C0ALERTS01', 'k', T(0)))?.id).toBe('g1');
      expect(await r.openGroup('C0ALERTS01', 'k', T(11))).toBeUndefined();
      expect(await r.openGroup('C0OTHER001', 'k', T(0))).toBeUndefined();
      await r.saveAlert(stored('a1', 'g1', { status: 'resolved' }));
      expect(await r.openGroup('C0ALERTS01', 'k', T(0))).toBeUndefined();
    });

    it('remembers a group’s message and reminder, and lists posted groups with open alerts to remind', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(0) });
      await r.insertGroup({ id: 'g2', channel: 'C0ALERTS01', groupKey: 'k2', createdAt: T(0) });
      await r.saveAlert(stored('a1', 'g1'));
      await r.saveAlert(stored('a2', 'g2'));
      expect(await r.groupsToRemind(T(30))).toEqual([]);
      await r.setGroupTs('g1', '1700000000.000100');
      expect((await r.group('g1'))?.ts).toBe('1700000000.000100');
      expect((await r.groupsToRemind(T(30))).map((g) => g.id)).toEqual(['g1']);
      await r.setGroupReminded('g1', T(31));
      expect((await r.group('g1'))?.remindedAt).toEqual(T(31));
      expect(await r.groupsToRemind(T(60))).toEqual([]);
    });

    it('gives snoozes whose time is up, not those snoozed until resolved', async () => {
      const r = open();
      await r.insertGroup({ id: 'g1', channel: 'C0ALERTS01', groupKey: 'k', createdAt: T(0) });
      await r.saveAlert(stored('a1', 'g1', { status: 'snoozed', snoozedUntil: T(20) }));
      await r.saveAlert(stored('a2', 'g1', { status: 'snoozed' }));
      expect(await r.snoozesEndedBy(T(19))).toEqual([]);
      expect((await r.snoozesEndedBy(T(20))).map((a) => a.id)).toEqual(['a1']);
    });

    it('keeps the actions of a group in the order they happened', async () => {
      const r = open();
      await r.recordAction({ groupId: 'g1', kind: 'ack', userId: 'U1', at: T(1) });
      await r.recordAction({ groupId: 'g2', kind: 'resolve', userId: 'U2', at: T(2) });
      await r.recordAction({ groupId: 'g1', kind: 'snooze', userId: 'U1', at: T(3), detail: '1h' });
      expect(await r.actionsOf('g1')).toEqual([
        { groupId: 'g1', kind: 'ack', userId: 'U1', at: T(1), detail: undefined },
        { groupId: 'g1', kind: 'snooze', userId: 'U1', at: T(3), detail: '1h' },
      ]);
    });
  });
}
