import { describe, expect, it } from 'vitest';
import type { OutboxQueue } from '../../src/alerts/outbox-queue.js';

const T = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
const item = (channel: string, groupId: string, kind: 'post' | 'update' | 'note' = 'post', priority = 1) => ({
  channel,
  groupId,
  kind,
  priority,
  notBefore: T(0),
});

/** The OutboxQueue contract, for every implementation: `open` gives a fresh, empty queue. */
export function outboxQueueContract(name: string, open: () => OutboxQueue): void {
  describe(`OutboxQueue contract: ${name}`, () => {
    it('gives one due item per channel, by priority then age, none while the channel has one in flight', async () => {
      const q = open();
      await q.enqueue(item('C1', 'g1'));
      await q.enqueue(item('C1', 'g2'));
      await q.enqueue(item('C2', 'g3'));
      await q.enqueue({ ...item('C1', 'g4'), priority: 0 });
      expect((await q.dueItems(T(1))).map((i) => [i.channel, i.groupId])).toEqual([
        ['C1', 'g4'],
        ['C2', 'g3'],
      ]);
      const first = (await q.dueItems(T(1)))[0];
      expect(await q.markInflight(first?.id as number)).toBe(true);
      // A second taker (another replica that saw it due) does not get it.
      expect(await q.markInflight(first?.id as number)).toBe(false);
      expect((await q.dueItems(T(1))).map((i) => i.channel)).toEqual(['C2']);
      expect((await q.inflightItems()).map((i) => i.groupId)).toEqual(['g4']);
      await q.markSent(first?.id as number, T(2));
      expect((await q.dueItems(T(2))).map((i) => i.groupId)).toEqual(['g1', 'g3']);
    });

    it('coalesces a waiting update into the waiting post, and counts the backlog', async () => {
      const q = open();
      await q.enqueue(item('C1', 'g1', 'post'));
      await q.enqueue(item('C1', 'g1', 'update'), true);
      await q.enqueue(item('C1', 'g1', 'note'));
      expect(await q.outboxBacklog()).toBe(2);
    });

    it('waits a retried item until its time, and stops counting a failed one', async () => {
      const q = open();
      await q.enqueue(item('C1', 'g1'));
      const [i] = await q.dueItems(T(0));
      await q.markInflight(i?.id as number);
      await q.retryLater(i?.id as number, T(30), 'rate limited');
      expect(await q.dueItems(T(29))).toEqual([]);
      const again = (await q.dueItems(T(30)))[0];
      expect(again).toMatchObject({ attempts: 1, lastError: 'rate limited', state: 'pending' });
      await q.markFailed(again?.id as number, 'channel_not_found');
      expect(await q.outboxBacklog()).toBe(0);
      expect(await q.dueItems(T(60))).toEqual([]);
    });

    it('gives a channel’s send slot to one taker at a time, for the gap asked', async () => {
      const q = open();
      expect(await q.takeSendSlot('C1', T(0), 1000)).toBe(true);
      expect(await q.takeSendSlot('C1', new Date(T(0).getTime() + 999), 1000)).toBe(false);
      expect(await q.takeSendSlot('C2', T(0), 1000)).toBe(true);
      expect(await q.takeSendSlot('C1', new Date(T(0).getTime() + 1000), 1000)).toBe(true);
      expect(await q.takeSendSlot('C1', new Date(T(0).getTime() + 1500), 1000)).toBe(false);
    });

    it('holds a channel’s slot until a time (a Retry-After), never shortening it', async () => {
      const q = open();
      const at = (ms: number) => new Date(T(0).getTime() + ms);
      expect(await q.takeSendSlot('C1', at(0), 1000)).toBe(true);
      await q.holdSendSlot('C1', at(30_000));
      await q.holdSendSlot('C1', at(5_000));
      expect(await q.takeSendSlot('C1', at(29_999), 1000)).toBe(false);
      expect(await q.takeSendSlot('C1', at(30_000), 1000)).toBe(true);
      await q.holdSendSlot('C2', at(2_000));
      expect(await q.takeSendSlot('C2', at(1_999), 1000)).toBe(false);
    });
  });
}
