import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handleSqsMessage, type SqsIntake, startSqsPoller } from '../../handlers/sqs.js';
import { SnsVerifier } from '../../src/alerts/sns.js';
import type { Stores } from '../../src/store/stores.js';
import { alarmMessage, notification, TOPIC, tempStore } from '../helpers/alerts.js';
import { captureLogger } from '../helpers/deps.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111122223333/trailbot-alerts';
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

function intake(store: Stores = tempStore().store): SqsIntake & { lines: Record<string, unknown>[] } {
  const { logger, lines } = captureLogger();
  return {
    client: new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    queueUrl: QUEUE,
    verifier: new SnsVerifier({ allowedTopics: [TOPIC], fetchCert: async () => SNS_TEST_CERT_PEM }),
    store,
    logger,
    now: () => new Date('2026-11-25T12:00:00Z'),
    maxReceives: 3,
    waitSeconds: 0,
    lines,
  };
}

describe('handleSqsMessage', () => {
  it('verifies an SNS envelope and keys it by the SNS MessageId, so HTTPS and SQS copies meet', async () => {
    const i = intake();
    const body = signSns(notification('sns-1', alarmMessage('A', 'ALARM')));
    expect(await handleSqsMessage(i, { MessageId: 'q1', Body: body })).toBe('new');
    expect(await handleSqsMessage(i, { MessageId: 'q2', Body: body })).toBe('duplicate');
    expect(await i.store.inbox.pendingMessages(10)).toMatchObject([
      { messageId: 'sns-1', type: 'Notification' },
    ]);
  });

  it('takes a raw-delivery body as it is, keyed by the SQS MessageId', async () => {
    const i = intake();
    expect(await handleSqsMessage(i, { MessageId: 'q1', Body: alarmMessage('A', 'ALARM') })).toBe('new');
    expect(await i.store.inbox.pendingMessages(10)).toMatchObject([
      { messageId: 'sqs:q1', type: 'Raw', topicArn: QUEUE },
    ]);
  });

  it('moves a forged envelope to the dead letters at once, with a log line', async () => {
    const i = intake();
    const forged = JSON.parse(signSns(notification('sns-1', alarmMessage('A', 'ALARM'))));
    forged.Message = alarmMessage('B', 'ALARM');
    expect(await handleSqsMessage(i, { MessageId: 'q1', Body: JSON.stringify(forged) })).toBe('dead-letter');
    expect((await i.store.inbox.deadLetters())[0]?.reason).toMatch(/signature/);
    expect(await i.store.inbox.pendingMessages(10)).toEqual([]);
    expect(i.lines.some((l) => l.msg === 'SQS message moved to the dead letters')).toBe(true);
  });

  it('leaves a message the store could not take on the queue, until it has failed too often', async () => {
    const broken = tempStore().store;
    let fail = true;
    const store = {
      ...broken,
      inbox: new Proxy(broken.inbox, {
        get(t, k) {
          if (k === 'acceptMessage' && fail)
            return () => {
              throw new Error('SQLITE_FULL');
            };
          const v = Reflect.get(t, k);
          return typeof v === 'function' ? v.bind(t) : v;
        },
      }),
    };
    const i = intake(store);
    const m = (n: number) => ({
      MessageId: 'q1',
      Body: 'plain text',
      Attributes: { ApproximateReceiveCount: String(n) },
    });
    expect(await handleSqsMessage(i, m(1))).toBe('retry');
    expect(await handleSqsMessage(i, m(3))).toBe('dead-letter');
    expect((await broken.inbox.deadLetters())[0]).toMatchObject({
      body: 'plain text',
      reason: 'failed 3 times: SQLITE_FULL',
    });
    fail = false;
    expect(await handleSqsMessage(i, m(1))).toBe('new');
  });
});

describe('startSqsPoller', () => {
  it('long-polls, stores, and deletes only what it stored or dead-lettered', async () => {
    const good = signSns(notification('sns-1', alarmMessage('A', 'ALARM')));
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'q1', ReceiptHandle: 'r1', Body: good },
          { MessageId: 'q2', ReceiptHandle: 'r2', Body: '{"Type":"Notification","Signature":"x"}' },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }, { Id: '1' }] });
    const i = intake();
    const poller = startSqsPoller(i);
    for (let t = 0; t < 100 && sqs.commandCalls(DeleteMessageBatchCommand).length === 0; t++)
      await new Promise((r) => setTimeout(r, 10));
    await poller.stop();
    const receive = sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input;
    expect(receive).toMatchObject({
      QueueUrl: QUEUE,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    expect(
      sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries?.map((e) => e.ReceiptHandle),
    ).toEqual(['r1', 'r2']);
    expect((await i.store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['sns-1']);
    expect(await i.store.inbox.deadLetters()).toHaveLength(1);
  });

  it('backs off when SQS fails, and keeps going', async () => {
    sqs.on(ReceiveMessageCommand).rejectsOnce(new Error('socket hang up')).resolves({ Messages: [] });
    const i = intake();
    const poller = startSqsPoller(i);
    for (let t = 0; t < 300 && sqs.commandCalls(ReceiveMessageCommand).length < 2; t++)
      await new Promise((r) => setTimeout(r, 10));
    await poller.stop();
    expect(sqs.commandCalls(ReceiveMessageCommand).length).toBeGreaterThanOrEqual(2);
    expect(i.lines.some((l) => l.msg === 'SQS receive failed; backing off')).toBe(true);
  });

  it('stops at once when asked during a long backoff, not when the backoff ends', async () => {
    sqs.on(ReceiveMessageCommand).rejects(new Error('socket hang up'));
    const i = intake();
    const poller = startSqsPoller(i);
    // Three failures: the backoff is 4 s by then.
    for (let t = 0; t < 1000 && sqs.commandCalls(ReceiveMessageCommand).length < 3; t++)
      await new Promise((r) => setTimeout(r, 10));
    const asked = performance.now();
    await poller.stop();
    expect(performance.now() - asked).toBeLessThan(500);
  });
});
