import { describe, expect, it } from 'vitest';
import { act, processPending } from '../../src/alerts/lifecycle.js';
import { Outbox, SendError, type Sender } from '../../src/alerts/outbox.js';
import type { Doc } from '../../src/present/doc.js';
import { plain } from '../../src/present/doc.js';
import type { Stores } from '../../src/store/stores.js';
import { alarmMessage, CHANNEL, notification, PLAIN_POLICY, TOPIC, tempStore } from '../helpers/alerts.js';
import { captureLogger } from '../helpers/deps.js';

const T0 = new Date('2026-11-25T12:00:00Z');

async function accept(store: Stores, id: string, message: string) {
  await store.inbox.acceptMessage({
    messageId: id,
    topicArn: TOPIC,
    type: 'Notification',
    body: JSON.stringify(notification(id, message)),
    receivedAt: T0,
  });
}

/** A sender that records what it was asked, failing as told. */
function recordingSender(fail: (kind: string, n: number) => SendError | undefined = () => undefined) {
  const sent: { kind: string; channel: string; at: number; text: string; ts?: string }[] = [];
  let n = 0;
  const record = (kind: string, channel: string, doc: Doc, ts?: string) => {
    const e = fail(kind, n++);
    if (e) throw e;
    sent.push({ kind, channel, at: Date.now(), text: plain(doc.summary), ts });
  };
  const sender: Sender & { posted: Map<string, string>; replied: Set<number> } = {
    posted: new Map(),
    replied: new Set(),
    async post(channel, doc, groupId) {
      record('post', channel, doc);
      const ts = `${1000 + sent.length}.000100`;
      sender.posted.set(groupId, ts);
      return ts;
    },
    async update(channel, ts, doc) {
      record('update', channel, doc, ts);
    },
    async direct(user, doc) {
      record('direct', user, doc);
    },
    async reply(channel, ts, doc, itemId) {
      record('reply', channel, doc, ts);
      sender.replied.add(itemId);
    },
    async findReply(_c, _ts, itemId) {
      return sender.replied.has(itemId);
    },
    async findPosted(_c, groupId) {
      return sender.posted.get(groupId);
    },
  };
  return { sender, sent };
}

async function drain(outbox: Outbox, store: Stores, limitMs = 5000) {
  const until = Date.now() + limitMs;
  while ((await store.outbox.outboxBacklog()) > 0 && Date.now() < until) {
    await outbox.runOnce();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Outbox', () => {
  it('paces each channel, keeps order within it, and tells the thread about repeats once', async () => {
    const { store } = tempStore();
    const { logger } = captureLogger();
    for (let i = 0; i < 3; i++) await accept(store, `m${i}`, alarmMessage(`Alarm${i}`, 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    for (let i = 3; i < 8; i++) await accept(store, `m${i}`, alarmMessage('Alarm0', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const { sender, sent } = recordingSender();
    // The pace is the slots the store grants (the one guarantee that holds across replicas); when the
    // sender is then called depends on how long the store's writes between took, so it is not measured.
    const granted: number[] = [];
    const takeSendSlot = store.outbox.takeSendSlot.bind(store.outbox);
    store.outbox.takeSendSlot = async (channel, at, gapMs) => {
      const ok = await takeSendSlot(channel, at, gapMs);
      if (ok) granted.push(at.getTime());
      return ok;
    };
    const outbox = new Outbox({ store, sender, now: () => T0, logger, intervalMs: 100 });
    await drain(outbox, store);
    // The repeats came before the post went: it shows them, and the thread hears nothing more.
    expect(sent.map((s) => s.kind)).toEqual(['post', 'post', 'post']);
    expect(
      (await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:Alarm0'))?.notedCount,
    ).toBe(6);
    // Repeats after the post update it and get one thread note between them.
    for (let i = 8; i < 11; i++) await accept(store, `m${i}`, alarmMessage('Alarm0', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    await drain(outbox, store);
    expect(sent.slice(3).map((s) => s.kind)).toEqual(['update', 'reply']);
    expect(sent[4]?.text).toContain('Alarm0');
    // One slot per send, each at least 100 ms after the one before; every send after its slot.
    expect(granted).toHaveLength(sent.length);
    for (let i = 1; i < granted.length; i++)
      expect((granted[i] ?? 0) - (granted[i - 1] ?? 0)).toBeGreaterThanOrEqual(100);
    for (let i = 0; i < sent.length; i++) expect(sent[i]?.at ?? 0).toBeGreaterThanOrEqual(granted[i] ?? 0);
    expect(
      await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:Alarm0'),
    ).toMatchObject({
      count: 9,
      notedCount: 9,
    });
  });

  it('waits out a 429’s Retry-After, then sends the same item', async () => {
    const { store } = tempStore();
    const { logger, lines } = captureLogger();
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const { sender, sent } = recordingSender((_k, n) =>
      n === 0 ? new SendError('Slack answered 429', 'rate_limited', 300) : undefined,
    );
    const outbox = new Outbox({ store, sender, now: () => new Date(), logger, intervalMs: 10 });
    const started = Date.now();
    await outbox.runOnce();
    expect(sent).toEqual([]);
    await outbox.runOnce();
    expect(sent).toEqual([]);
    await drain(outbox, store);
    expect(sent.map((s) => s.kind)).toEqual(['post']);
    expect((sent[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(290);
    expect(lines.some((l) => l.retryAfterMs === 300)).toBe(true);
  });

  it('gives up on a permanent error with a log line naming the fix; the alert stays stored', async () => {
    const { store } = tempStore();
    const { logger, lines } = captureLogger();
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const { sender } = recordingSender(
      () => new SendError('Slack refused: not_in_channel (invite the bot)', 'permanent'),
    );
    const outbox = new Outbox({ store, sender, now: () => T0, logger, intervalMs: 1 });
    await outbox.runOnce();
    expect(await store.outbox.outboxBacklog()).toBe(0);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ channel: CHANNEL });
    expect(await store.alerts.openAlertByFingerprint('cloudwatch:111122223333:us-east-1:A')).toBeDefined();
  });

  it('retries a transient error with backoff, then gives up after the attempts allowed', async () => {
    const { store } = tempStore();
    const { logger } = captureLogger();
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    let tries = 0;
    const { sender } = recordingSender(() => {
      tries++;
      return new SendError('Slack unreachable', 'transient');
    });
    let clock = T0.getTime();
    const outbox = new Outbox({
      store,
      sender,
      now: () => new Date(clock),
      logger,
      intervalMs: 0,
      maxAttempts: 3,
    });
    for (let i = 0; i < 10; i++) {
      await outbox.runOnce();
      clock += 120_000;
    }
    expect(tries).toBe(3);
    expect(await store.outbox.outboxBacklog()).toBe(0);
  });

  it('after a crash, finds a post that went out before it was marked sent, and does not send it again', async () => {
    const { store } = tempStore();
    const { logger } = captureLogger();
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await accept(store, 'm2', alarmMessage('B', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const { sender, sent } = recordingSender();
    // The first post went out, then the process died before marking it: it is still in flight.
    const [first] = await store.outbox.dueItems(T0);
    if (!first) throw new Error('nothing due');
    await store.outbox.markInflight(first.id);
    sender.posted.set(first.groupId, '999.000100');
    const outbox = new Outbox({ store, sender, now: () => T0, logger, intervalMs: 1 });
    await outbox.recover();
    await drain(outbox, store);
    expect((await store.alerts.group(first.groupId))?.ts).toBe('999.000100');
    expect(sent.filter((s) => s.kind === 'post')).toHaveLength(1);
  });

  it('sends an update for a click ahead of background items waiting in the channel', async () => {
    const { store } = tempStore();
    const { logger } = captureLogger();
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const { sender, sent } = recordingSender();
    const outbox = new Outbox({ store, sender, now: () => T0, logger, intervalMs: 1 });
    await drain(outbox, store);
    for (let i = 0; i < 4; i++) await accept(store, `n${i}`, alarmMessage(`Other${i}`, 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    const group = [...sender.posted.keys()][0] ?? '';
    await act(store, group, 'ack', 'U0ALICE', T0);
    await outbox.runOnce();
    expect(sent.at(-1)).toMatchObject({ kind: 'update' });
    expect(sent.at(-1)?.text).toContain('A is ALARM');
  });

  it('a post or note that reached Slack before its answer was lost is not sent again on retry', async () => {
    const { store } = tempStore();
    const { logger } = captureLogger();
    await accept(store, 'm1', alarmMessage('A', 'ALARM'));
    await processPending(store, PLAIN_POLICY, T0, logger);
    // Slack takes the post, but the answer never arrives (a timeout): the outbox sees a transient error.
    let lose = true;
    const { sender, sent } = recordingSender();
    const post = sender.post.bind(sender);
    sender.post = async (c, d, g) => {
      const ts = await post(c, d, g);
      if (lose) {
        lose = false;
        throw new SendError('Slack unreachable: timeout', 'transient');
      }
      return ts;
    };
    let clock = T0.getTime();
    const outbox = new Outbox({ store, sender, now: () => new Date(clock), logger, intervalMs: 0 });
    for (let i = 0; i < 4; i++) {
      await outbox.runOnce();
      clock += 120_000;
    }
    expect(sent.filter((x) => x.kind === 'post')).toHaveLength(1);
    expect(await store.outbox.outboxBacklog()).toBe(0);
    // The same for a thread note.
    const group = [...sender.posted.keys()][0] ?? '';
    await act(store, group, 'ack', 'U0ALICE', new Date(clock));
    const reply = sender.reply.bind(sender);
    let loseReply = true;
    sender.reply = async (c, ts, d, id) => {
      await reply(c, ts, d, id);
      if (loseReply) {
        loseReply = false;
        throw new SendError('Slack unreachable: timeout', 'transient');
      }
    };
    for (let i = 0; i < 6; i++) {
      await outbox.runOnce();
      clock += 120_000;
    }
    expect(sent.filter((x) => x.kind === 'reply')).toHaveLength(1);
    expect(await store.outbox.outboxBacklog()).toBe(0);
  });
});
