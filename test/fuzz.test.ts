import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../commands/dispatch.js';
import { COMMANDS } from '../commands/registry.js';
import { handleSqsMessage } from '../handlers/sqs.js';
import { normalizeMessage } from '../src/alerts/alert.js';
import { SnsVerifier } from '../src/alerts/sns.js';
import { toSlack } from '../src/slack/blocks.js';
import { TOPIC, tempStore } from './helpers/alerts.js';
import { INVICTUS_DIR } from './helpers/data.js';
import { captureLogger, testDeps } from './helpers/deps.js';
import { SNS_TEST_CERT_PEM } from './helpers/sns-sign.js';

/** Words a hostile or careless user types. */
const word = fc.oneof(
  fc.constantFrom(
    '--since',
    '--until',
    '--region',
    '--account',
    '--source',
    '--logs',
    '--max-scan',
    '--user',
    '--check',
    '--digest',
    '--report',
    '--for',
    '--reason',
    '--keys',
    'mute',
    '7d',
    '-1d',
    '99999d',
    'now',
    '2026-02-30',
    'us-east-1',
    '123',
    'athena',
    'local',
    '<!channel>',
    '`',
    '"',
    "'",
    '\\',
    '$(rm -rf /)',
    '../../etc/passwd',
    '%00',
    '--',
    '-',
    '=',
    '*',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 500, maxLength: 3000 }),
);
const words = fc.tuple(
  fc.constantFrom(...COMMANDS.map((c) => c.name), 'nope'),
  fc.array(word, { maxLength: 8 }),
);

// No AWS anywhere: every client answers at once that it is offline.
const offline = () => Object.assign(new Error('offline'), { name: 'TimeoutError' });
const ct = mockClient(CloudTrailClient);
const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const orgs = mockClient(OrganizationsClient);
beforeAll(() => {
  ct.onAnyCommand().rejects(offline());
  iam.onAnyCommand().rejects(offline());
  s3.onAnyCommand().rejects(offline());
  orgs.onAnyCommand().rejects(offline());
});
afterAll(() => {
  ct.restore();
  iam.restore();
  s3.restore();
  orgs.restore();
});

describe('fuzzing every subcommand with random and hostile words', () => {
  for (const front of ['slack', 'terminal'] as const) {
    it(`never throws, always answers with a known outcome that renders within limits (${front})`, async () => {
      const deps = testDeps({ TRAIL_LOGS_DIR: INVICTUS_DIR, TRAIL_SOURCE: 'local' });
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(words, async ([name, rest]) => {
          runs++;
          const o = await dispatch([name, ...rest], deps, {
            userId: 'U0FUZZ',
            channelId: 'C0FUZZ001',
            front,
          });
          expect(['answer', 'usage', 'refused', 'failed']).toContain(o.status);
          const msg = toSlack(o.doc);
          expect(msg.blocks.length).toBeLessThanOrEqual(50);
          // Nothing the user typed comes back as a live mention.
          expect(msg.text).not.toMatch(/(^|[^`])<!channel>/);
          // A failure that is not explained carries a reference, never a stack.
          if (o.status === 'failed') expect(JSON.stringify(o.doc)).not.toMatch(/\n\s+at /);
        }),
        { numRuns: 250 },
      );
      expect(runs).toBe(250);
    }, 120_000);
  }
});

describe('fuzzing the intakes with random bytes and truncated JSON', () => {
  const signedish = JSON.stringify({
    Type: 'Notification',
    MessageId: 'm-1',
    TopicArn: TOPIC,
    Message: '{"AlarmName":"x","NewStateValue":"ALARM"}',
    Timestamp: '2026-11-25T12:00:00.000Z',
    SignatureVersion: '2',
    Signature: 'AAAA',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
  });
  const body = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.nat({ max: signedish.length }).map((n) => signedish.slice(0, n)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  );

  it('the SNS verifier refuses every one with a 4xx reason, never crashes or accepts', async () => {
    const v = new SnsVerifier({ allowedTopics: [TOPIC], fetchCert: async () => SNS_TEST_CERT_PEM });
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await v.verify(b).then(
          () => 'accepted',
          (e: { status?: number }) => e.status,
        );
        expect([400, 403, 413]).toContain(r);
      }),
      { numRuns: 1000 },
    );
  });

  it('the SQS intake stores raw bodies or dead-letters envelopes, never throws', async () => {
    const { store } = tempStore();
    const { logger } = captureLogger();
    const intake = {
      client: {} as never,
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/q',
      verifier: new SnsVerifier({ allowedTopics: [TOPIC], fetchCert: async () => SNS_TEST_CERT_PEM }),
      store,
      logger,
      now: () => new Date(),
      maxReceives: 3,
    };
    let i = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await handleSqsMessage(intake, { MessageId: `q${i++}`, Body: b });
        expect(['new', 'duplicate', 'dead-letter']).toContain(r);
      }),
      { numRuns: 1000 },
    );
  });

  it('normalising any message gives at least one alert, never throws', () => {
    fc.assert(
      fc.property(body, (b) => {
        const alerts = normalizeMessage(b, { receivedAt: new Date() });
        expect(alerts.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
