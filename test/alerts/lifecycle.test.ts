import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../src/alerts/alert.js';
import { act, applyAlert, processPending, REPEAT_MARKS, tick } from '../../src/alerts/lifecycle.js';
import { Outbox } from '../../src/alerts/outbox.js';
import type { Stores } from '../../src/store/stores.js';
import { alarmMessage, CHANNEL, notification, PLAIN_POLICY, TOPIC, tempStore } from '../helpers/alerts.js';
import { captureLogger } from '../helpers/deps.js';

const T0 = new Date('2026-11-25T12:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const { logger } = captureLogger();

async function accept(store: Stores, id: string, message: string, when = T0) {
  await store.inbox.acceptMessage({
    messageId: id,
    topicArn: TOPIC,
    type: 'Notification',
    body: JSON.stringify(notification(id, message)),
    receivedAt: when,
  });
}

const waiting = (store: Stores, now = at(3600)) => store.outbox.dueItems(now);

describe('processPending', () => {
  it('opens an alert and queues its post; the message is done once', async () => {
    const { store } = tempStore();
    await accept(store, 'm1', alarmMessage('HighErrors', 'ALARM'));
    expect(await processPending(store, PLAIN_POLICY, T0, logger)).toBe(1);
    expect(await processPending(store, PLAIN_POLICY, T0, logger)).toBe(0);
    const a = await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:HighErrors');
    expect(a).toMatchObject({ status: 'open', count: 1, channel: CHANNEL });
    expect((await waiting(store)).map((i) => i.kind)).toEqual(['post']);
  });

  it('updates the message of an alarm back to OK even when the replica stopped right after resolving it (a store without transactions)', async () => {
    const { store } = tempStore();
    const [alarm] = normalizeMessage(alarmMessage('BackSoon', 'ALARM'), { receivedAt: T0 });
    await applyAlert(store, PLAIN_POLICY, alarm as never, T0, logger, 'm-alarm#0');
    const group = (await waiting(store))[0]?.groupId as string;
    await store.alerts.setGroupTs(group, '1700000000.000100');
    await store.outbox.markSent((await waiting(store))[0]?.id as number, T0);
    // As on DynamoDB: each write on its own, and the replica stops just after the resolve.
    const dying: Stores = {
      ...store,
      atomically: (fn) => fn(),
      alerts: {
        ...store.alerts,
        recordAction: async () => {
          throw new Error('the replica stopped');
        },
      },
    };
    const [ok] = normalizeMessage(alarmMessage('BackSoon', 'OK'), { receivedAt: at(60) });
    await expect(applyAlert(dying, PLAIN_POLICY, ok as never, at(60), logger, 'm-ok#0')).rejects.toThrow(
      'stopped',
    );
    // Done again, the message finds no open alert; the channel's message is updated all the same.
    await applyAlert(store, PLAIN_POLICY, ok as never, at(80), logger, 'm-ok#0');
    expect((await store.alerts.alertsOfGroup(group))[0]?.status).toBe('resolved');
    expect((await waiting(store)).map((i) => [i.kind, i.groupId])).toEqual([['update', group]]);
  });

  it('still posts a message done again after a stop between its alert and its post (a store without transactions), and does not count it twice', async () => {
    const { store } = tempStore();
    // As on DynamoDB: each write on its own, and the replica stops just before queueing the post.
    let stopped = false;
    const dying: Stores = {
      ...store,
      atomically: (fn) => fn(),
      outbox: {
        ...store.outbox,
        enqueue: async (item, coalesce) => {
          if (item.kind === 'post' && !stopped) {
            stopped = true;
            throw new Error('the replica stopped');
          }
          return store.outbox.enqueue(item, coalesce);
        },
      },
    };
    const [alert] = normalizeMessage(alarmMessage('HalfDone', 'ALARM'), { receivedAt: T0 });
    await expect(applyAlert(dying, PLAIN_POLICY, alert as never, T0, logger, 'm-half#0')).rejects.toThrow(
      'stopped',
    );
    // The message is done again (its claim ran out): the alert is there, its post is queued now.
    await applyAlert(store, PLAIN_POLICY, alert as never, at(20), logger, 'm-half#0');
    const fp = 'cloudwatch:111122223333:us-east-1:HalfDone';
    expect(await store.alerts.openAlertByFingerprint(fp)).toMatchObject({ count: 1 });
    const items = await waiting(store);
    expect(items.map((i) => i.kind)).toEqual(['post']);
    // A post that finds its group already out (a first one was in flight) is sent as an update.
    const group = items[0]?.groupId as string;
    await store.alerts.setGroupTs(group, '1700000000.000100');
    const sent: string[] = [];
    const sender = {
      post: async () => {
        sent.push('post');
        return '1700000000.000200';
      },
      update: async () => void sent.push('update'),
      reply: async () => void sent.push('reply'),
      direct: async () => void sent.push('direct'),
      findReply: async () => false,
      findPosted: async () => undefined,
    };
    const outbox = new Outbox({ store, sender, now: () => at(40), logger, intervalMs: 0 });
    for (let i = 0; i < 5 && (await store.outbox.outboxBacklog()) > 0; i++) await outbox.runOnce();
    // No second post: the message is updated; and the thread is not told of a repeat that never was.
    expect(sent).not.toContain('post');
    expect(sent).toContain('update');
    expect(sent).not.toContain('reply');
    // The same alarm in another message is a repeat, and counts.
    await applyAlert(store, PLAIN_POLICY, alert as never, at(60), logger, 'm-again#0');
    expect(await store.alerts.openAlertByFingerprint(fp)).toMatchObject({ count: 2 });
  });

  it('counts a repeat once when its message is done again after a stop between the count and its update (a store without transactions)', async () => {
    const { store } = tempStore();
    const [alert] = normalizeMessage(alarmMessage('Twice', 'ALARM'), { receivedAt: T0 });
    await applyAlert(store, PLAIN_POLICY, alert as never, T0, logger, 'm-first#0');
    const fp = 'cloudwatch:111122223333:us-east-1:Twice';
    const group = (await waiting(store))[0]?.groupId as string;
    await store.alerts.setGroupTs(group, '1700000000.000100');
    await store.outbox.markSent((await waiting(store))[0]?.id as number, T0);
    // As on DynamoDB: each write on its own, and the replica stops once the repeat is counted.
    const dying: Stores = {
      ...store,
      atomically: (fn) => fn(),
      outbox: {
        ...store.outbox,
        enqueue: async () => {
          throw new Error('the replica stopped');
        },
      },
    };
    const [repeat] = normalizeMessage(alarmMessage('Twice', 'ALARM'), { receivedAt: at(60) });
    await expect(
      applyAlert(dying, PLAIN_POLICY, repeat as never, at(60), logger, 'm-repeat#0'),
    ).rejects.toThrow('stopped');
    expect(await store.alerts.openAlertByFingerprint(fp)).toMatchObject({ count: 2 });
    // Done again: counted once, and what the count was to be followed by is queued now.
    await applyAlert(store, PLAIN_POLICY, repeat as never, at(80), logger, 'm-repeat#0');
    expect(await store.alerts.openAlertByFingerprint(fp)).toMatchObject({ count: 2 });
    expect((await waiting(store)).map((i) => i.kind)).toEqual(['update']);
    expect(await store.outbox.outboxBacklog()).toBe(2);
    // Another message of the same alarm counts; the marks kept are the latest REPEAT_MARKS.
    for (let i = 0; i < REPEAT_MARKS; i++)
      await applyAlert(store, PLAIN_POLICY, repeat as never, at(100 + i), logger, `m-more-${i}#0`);
    const after = await store.alerts.openAlertByFingerprint(fp);
    expect(after).toMatchObject({ count: 2 + REPEAT_MARKS });
    expect(after?.countedFrom).toHaveLength(REPEAT_MARKS);
  });

  it('counts a repeat of an open alert on the original message, once per waiting note', async () => {
    const { store } = tempStore();
    await accept(store, 'm1', alarmMessage('HighErrors', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const post = (await waiting(store))[0];
    await store.alerts.setGroupTs(post?.groupId ?? '', '1.0');
    await store.outbox.markSent(post?.id ?? 0, T0);
    for (let i = 2; i <= 5; i++) await accept(store, `m${i}`, alarmMessage('HighErrors', 'ALARM'), at(i));
    await processPending(store, PLAIN_POLICY, at(10), logger);
    const a = await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:HighErrors');
    expect(a).toMatchObject({ count: 5, notedCount: 1, lastSeen: at(5) });
    // One update and one repeat note waiting, however many repeats came.
    const kinds = await store.outbox.outboxBacklog();
    expect(kinds).toBe(2);
  });

  it('resolves an alarm’s alert when it returns to OK, and a later ALARM opens a new one', async () => {
    const { store } = tempStore();
    await accept(store, 'm1', alarmMessage('HighErrors', 'ALARM'));
    await accept(store, 'm2', alarmMessage('HighErrors', 'OK'), at(60));
    await processPending(store, PLAIN_POLICY, at(61), logger);
    expect(
      await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:HighErrors'),
    ).toBeUndefined();
    const group = (await waiting(store))[0]?.groupId ?? '';
    expect((await store.alerts.alertsOfGroup(group))[0]).toMatchObject({ status: 'resolved', by: 'aws' });
    expect((await store.alerts.actionsOf(group)).map((a) => a.kind)).toEqual(['auto-resolve']);
    await accept(store, 'm3', alarmMessage('HighErrors', 'ALARM'), at(120));
    await processPending(store, PLAIN_POLICY, at(121), logger);
    const again = await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:HighErrors');
    expect(again?.groupId).not.toBe(group);
    expect(again?.count).toBe(1);
  });

  it('posts nothing for an OK with no open alert', async () => {
    const { store } = tempStore();
    await accept(store, 'm1', alarmMessage('Quiet', 'OK'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    expect(await store.outbox.outboxBacklog()).toBe(0);
  });

  it('keeps an unreadable stored message as a dead letter instead of blocking the rest', async () => {
    const { store } = tempStore();
    await store.inbox.acceptMessage({
      messageId: 'bad',
      topicArn: TOPIC,
      type: 'Notification',
      body: '{not json',
      receivedAt: T0,
    });
    await accept(store, 'good', alarmMessage('HighErrors', 'ALARM'), at(1));
    expect(await processPending(store, PLAIN_POLICY, at(2), logger)).toBe(2);
    expect(await store.inbox.deadLetters()).toMatchObject([{ source: 'message bad', body: '{not json' }]);
    expect(await store.outbox.outboxBacklog()).toBe(1);
  });
});

describe('grouping', () => {
  const policy = {
    ...PLAIN_POLICY,
    groupBy: ['source', 'account', 'region'] as const,
    groupWaitMs: 10_000,
    groupWindowMs: 300_000,
  };

  it('holds a new group’s post for the wait, and later alerts with its key join it', async () => {
    const { store } = tempStore();
    for (let i = 0; i < 5; i++) await accept(store, `m${i}`, alarmMessage(`Alarm${i}`, 'ALARM'), at(i));
    await accept(store, 'other', alarmMessage('Alarm0', 'ALARM', '444455556666'), at(1));
    await processPending(store, { ...policy, groupBy: [...policy.groupBy] }, at(5), logger);
    expect(await store.outbox.dueItems(at(5))).toEqual([]);
    const due = await store.outbox.dueItems(at(16));
    // One channel, one item at a time: the first group's post.
    expect(due).toHaveLength(1);
    expect(await store.alerts.alertsOfGroup(due[0]?.groupId ?? '')).toHaveLength(5);
    expect(await store.outbox.outboxBacklog()).toBe(2);
  });

  it('starts a new group once the window has passed', async () => {
    const { store } = tempStore();
    const p = { ...policy, groupBy: [...policy.groupBy] };
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await processPending(store, p, T0, logger);
    await accept(store, 'm2', alarmMessage('B', 'ALARM'), at(400));
    await processPending(store, p, at(400), logger);
    const a = await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:A');
    const b = await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:B');
    expect(a?.groupId).not.toBe(b?.groupId);
  });
});

describe('clicks, snoozes and escalation', () => {
  async function posted() {
    const { store } = tempStore();
    await accept(store, 'm1', alarmMessage('HighErrors', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const post = (await store.outbox.dueItems(T0))[0];
    await store.alerts.setGroupTs(post?.groupId ?? '', '1.0');
    await store.outbox.markSent(post?.id ?? 0, T0);
    return { store, group: post?.groupId ?? '' };
  }

  it('acknowledges, records who, and queues the update and note ahead of background work', async () => {
    const { store, group } = await posted();
    await accept(store, 'm2', alarmMessage('Other', 'ALARM'), at(1));
    await processPending(store, PLAIN_POLICY, at(1), logger);
    expect(await act(store, group, 'ack', 'U0ALICE', at(2))).toMatchObject({ changed: 1, ts: '1.0' });
    expect((await store.alerts.alertsOfGroup(group))[0]).toMatchObject({
      status: 'acknowledged',
      by: 'U0ALICE',
      at: at(2),
    });
    expect((await store.outbox.dueItems(at(2)))[0]).toMatchObject({
      groupId: group,
      kind: 'update',
      priority: 0,
    });
    expect((await act(store, group, 'ack', 'U0BOB', at(3))).changed).toBe(0);
    expect((await store.alerts.actionsOf(group)).map((a) => [a.kind, a.userId])).toEqual([
      ['ack', 'U0ALICE'],
    ]);
  });

  it('snoozes until a time, reopens when it ends, and quietly counts repeats meanwhile', async () => {
    const { store, group } = await posted();
    await act(store, group, 'snooze', 'U0ALICE', at(10), 1);
    const a = (await store.alerts.alertsOfGroup(group))[0];
    expect(a).toMatchObject({ status: 'snoozed', snoozedUntil: at(10 + 3600) });
    await accept(store, 'm2', alarmMessage('HighErrors', 'ALARM'), at(20));
    await processPending(store, PLAIN_POLICY, at(20), logger);
    // The click's update and note wait; the repeat joins the update and adds no thread note.
    expect(await store.outbox.outboxBacklog()).toBe(2);
    await tick(store, PLAIN_POLICY, at(3000));
    expect((await store.alerts.alertsOfGroup(group))[0]?.status).toBe('snoozed');
    await tick(store, PLAIN_POLICY, at(3700));
    expect((await store.alerts.alertsOfGroup(group))[0]).toMatchObject({ status: 'open', count: 2 });
    expect((await store.alerts.actionsOf(group)).map((x) => x.kind)).toEqual(['snooze', 'snooze-ended']);
  });

  it('snoozed until resolved stays snoozed', async () => {
    const { store, group } = await posted();
    await act(store, group, 'snooze', 'U0ALICE', at(10), 0);
    await tick(store, PLAIN_POLICY, at(999_999));
    expect((await store.alerts.alertsOfGroup(group))[0]).toMatchObject({
      status: 'snoozed',
      snoozedUntil: undefined,
    });
  });

  it('reminds the thread once, mentioning the on-call group, when nobody acknowledges in time', async () => {
    const { store, group } = await posted();
    const p = { ...PLAIN_POLICY, escalateAfterMs: 1_800_000, oncallGroup: 'S0ONCALL' };
    await tick(store, p, at(1000));
    expect(await store.alerts.actionsOf(group)).toEqual([]);
    await tick(store, p, at(1801));
    await tick(store, p, at(4000));
    expect((await store.alerts.actionsOf(group)).map((x) => x.kind)).toEqual(['escalate']);
    expect((await store.alerts.group(group))?.remindedAt).toEqual(at(1801));
  });

  it('does not remind about an acknowledged alert', async () => {
    const { store, group } = await posted();
    await act(store, group, 'ack', 'U0ALICE', at(5));
    await tick(store, { ...PLAIN_POLICY, escalateAfterMs: 60_000 }, at(4000));
    expect((await store.alerts.actionsOf(group)).map((x) => x.kind)).toEqual(['ack']);
  });
});

describe('applyAlert routing', () => {
  it('sends an alert to the first rule that takes it', async () => {
    const { store } = tempStore();
    const [a] = normalizeMessage(alarmMessage('Billing', 'ALARM', '999988887777'), { receivedAt: T0 });
    if (!a) throw new Error('no alert');
    await applyAlert(
      store,
      { ...PLAIN_POLICY, routes: [{ account: '999988887777', channel: 'C0BILLING1' }] },
      a,
      T0,
      logger,
    );
    expect((await store.alerts.openAlertByFingerprint(a.fingerprint))?.channel).toBe('C0BILLING1');
  });
});

describe('CloudTrail Insights in the lifecycle', () => {
  it('an Insight’s End resolves the alert its Start opened', async () => {
    const { store } = tempStore();
    const event = (state: string) =>
      JSON.stringify({
        'detail-type': 'AWS Insight via CloudTrail',
        account: '111122223333',
        region: 'us-east-1',
        detail: {
          insightDetails: {
            state,
            eventSource: 'iam.amazonaws.com',
            eventName: 'CreateUser',
            insightType: 'ApiCallRateInsight',
            insightContext: { statistics: { baseline: { average: 0.01 }, insight: { average: 3 } } },
          },
        },
      });
    await accept(store, 'i1', event('Start'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const fp = 'insight:111122223333:us-east-1:iam.amazonaws.com:CreateUser:ApiCallRateInsight:-';
    expect(await store.alerts.openAlertByFingerprint(fp)).toMatchObject({ status: 'open' });
    await accept(store, 'i2', event('End'), at(600));
    await processPending(store, PLAIN_POLICY, at(600), logger);
    expect(await store.alerts.openAlertByFingerprint(fp)).toBeUndefined();
  });
});
