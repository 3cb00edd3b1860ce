import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';

const DIR = resolve(import.meta.dirname, '../../deploy/cloudformation');
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');

/** CloudFormation's short tags as the long form, so a template reads as plain data. */
const CFN_TAGS: Tags = [
  'Ref',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
].flatMap((name) =>
  (['scalar', 'seq'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (v: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: v }),
  })),
) as Tags;
const template = (f: string) =>
  parse(text(f), { customTags: CFN_TAGS }) as {
    Parameters: Record<string, unknown>;
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };

async function deploy(
  moto: Moto,
  file: string,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: MOTO_CREDENTIALS,
  });
  const name = file.replace(/\.yaml$/, '');
  const Parameters: Parameter[] = Object.entries(params).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: text(file),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters,
    }),
  );
  for (let i = 0; i < 120; i++) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (s?.StackStatus === 'CREATE_COMPLETE')
      return Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    if (!/IN_PROGRESS/.test(s?.StackStatus ?? ''))
      throw new Error(`${name}: ${s?.StackStatus} ${s?.StackStatusReason}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name}: not complete`);
}

describe('every template', () => {
  it('builds its ARNs for the partition it runs in and hard-codes no name', () => {
    for (const f of readdirSync(DIR).filter((x) => x.endsWith('.yaml'))) {
      const lines = text(f)
        .split('\n')
        .filter((l) => !/AllowedPattern/.test(l));
      expect(
        lines.filter((l) => /arn:aws:/.test(l)),
        f,
      ).toEqual([]);
      for (const [id, r] of Object.entries(template(f).Resources)) {
        const named = ['BucketName', 'TableName', 'WorkGroup'].filter(
          (k) => typeof r.Properties?.[k] === 'string',
        );
        expect(named, `${f} ${id}`).toEqual([]);
      }
    }
  });
});

describe('the member-account role (member-role.yaml)', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => moto?.stop());

  it('deploys, trusted by the bot role alone with its external id and the organization, SourceIdentity allowed', async () => {
    const bot = 'arn:aws:iam::111122223333:role/trailbot-bot';
    const out = await deploy(moto, 'member-role.yaml', {
      BotRoleArn: bot,
      ExternalId: 'ext-id-0123456789',
      OrganizationId: 'o-abcdefghij',
    });
    expect(out.ReadRoleArn).toMatch(/:role\/TrailbotRead$/);
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });
    const role = await iam.send(new GetRoleCommand({ RoleName: 'TrailbotRead' }));
    const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}'));
    expect(trust.Statement).toEqual([
      {
        Sid: 'TheBotOnly',
        Effect: 'Allow',
        Principal: { AWS: bot },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: {
          StringEquals: { 'sts:ExternalId': 'ext-id-0123456789', 'aws:PrincipalOrgID': 'o-abcdefghij' },
        },
      },
    ]);
    // The reads are the bot's own, from the shipped policy: nothing more, nothing less.
    const reads = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'TrailbotRead', PolicyName: 'TrailbotReads' }),
    );
    // moto keeps an inline policy made by CloudFormation as Python's repr of it (single quotes).
    const raw = decodeURIComponent(reads.PolicyDocument ?? '{}');
    const doc = JSON.parse(raw.startsWith("{'") ? raw.replace(/'/g, '"') : raw) as {
      Statement: { Action: string[] }[];
    };
    const granted = doc.Statement.flatMap((s) => s.Action).sort();
    const shipped = JSON.parse(readFileSync(resolve(DIR, '../../iam/trailbot-policy.json'), 'utf8')) as {
      Statement: { Sid: string; Action: string | string[] }[];
    };
    const perAccount = [
      'TrailbotLookupEvents',
      'TrailbotIamHygiene',
      'TrailbotTrailPosture',
      'TrailbotTrailBucketPosture',
    ];
    const expected = shipped.Statement.filter((s) => perAccount.includes(s.Sid))
      .flatMap((s) => ([] as string[]).concat(s.Action))
      // The organization is asked in the bot's own (management) account only.
      .filter((a) => a !== 'organizations:DescribeOrganization')
      .sort();
    expect(granted).toEqual(expected);
    expect(granted.every((a) => /:(Get|List|Describe|Lookup|Generate)/.test(a))).toBe(true);
  });
});

describe('the CIS metric filters and alarms (metric-filters.yaml)', () => {
  const t = template('metric-filters.yaml');
  const filters = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Logs::MetricFilter');
  const alarms = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

  it('has the benchmark’s 15 monitoring controls, each a filter on the trail’s log group and an alarm to the bot', () => {
    expect(filters).toHaveLength(15);
    const controls = alarms.map(([, a]) => /^CIS (4\.\d+):/.exec(String(a.Properties.AlarmDescription))?.[1]);
    expect(controls).toEqual(Array.from({ length: 15 }, (_, i) => `4.${i + 1}`));
    for (const [id, f] of filters) {
      expect(f.Properties.LogGroupName, id).toEqual({ Ref: 'LogGroupName' });
      const metric = (f.Properties.MetricTransformations as { MetricName: string }[])[0]?.MetricName;
      const alarm = alarms.find(([, a]) => a.Properties.MetricName === metric)?.[1];
      expect(alarm?.Properties.AlarmActions, id).toEqual([{ Ref: 'AlarmTopicArn' }]);
      expect(alarm?.Properties.Threshold).toBe(1);
    }
  });

  it('uses the benchmark’s patterns for the controls Trailbot alerts on', () => {
    const pattern = (name: string) => String(t.Resources[`${name}Filter`]?.Properties.FilterPattern);
    expect(pattern('ConsoleSignInWithoutMfa')).toContain('($.additionalEventData.MFAUsed != "Yes")');
    expect(pattern('RootUsage')).toBe(
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    );
    expect(pattern('ConsoleAuthenticationFailures')).toBe(
      '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    );
    for (const e of ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'])
      expect(pattern('CloudTrailChanges')).toContain(`($.eventName = ${e})`);
  });

  it('deploys into moto (which skips filters and alarms, so those are asserted from the template above)', async () => {
    const moto = await startMoto();
    try {
      const out = await deploy(moto, 'metric-filters.yaml', {
        LogGroupName: 'aws-cloudtrail-logs',
        AlarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:trailbot-alerts',
      });
      expect(out.Controls?.split(', ')).toHaveLength(15);
    } finally {
      await moto.stop();
    }
  });
});

describe('the bot stack’s parts moto skips (bot.yaml), from the template itself', () => {
  const t = template('bot.yaml');
  const r = (id: string) => t.Resources[id]?.Properties as Record<string, unknown>;

  it('lets EventBridge and CloudWatch alarms of the account publish to the topic, and no one else', () => {
    const st = (r('AlertTopicPolicy').PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(st).toEqual([
      {
        Sid: 'EventBridgeAndAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
        Action: 'sns:Publish',
        Resource: { Ref: 'AlertTopic' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('lets only the topic send to the queue, and subscribes the queue keeping the signed envelope', () => {
    const st = (r('AlertQueuePolicy').PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(st).toEqual([
      {
        Sid: 'TheTopicDelivers',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': 'AlertQueue.Arn' },
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'AlertTopic' } } },
      },
    ]);
    expect(r('AlertSubscription')).toEqual({
      TopicArn: { Ref: 'AlertTopic' },
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': 'AlertQueue.Arn' },
      RawMessageDelivery: false,
    });
  });

  it('sends every rule to the topic', () => {
    const rules = Object.entries(t.Resources).filter(([, x]) => x.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(11);
    for (const [id, rule] of rules)
      expect(rule.Properties.Targets, id).toEqual([{ Id: 'alerts', Arn: { Ref: 'AlertTopic' } }]);
  });
});
