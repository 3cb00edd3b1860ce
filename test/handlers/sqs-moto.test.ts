import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsPoller } from '../../handlers/sqs.js';
import { SnsVerifier } from '../../src/alerts/sns.js';
import { sqsClient } from '../../src/aws/clients.js';
import { sqsRegion } from '../../src/server.js';
import { TOPIC, tempStore } from '../helpers/alerts.js';
import { captureLogger } from '../helpers/deps.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';
import { SNS_TEST_CERT_PEM } from '../helpers/sns-sign.js';

// The SQS intake against a local AWS (moto): the queue URL is the one AWS gives, the endpoint comes from
// the SDK's standard setting, as AWS_ENDPOINT_URL_SQS gives it to the bot.
describe('the SQS intake on a real queue API', () => {
  let moto: Moto;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
    moto = await startMoto();
  });
  afterAll(async () => moto?.stop());

  it('reads the region from any queue URL form, and falls back for a stand-in', async () => {
    expect(sqsRegion('https://sqs.eu-west-1.amazonaws.com/111122223333/q', 'us-east-1')).toBe('eu-west-1');
    expect(sqsRegion('https://sqs-fips.us-gov-west-1.amazonaws.com/111122223333/q', 'x')).toBe(
      'us-gov-west-1',
    );
    expect(sqsRegion('https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q', 'x')).toBe('cn-north-1');
    expect(sqsRegion('https://vpce-0a1b.sqs.ap-south-1.vpce.amazonaws.com/111122223333/q', 'x')).toBe(
      'ap-south-1',
    );
    expect(sqsRegion('http://127.0.0.1:4566/111122223333/q', 'eu-central-1')).toBe('eu-central-1');
  });

  it('receives, stores and deletes through the configured endpoint, not the queue URL’s host', async () => {
    const admin = new SQSClient({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });
    const made = await admin.send(new CreateQueueCommand({ QueueName: 'trailbot-alerts' }));
    // The URL as AWS would give it: its host is AWS's, not the stand-in's.
    const awsUrl = `https://sqs.us-east-1.amazonaws.com/${new URL(made.QueueUrl as string).pathname.split('/')[1]}/trailbot-alerts`;
    await admin.send(new SendMessageCommand({ QueueUrl: made.QueueUrl, MessageBody: 'raw alert text' }));
    const { logger } = captureLogger();
    const store = tempStore().store;
    const poller = startSqsPoller({
      client: sqsClient(sqsRegion(awsUrl, 'us-east-1'), moto.url),
      queueUrl: awsUrl,
      verifier: new SnsVerifier({ allowedTopics: [TOPIC], fetchCert: async () => SNS_TEST_CERT_PEM }),
      store,
      logger,
      now: () => new Date(),
      maxReceives: 3,
      waitSeconds: 1,
    });
    for (let t = 0; t < 100 && (await store.inbox.pendingMessages(10)).length === 0; t++)
      await new Promise((r) => setTimeout(r, 100));
    await poller.stop();
    expect((await store.inbox.pendingMessages(10)).map((m) => m.body)).toEqual(['raw alert text']);
    const left = await admin.send(
      new GetQueueAttributesCommand({
        QueueUrl: made.QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(left.Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });
});
