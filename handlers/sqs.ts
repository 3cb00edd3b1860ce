import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MessageInbox } from '../src/alerts/inbox.js';
import { SnsRefusal, SnsUnavailable, type SnsVerifier } from '../src/alerts/sns.js';
import type { Logger } from '../src/log.js';

/** What the SQS intake is built from; every outside thing passed in. */
export interface SqsIntake {
  client: SQSClient;
  queueUrl: string;
  verifier: SnsVerifier;
  store: { inbox: MessageInbox };
  logger: Logger;
  now: () => Date;
  /** Receives after which a message that still fails goes to the dead letters. */
  maxReceives: number;
  /** Long-poll wait, seconds (20 in production; less in tests). */
  waitSeconds?: number;
}

/** What became of one SQS message: delete it (stored, a repeat, or dead-lettered) or leave it for later. */
export type SqsOutcome = 'new' | 'duplicate' | 'dead-letter' | 'retry';

function looksLikeSnsEnvelope(body: string): boolean {
  try {
    const d = JSON.parse(body) as Record<string, unknown>;
    return (
      typeof d === 'object' && d !== null && typeof d.Type === 'string' && typeof d.Signature === 'string'
    );
  } catch {
    return false;
  }
}

/**
 * One SQS message into the store. An SNS envelope (the default subscription) is verified like a message
 * on /sns and keyed by its SNS MessageId, so the same notification arriving both ways is kept once; a
 * raw-delivery body (no envelope to verify: the queue's access policy is the trust) is keyed by the SQS
 * MessageId. A forged or unreadable envelope, or a message that failed `maxReceives` times, goes to the
 * dead letters with a log line.
 */
export async function handleSqsMessage(intake: SqsIntake, m: Message): Promise<SqsOutcome> {
  const log = intake.logger.child({ component: 'sqs', sqsMessageId: m.MessageId });
  const body = m.Body ?? '';
  const receives = Number(m.Attributes?.ApproximateReceiveCount ?? '1');
  try {
    if (looksLikeSnsEnvelope(body)) {
      const env = await intake.verifier.verify(body);
      if (env.Type !== 'Notification') {
        log.info({ type: env.Type, topic: env.TopicArn }, 'SNS control message on the queue; nothing to do');
        return 'duplicate';
      }
      const r = await intake.store.inbox.acceptMessage({
        messageId: env.MessageId,
        topicArn: env.TopicArn,
        type: 'Notification',
        body,
        receivedAt: intake.now(),
      });
      log.info({ messageId: env.MessageId, topic: env.TopicArn, result: r }, 'SQS notification accepted');
      return r;
    }
    if (!m.MessageId || !body) throw new SnsRefusal(400, 'empty SQS message');
    const r = await intake.store.inbox.acceptMessage({
      messageId: `sqs:${m.MessageId}`,
      topicArn: intake.queueUrl,
      type: 'Raw',
      body,
      receivedAt: intake.now(),
    });
    log.info({ result: r }, 'SQS raw message accepted');
    return r;
  } catch (err) {
    // A certificate that cannot be had now is not the message's fault: leave it for a later receive.
    const poison = err instanceof SnsRefusal;
    if (err instanceof SnsUnavailable && receives < intake.maxReceives) {
      log.warn(
        { reason: err.message, receives },
        'SQS message not checked now; the queue will deliver it again',
      );
      return 'retry';
    }
    if (poison || receives >= intake.maxReceives) {
      const reason = poison ? err.message : `failed ${receives} times: ${(err as Error).message}`;
      try {
        await intake.store.inbox.deadLetter(`sqs ${m.MessageId ?? '?'}`, body, reason, intake.now());
        log.warn({ reason, receives }, 'SQS message moved to the dead letters');
        return 'dead-letter';
      } catch (storeErr) {
        log.error({ err: storeErr }, 'the store refused a dead letter; leaving the message on the queue');
        return 'retry';
      }
    }
    log.error({ err, receives }, 'SQS message not accepted; the queue will deliver it again');
    return 'retry';
  }
}

/** Wait `ms`, or less if `signal` aborts first (then quietly: the loop sees the abort). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Long-poll the queue until stopped: each batch stored, then deleted — only what is in the store (or
 * dead-lettered) is deleted. Receive errors back off and retry.
 */
export function startSqsPoller(intake: SqsIntake): { stop: () => Promise<void> } {
  const abort = new AbortController();
  const log = intake.logger.child({ component: 'sqs' });
  const loop = async () => {
    let backoff = 1000;
    while (!abort.signal.aborted) {
      try {
        const r = await intake.client.send(
          new ReceiveMessageCommand({
            QueueUrl: intake.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: intake.waitSeconds ?? 20,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: abort.signal },
        );
        backoff = 1000;
        // An empty answer to a short poll (tests, or WaitTimeSeconds 0) pauses before the next; a long poll
        // has already waited.
        if (!r.Messages?.length) await pause((intake.waitSeconds ?? 20) > 0 ? 0 : 100, abort.signal);
        const done: { Id: string; ReceiptHandle: string }[] = [];
        for (const [i, m] of (r.Messages ?? []).entries()) {
          const outcome = await handleSqsMessage(intake, m);
          if (outcome !== 'retry' && m.ReceiptHandle)
            done.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle });
        }
        if (done.length) {
          const d = await intake.client.send(
            new DeleteMessageBatchCommand({ QueueUrl: intake.queueUrl, Entries: done }),
          );
          // A failed delete means a redelivery, which the store recognises as a repeat.
          if (d.Failed?.length)
            log.warn({ failed: d.Failed.length }, 'some SQS deletes failed; repeats will be recognised');
        }
      } catch (err) {
        if (abort.signal.aborted) break;
        log.error({ err, backoffMs: backoff }, 'SQS receive failed; backing off');
        // Abortable: a stop during the backoff (up to a minute) ends it at once.
        await pause(backoff, abort.signal);
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
  };
  const running = loop();
  return {
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}
