import type { AcceptedMessage, MessageInbox } from './inbox.js';

/**
 * Group commit for the intake: messages that arrive in the same turn of the event loop are written in
 * one transaction — one fsync instead of one each — and every caller waits for that commit before it
 * answers, so nothing is acknowledged before it is durable.
 */
export function groupCommit(
  inbox: Pick<MessageInbox, 'acceptMessages'>,
): (m: AcceptedMessage) => Promise<'new' | 'duplicate'> {
  let batch: {
    m: AcceptedMessage;
    resolve: (r: 'new' | 'duplicate') => void;
    reject: (e: unknown) => void;
  }[] = [];
  const flush = async () => {
    const now = batch;
    batch = [];
    try {
      const results = await inbox.acceptMessages(now.map((b) => b.m));
      for (const [i, b] of now.entries()) b.resolve(results[i] as 'new' | 'duplicate');
    } catch (err) {
      for (const b of now) b.reject(err);
    }
  };
  return (m) =>
    new Promise((resolve, reject) => {
      if (batch.length === 0) setImmediate(() => void flush());
      batch.push({ m, resolve, reject });
    });
}
