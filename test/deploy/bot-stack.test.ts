import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVICTUS_DIR, rawRecords, SNS_DATA, STRATUS_DIR } from '../helpers/data.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';

// The bot stack deployed into a local AWS (moto) through CloudFormation, as a platform team deploys it.
const TEMPLATE = readFileSync(resolve(import.meta.dirname, '../../deploy/cloudformation/bot.yaml'), 'utf8');

describe('the bot stack (deploy/cloudformation/bot.yaml) on moto', () => {
  let moto: Moto;
  let outputs: Record<string, string>;
  const aws = () => ({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });
  beforeAll(async () => {
    moto = await startMoto();
    const cfn = new CloudFormationClient(aws());
    await cfn.send(
      new CreateStackCommand({
        StackName: 'trailbot',
        TemplateBody: TEMPLATE,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        Parameters: [{ ParameterKey: 'RunsOn', ParameterValue: 'ecs' }],
      }),
    );
    let status = '';
    let out: Output[] = [];
    for (let i = 0; i < 120 && !/COMPLETE|FAILED/.test(status); i++) {
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'trailbot' }))).Stacks?.[0];
      status = s?.StackStatus ?? '';
      out = s?.Outputs ?? [];
      if (/IN_PROGRESS/.test(status)) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('CREATE_COMPLETE');
    outputs = Object.fromEntries(out.map((o) => [o.OutputKey, o.OutputValue]));
  });
  afterAll(async () => moto?.stop());

  it('makes the queue with its dead-letter redrive, the topic, and the outputs the bot is configured with', async () => {
    expect(Object.keys(outputs).sort()).toEqual([
      'AlertDeadLetterQueueUrl',
      'AlertQueueUrl',
      'AlertTopicArn',
      'BotRoleArn',
      'ReadRoleName',
      // SettingsSecretArn too, in AWS: moto skips the secret (asserted from the template in templates.test.ts).
    ]);
    const sqs = new SQSClient(aws());
    const url = (u: string) => `${moto.url}/${new URL(u).pathname.slice(1)}`;
    const q = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url(outputs.AlertQueueUrl as string),
        AttributeNames: ['All'],
      }),
    );
    const dlq = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url(outputs.AlertDeadLetterQueueUrl as string),
        AttributeNames: ['QueueArn'],
      }),
    );
    expect(JSON.parse(q.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.Attributes?.QueueArn,
      maxReceiveCount: 5,
    });
    expect(outputs.AlertTopicArn).toMatch(/^arn:aws:sns:us-east-1:\d{12}:trailbot-alerts$/);
  });

  it('trusts the bot role to where it runs', async () => {
    const role = await new IAMClient(aws()).send(new GetRoleCommand({ RoleName: 'trailbot-bot' }));
    const doc = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}'));
    expect(doc.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
  });

  it('routes real CloudTrail, GuardDuty and Security Hub events to the rules meant for them, and no others', async () => {
    // moto does not implement TestEventPattern, but routes PutEvents through rules to SQS targets (and
    // fails on SNS ones): each deployed rule, its pattern as deployed, gets a queue of its own as target.
    const events = new EventBridgeClient(aws());
    const sqs = new SQSClient(aws());
    const rules = (await events.send(new ListRulesCommand({ NamePrefix: 'trailbot-' }))).Rules ?? [];
    expect(rules.map((r) => r.Name).sort()).toEqual([
      'trailbot-cloudtrail-insights',
      'trailbot-console-login-failures',
      'trailbot-console-login-without-mfa',
      'trailbot-guardduty',
      'trailbot-iam-changes',
      'trailbot-kms-key-disable-delete',
      'trailbot-network-changes',
      'trailbot-root-activity',
      'trailbot-s3-bucket-policy',
      'trailbot-securityhub-high',
      'trailbot-trail-tampering',
    ]);
    const queues = new Map<string, string>();
    for (const r of rules) {
      expect((await events.send(new DescribeRuleCommand({ Name: r.Name }))).EventPattern).toBeTruthy();
      const q = await sqs.send(new CreateQueueCommand({ QueueName: `test-${r.Name}` }));
      const arn = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))
      ).Attributes?.QueueArn as string;
      await events.send(new PutTargetsCommand({ Rule: r.Name, Targets: [{ Id: 'alerts', Arn: arn }] }));
      queues.set(r.Name as string, q.QueueUrl as string);
    }
    // Real records, sent as EventBridge delivers CloudTrail events.
    const records = [...rawRecords(INVICTUS_DIR), ...rawRecords(STRATUS_DIR)] as Record<string, unknown>[];
    const pick = (name: string, extra: (r: Record<string, unknown>) => boolean = () => true) => {
      const r = records.find((x) => x.eventName === name && extra(x));
      if (!r) throw new Error(`no ${name} in the fixtures`);
      return r;
    };
    const asCloudTrail = (r: Record<string, unknown>) => ({
      Source: `aws.${String(r.eventSource).split('.')[0]}`,
      DetailType:
        r.eventName === 'ConsoleLogin' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
      Detail: JSON.stringify(r),
    });
    const mfaNo = (r: Record<string, unknown>) =>
      (r.additionalEventData as { MFAUsed?: string } | undefined)?.MFAUsed === 'No';
    const sent: [string, Record<string, unknown>, string[]][] = [
      ['StopLogging', pick('StopLogging'), ['trailbot-trail-tampering']],
      ['DeleteTrail', pick('DeleteTrail'), ['trailbot-trail-tampering']],
      ['PutEventSelectors', pick('PutEventSelectors'), ['trailbot-trail-tampering']],
      ['CreateUser', pick('CreateUser'), ['trailbot-iam-changes']],
      ['AttachUserPolicy', pick('AttachUserPolicy'), ['trailbot-iam-changes']],
      ['UpdateAssumeRolePolicy', pick('UpdateAssumeRolePolicy'), ['trailbot-iam-changes']],
      ['ConsoleLogin without MFA', pick('ConsoleLogin', mfaNo), ['trailbot-console-login-without-mfa']],
      ['AuthorizeSecurityGroupIngress', pick('AuthorizeSecurityGroupIngress'), ['trailbot-network-changes']],
      ['PutBucketPolicy', pick('PutBucketPolicy'), ['trailbot-s3-bucket-policy']],
      ['ModifySnapshotAttribute', pick('ModifySnapshotAttribute'), []],
      ['GetSecretValue', pick('GetSecretValue'), []],
    ];
    const entries = sent.map(([, r]) => asCloudTrail(r));
    const finding = (f: string) => {
      const e = JSON.parse(readFileSync(join(SNS_DATA, f), 'utf8'));
      return { Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail) };
    };
    const gd = finding('eventbridge-guardduty-finding.COMPOSED.json');
    const sh = finding('eventbridge-securityhub-finding-imported.COMPOSED.json');
    const shLabel = JSON.parse(sh.Detail).findings?.[0]?.Severity?.Label as string;
    for (let i = 0; i < entries.length; i += 10)
      await events.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    await events.send(new PutEventsCommand({ Entries: [gd, sh] }));
    const received = new Map<string, string[]>();
    for (const [rule, url] of queues) {
      const got: string[] = [];
      for (;;) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
        if (!r.Messages?.length) break;
        for (const m of r.Messages) {
          const e = JSON.parse(m.Body as string);
          got.push(e.detail.eventID ?? e['detail-type']);
        }
      }
      received.set(rule, got);
    }
    for (const [what, r, expected] of sent)
      for (const [rule, got] of received)
        expect(got.includes(r.eventID as string), `${what} → ${rule}`).toBe(expected.includes(rule));
    expect(received.get('trailbot-guardduty')).toEqual(['GuardDuty Finding']);
    expect(received.get('trailbot-securityhub-high')?.length).toBe(
      ['HIGH', 'CRITICAL'].includes(shLabel) ? 1 : 0,
    );
  });
});
