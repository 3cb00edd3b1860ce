import { describe, expect, it } from 'vitest';
import type { AcceptedMessage, MessageInbox } from '../../src/alerts/inbox.js';

const msg = (id: string, at: string): AcceptedMessage => ({
  messageId: id,
  topicArn: 'arn:aws:sns:us-east-1:111122223333:security-alerts',
  type: 'Notification',
  body: `{"MessageId":"${id}"}`,
  receivedAt: new Date(at),
});

/** The MessageInbox contract, for every implementation: `open` gives a fresh, empty inbox. */
export function inboxContract(name: string, open: () => MessageInbox): void {
  describe(`MessageInbox contract: ${name}`, () => {
    it('accepts a MessageId once: a second delivery is a duplicate and changes nothing', async () => {
      const inbox = open();
      expect(await inbox.acceptMessage(msg('m-1', '2026-11-25T12:00:01Z'))).toBe('new');
      expect(await inbox.acceptMessage({ ...msg('m-1', '2026-11-25T12:00:09Z'), body: 'other' })).toBe(
        'duplicate',
      );
      expect(await inbox.pendingMessages(10)).toEqual([msg('m-1', '2026-11-25T12:00:01Z')]);
    });

    it('answers each message of a batch, duplicates within it and before it included', async () => {
      const inbox = open();
      await inbox.acceptMessage(msg('old', '2026-11-25T12:00:00Z'));
      const r = await inbox.acceptMessages([
        msg('a', '2026-11-25T12:00:01Z'),
        msg('old', '2026-11-25T12:00:02Z'),
        msg('a', '2026-11-25T12:00:03Z'),
      ]);
      expect(r).toEqual(['new', 'duplicate', 'duplicate']);
    });

    it('gives pending messages oldest first, up to the limit, and forgets processed ones', async () => {
      const inbox = open();
      await inbox.acceptMessage(msg('m-3', '2026-11-25T12:00:03Z'));
      await inbox.acceptMessage(msg('m-1', '2026-11-25T12:00:01Z'));
      await inbox.acceptMessage(msg('m-2', '2026-11-25T12:00:02Z'));
      expect((await inbox.pendingMessages(2)).map((m) => m.messageId)).toEqual(['m-1', 'm-2']);
      await inbox.markProcessed('m-1', new Date('2026-11-25T12:01:00Z'));
      expect((await inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['m-2', 'm-3']);
      expect(await inbox.acceptMessage(msg('m-1', '2026-11-25T12:02:00Z'))).toBe('duplicate');
    });

    it('keeps dead letters in the order they came, with why', async () => {
      const inbox = open();
      await inbox.deadLetter('sqs q1', 'garbled', 'not JSON', new Date('2026-11-25T12:00:00Z'));
      await inbox.deadLetter('message m9', '{}', 'no alert in it', new Date('2026-11-25T12:00:01Z'));
      expect(await inbox.deadLetters()).toEqual([
        { source: 'sqs q1', body: 'garbled', reason: 'not JSON', at: new Date('2026-11-25T12:00:00Z') },
        { source: 'message m9', body: '{}', reason: 'no alert in it', at: new Date('2026-11-25T12:00:01Z') },
      ]);
    });
  });
}
