import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaRuntime } from '../../src/lambda.js';
import { initTable } from '../../src/store/dynamodb/table.js';
import { alarmMessage, CHANNEL, notification, TOPIC } from '../helpers/alerts.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

// The Lambda handlers invoked with the events Lambda hands them: an SQS batch (the Developer Guide's
// record shape), and the scheduler's payloads; against DynamoDB (moto's) and a fake Slack.
const SQS_EVENT = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/lambda/sqs-event.json'), 'utf8'),
) as SQSEvent;
const record = (messageId: string, body: string, receives = '1'): SQSRecord => {
  const r = SQS_EVENT.Records[0] as SQSRecord;
  return { ...r, messageId, body, attributes: { ...r.attributes, ApproximateReceiveCount: receives } };
};
const context = (ms = 20_000) => {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
};

describe('Lambda mode', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let moto: Moto;
  let env: Record<string, string>;
  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
    moto = await startMoto();
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: MOTO_CREDENTIALS,
    });
    await initTable(client, 'lambda');
    client.destroy();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    });
    env = {
      SLACK_BOT_TOKEN: 'xoxb-lambda',
      SLACK_SIGNING_SECRET: 'lambda-secret',
      SLACK_API_URL: `${slack.url}/api/`,
      TRAIL_SNS_TOPICS: TOPIC,
      TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
      TRAIL_ALERT_GROUP_BY: 'fingerprint',
      TRAIL_ALERT_GROUP_WAIT: '0s',
      TRAIL_STORE: 'dynamodb',
      TRAIL_DYNAMODB_TABLE: 'lambda',
      TRAIL_REGIONS: 'us-east-1',
      TRAIL_STORE_PATH: '/nonexistent/unused.db',
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await slack.stop();
    await moto?.stop();
  });

  it('stores an SQS batch, reports only what must come again, and posts the alert once', async () => {
    const { rt } = await lambdaRuntime(env, { fetchCert: async () => SNS_TEST_CERT_PEM });
    const good = signSns(notification('sns-1', alarmMessage('LambdaDisk', 'ALARM')));
    const forged = good.replace('LambdaDisk', 'LambdaDiskX');
    const { sqsEventHandler } = await import('../../handlers/lambda.js');
    const r = await sqsEventHandler(rt)(
      { Records: [record('q-1', good), record('q-2', good), record('q-3', forged)] },
      context(),
    );
    // Stored, a repeat, and a forgery kept as a dead letter: none needs to come again.
    expect(r).toEqual({ batchItemFailures: [] });
    expect(ch.posts().filter((m) => m.text.includes('LambdaDisk'))).toHaveLength(1);
    expect((await rt.alerts.store.inbox.deadLetters()).map((d) => d.source)).toEqual(['sqs q-3']);
  });

  it('reports a record it could not check now as a batch item failure, and takes it on the next delivery', async () => {
    const down = await lambdaRuntime(env, {
      fetchCert: async () => {
        throw new Error('connect ETIMEDOUT');
      },
    });
    const { sqsEventHandler } = await import('../../handlers/lambda.js');
    const body = signSns(notification('sns-2', alarmMessage('LambdaCpu', 'ALARM')));
    expect(await sqsEventHandler(down.rt)({ Records: [record('q-4', body)] }, context())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-4' }],
    });
    const up = await lambdaRuntime(env, { fetchCert: async () => SNS_TEST_CERT_PEM });
    expect(await sqsEventHandler(up.rt)({ Records: [record('q-4', body, '2')] }, context())).toEqual({
      batchItemFailures: [],
    });
    expect(ch.posts().filter((m) => m.text.includes('LambdaCpu'))).toHaveLength(1);
  });

  it('runs the minute’s alert work on the scheduler’s payload, and refuses an unknown job', async () => {
    const { rt, digest } = await lambdaRuntime(env, { fetchCert: async () => SNS_TEST_CERT_PEM });
    const { scheduledHandler } = await import('../../handlers/lambda.js');
    // Something stored but not yet processed (an invocation that ran out of time) is finished here.
    await rt.alerts.store.inbox.acceptMessage({
      messageId: 'sns-3',
      topicArn: TOPIC,
      type: 'Notification',
      body: JSON.stringify(notification('sns-3', alarmMessage('LambdaLeft', 'ALARM'))),
      receivedAt: new Date(),
    });
    expect(await scheduledHandler(rt, digest)({ job: 'alerts' }, context())).toEqual({ job: 'alerts' });
    expect(ch.posts().filter((m) => m.text.includes('LambdaLeft'))).toHaveLength(1);
    await expect(scheduledHandler(rt, digest)({ job: 'reboot' as 'alerts' }, context())).rejects.toThrow(
      'unknown scheduled job "reboot": alerts or digest',
    );
  });

  it('refuses to run on SQLite: invocations share no disk', async () => {
    await expect(lambdaRuntime({ ...env, TRAIL_STORE: 'sqlite' })).rejects.toThrow(
      /Lambda mode needs dynamodb/,
    );
  });
});
