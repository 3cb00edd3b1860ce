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
    it('gives one due item per channel, by priority then age, none while the channel has one in flight', () => {
      const q = open();
      q.enqueue(item('C1', 'g1'));
      q.enqueue(item('C1', 'g2'));
      q.enqueue(item('C2', 'g3'));
      q.enqueue({ ...item('C1', 'g4'), priority: 0 });
      expect(q.dueItems(T(1)).map((i) => [i.channel, i.groupId])).toEqual([
        ['C1', 'g4'],
        ['C2', 'g3'],
      ]);
      const first = q.dueItems(T(1))[0];
      q.markInflight(first?.id as number);
      expect(q.dueItems(T(1)).map((i) => i.channel)).toEqual(['C2']);
      expect(q.inflightItems().map((i) => i.groupId)).toEqual(['g4']);
      q.markSent(first?.id as number, T(2));
      expect(q.dueItems(T(2)).map((i) => i.groupId)).toEqual(['g1', 'g3']);
    });

    it('coalesces a waiting update into the waiting post, and counts the backlog', () => {
      const q = open();
      q.enqueue(item('C1', 'g1', 'post'));
      q.enqueue(item('C1', 'g1', 'update'), true);
      q.enqueue(item('C1', 'g1', 'note'));
      expect(q.outboxBacklog()).toBe(2);
    });

    it('waits a retried item until its time, and stops counting a failed one', () => {
      const q = open();
      q.enqueue(item('C1', 'g1'));
      const [i] = q.dueItems(T(0));
      q.markInflight(i?.id as number);
      q.retryLater(i?.id as number, T(30), 'rate limited');
      expect(q.dueItems(T(29))).toEqual([]);
      const again = q.dueItems(T(30))[0];
      expect(again).toMatchObject({ attempts: 1, lastError: 'rate limited', state: 'pending' });
      q.markFailed(again?.id as number, 'channel_not_found');
      expect(q.outboxBacklog()).toBe(0);
      expect(q.dueItems(T(60))).toEqual([]);
    });

    it('gives a channel’s send slot to one taker at a time, for the gap asked', () => {
      const q = open();
      expect(q.takeSendSlot('C1', T(0), 1000)).toBe(true);
      expect(q.takeSendSlot('C1', new Date(T(0).getTime() + 999), 1000)).toBe(false);
      expect(q.takeSendSlot('C2', T(0), 1000)).toBe(true);
      expect(q.takeSendSlot('C1', new Date(T(0).getTime() + 1000), 1000)).toBe(true);
      expect(q.takeSendSlot('C1', new Date(T(0).getTime() + 1500), 1000)).toBe(false);
    });

    it('holds a channel’s slot until a time (a Retry-After), never shortening it', () => {
      const q = open();
      const at = (ms: number) => new Date(T(0).getTime() + ms);
      expect(q.takeSendSlot('C1', at(0), 1000)).toBe(true);
      q.holdSendSlot('C1', at(30_000));
      q.holdSendSlot('C1', at(5_000));
      expect(q.takeSendSlot('C1', at(29_999), 1000)).toBe(false);
      expect(q.takeSendSlot('C1', at(30_000), 1000)).toBe(true);
      q.holdSendSlot('C2', at(2_000));
      expect(q.takeSendSlot('C2', at(1_999), 1000)).toBe(false);
    });
  });
}
