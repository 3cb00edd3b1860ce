import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackHttpEvent } from '../../handlers/app.js';
import type { SlackJob } from '../../handlers/lambda.js';
import { lambdaRuntime } from '../../src/lambda.js';
import { readAlertAction } from '../../src/slack/buttons.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { initTable } from '../../src/store/dynamodb/table.js';
import { alarmMessage, CHANNEL, notification, TOPIC } from '../helpers/alerts.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { type FakeMessage, FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';
import { buttonClickBody, slackSignature, slashCommandBody } from '../helpers/signed.js';
import { texts } from '../helpers/slack.js';
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

  describe('the Slack function behind a function URL', () => {
    const URL_EVENT = readFileSync(
      join(import.meta.dirname, '../fixtures/lambda/function-url-event.json'),
      'utf8',
    );
    const SECRET = 'lambda-secret';
    /** The function URL's event for a Slack request: the body base64-encoded, Slack's headers added. */
    const urlEvent = (body: string, o: { ts?: number; signature?: string } = {}): SlackHttpEvent => {
      const e = JSON.parse(URL_EVENT) as SlackHttpEvent;
      const ts = o.ts ?? Math.floor(Date.now() / 1000);
      e.headers = {
        ...e.headers,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': o.signature ?? slackSignature(SECRET, ts, body),
      };
      e.body = Buffer.from(body, 'utf8').toString('base64');
      return e;
    };
    let responses = 0;
    const responseUrl = () => {
      const path = `/response/lambda-${++responses}`;
      slack.on(path, () => ({ body: { ok: true } }));
      return { path, url: `${slack.url}${path}` };
    };
    const jobs: SlackJob[] = [];
    const runtime = () =>
      lambdaRuntime(
        { ...env, TRAIL_SOURCE: 'local', TRAIL_LOGS_DIR: INVICTUS_DIR },
        {
          fetchCert: async () => SNS_TEST_CERT_PEM,
          invoke: async (job) => {
            jobs.push(job);
          },
        },
      );

    it('acks a slash command at once and answers it in a second invocation, through response_url', async () => {
      jobs.length = 0;
      const lambda = await runtime();
      const r = responseUrl();
      // Em dashes where the user typed two hyphens (autocorrect): undone before the words are read.
      const body = slashCommandBody({
        text: 'who-deleted stratus-red-team-ctes-bucket-qyxyekjbtk —since 2023-07-01 —until 2023-07-31',
        responseUrl: r.url,
      });
      const started = performance.now();
      const res = await lambda.slack(urlEvent(body));
      expect(performance.now() - started).toBeLessThan(3000);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({
        response_type: 'ephemeral',
        text: 'Looking for deletions of `stratus-red-team-ctes-bucket-qyxyekjbtk`…',
      });
      // Nothing answered in this invocation: the question went to the next one.
      expect(slack.callsTo(r.path)).toHaveLength(0);
      expect(jobs).toEqual([
        {
          question: {
            words: [
              'who-deleted',
              'stratus-red-team-ctes-bucket-qyxyekjbtk',
              '--since',
              '2023-07-01',
              '--until',
              '2023-07-31',
            ],
            actor: { userId: 'U0ALICE', channelId: 'C0SECURITY', front: 'slack' },
            responseUrl: r.url,
            private: false,
          },
        },
      ]);
      // The job travels as JSON, as Lambda's asynchronous invocation carries it.
      const job = JSON.parse(JSON.stringify(jobs[0])) as SlackJob;
      expect(await lambda.job(job, context())).toBe('answered');
      const [answer] = slack.callsTo(r.path);
      expect(answer?.body.response_type).toBe('in_channel');
      expect(texts(answer?.body.blocks as unknown[]).join('\n')).toContain(
        '*Answer: *`bert-jan` deleted `stratus-red-team-ctes-bucket-qyxyekjbtk`',
      );
    });

    it('reads a JSON body as UTF-8, so a signature over text that is not ASCII holds', async () => {
      const lambda = await runtime();
      // Slack's check of the Request URL; the Events API's JSON bodies carry UTF-8 as it is (a view's
      // text, a message's), where Bolt's own reading of base64 (as ASCII) changes it and the signature fails.
      const body = JSON.stringify({ token: 't', challenge: 'Café — ✓ 確認', type: 'url_verification' });
      const e = urlEvent(body);
      e.headers['content-type'] = 'application/json';
      const res = await lambda.slack(e);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ challenge: 'Café — ✓ 確認' });
    });

    it('refuses a forged signature and a timestamp from the future, handing nothing on', async () => {
      jobs.length = 0;
      const lambda = await runtime();
      const body = slashCommandBody({ text: 'who-deleted x', responseUrl: responseUrl().url });
      expect((await lambda.slack(urlEvent(body, { signature: 'v0=00' }))).statusCode).toBe(401);
      const future = Math.floor(Date.now() / 1000) + 600;
      expect((await lambda.slack(urlEvent(body, { ts: future }))).statusCode).toBe(401);
      expect(jobs).toEqual([]);
    });

    it('applies an Acknowledge click within the invocation, and a second invocation updates the message', async () => {
      jobs.length = 0;
      const lambda = await runtime();
      const { sqsEventHandler } = await import('../../handlers/lambda.js');
      const envelope = signSns(notification('sns-ack', alarmMessage('LambdaAck', 'ALARM')));
      await sqsEventHandler(lambda.rt)({ Records: [record('q-ack', envelope)] }, context());
      const post = ch.posts().find((m) => m.text.includes('LambdaAck')) as FakeMessage;
      const actions = (post.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
        .find((b) => b.type === 'actions')
        ?.elements?.find((e) => e.action_id === ACTION_IDS.alertAck);
      expect(actions?.value).toBeTruthy();
      const click = buttonClickBody({
        actionId: ACTION_IDS.alertAck,
        value: actions?.value,
        userId: 'U0BOB',
        responseUrl: responseUrl().url,
        on: { channel: CHANNEL, ts: post?.ts as string },
      });
      expect((await lambda.slack(urlEvent(click))).statusCode).toBe(200);
      const group = readAlertAction(actions?.value).alertId;
      expect((await lambda.rt.alerts.store.alerts.group(group))?.ts).toBe(post?.ts);
      expect(jobs).toEqual([{ drain: true }]);
      expect(post?.edits).toHaveLength(0);
      expect(await lambda.job({ drain: true }, context())).toMatch(/^drained: [1-9]\d* sent, 0 left$/);
      expect(texts(post?.edits.at(-1)?.blocks as unknown[]).join('\n')).toContain('Acknowledged by <@U0BOB>');
    });
  });
});
