import { readdirSync } from 'node:fs';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cfnStatements } from '../../iam/generate.js';
import { CIS_METRIC_FILTERS } from '../../src/posture/cis-filters.js';
import { DIR, deploy, template, text } from '../helpers/cloudformation.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';

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
    // The per-account reads of the one source (iam/permissions.yaml): nothing more, nothing less.
    const expected = (cfnStatements('member') as { Action: string[] }[]).flatMap((s) => s.Action).sort();
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

  it('ships the benchmark’s patterns, the same list the posture check looks for (src/posture/cis-filters.ts)', () => {
    for (const c of CIS_METRIC_FILTERS) {
      const f = t.Resources[`${c.metric}Filter`]?.Properties;
      expect(f?.FilterPattern, c.control).toBe(c.pattern);
      expect(t.Resources[`${c.metric}Alarm`]?.Properties.AlarmDescription).toBe(
        `CIS ${c.control}: ${c.title}`,
      );
    }
    expect(filters.map(([id]) => id).sort()).toEqual(
      CIS_METRIC_FILTERS.map((c) => `${c.metric}Filter`).sort(),
    );
    // Spot checks against the benchmark's text, so the shared list cannot drift on its own.
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

  it('makes a settings secret with empty Slack values for TRAIL_SECRETS, encrypted with the stack’s key when there is one', () => {
    expect(t.Resources.SettingsSecret?.Type).toBe('AWS::SecretsManager::Secret');
    expect(JSON.parse(String(r('SettingsSecret').SecretString))).toEqual({
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
    });
    expect(r('SettingsSecret').KmsKeyId).toEqual({
      'Fn::If': ['WithKms', { Ref: 'AlertKey' }, { Ref: 'AWS::NoValue' }],
    });
    const outputs = (t as unknown as { Outputs: Record<string, { Value: unknown }> }).Outputs;
    expect(outputs.SettingsSecretArn?.Value).toEqual({ Ref: 'SettingsSecret' });
  });

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

describe('the Lambda mode (lambda.yaml)', () => {
  const t = template('lambda.yaml');
  const r = (id: string) => t.Resources[id]?.Properties as Record<string, unknown>;

  it('takes the alert queue with partial batch failures, and schedules the minute’s work and the digest', () => {
    expect(r('AlertQueueMapping')).toMatchObject({
      EventSourceArn: { Ref: 'AlertQueueArn' },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(r('AlertFunction')).toMatchObject({ Handler: 'dist/lambda.sqs', Runtime: 'nodejs24.x' });
    expect(r('ScheduledFunction')).toMatchObject({ Handler: 'dist/lambda.schedule' });
    const target = (id: string) => (r(id).Target as { Input: string }).Input;
    expect(JSON.parse(target('EveryMinute'))).toEqual({ job: 'alerts' });
    expect(r('EveryMinute').ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.parse(target('WeeklyDigest'))).toEqual({ job: 'digest' });
    expect(r('SlackFunction')).toMatchObject({ Handler: 'dist/lambda.slack', Runtime: 'nodejs24.x' });
    // Slack signs its requests itself; the URL cannot ask for SigV4.
    expect(r('SlackFunctionUrl')).toMatchObject({
      TargetFunctionArn: { 'Fn::GetAtt': 'SlackFunction.Arn' },
      AuthType: 'NONE',
    });
    expect(t.Outputs?.SlackRequestUrl?.Value).toEqual({
      'Fn::Sub': expect.stringMatching(/^\$\{SlackFunctionUrl\.FunctionUrl\}slack\/events$/),
    });
    const env = (r('AlertFunction').Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ TRAIL_STORE: 'dynamodb', TRAIL_DYNAMODB_TABLE: { Ref: 'StoreTableName' } });
  });

  it('deploys into moto beside the bot stack', async () => {
    const moto = await startMoto();
    try {
      const bot = await deploy(moto, 'bot.yaml', { RunsOn: 'lambda', StoreOnDynamoDB: 'true' });
      const s3 = new S3Client({
        region: 'us-east-1',
        endpoint: moto.url,
        credentials: MOTO_CREDENTIALS,
        forcePathStyle: true,
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'trailbot-code' }));
      // The package's contents do not matter to the deployment: an empty zip.
      const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
      await s3.send(new PutObjectCommand({ Bucket: 'trailbot-code', Key: 'trailbot.zip', Body: emptyZip }));
      const out = await deploy(
        moto,
        'lambda.yaml',
        {
          BotRoleArn: bot.BotRoleArn as string,
          AlertQueueArn: `arn:aws:sqs:us-east-1:123456789012:trailbot-alerts`,
          CodeBucket: 'trailbot-code',
          CodeKey: 'trailbot.zip',
          SettingsSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:trailbot/settings-abc',
          StoreTableName: bot.StoreTableName as string,
          AlertTopicArns: bot.AlertTopicArn as string,
          DefaultChannel: 'C0ALERTS01',
          // moto skips AWS::Lambda::Url, so the URL's FunctionUrl attribute cannot be resolved there.
        },
        ['SlackRequestUrl'],
      );
      expect(out.AlertFunctionArn).toMatch(/:function:trailbot-alerts$/);
      expect(out.ScheduledFunctionArn).toMatch(/:function:trailbot-scheduled$/);
      expect(out.SlackFunctionArn).toMatch(/:function:trailbot-slack$/);
    } finally {
      await moto.stop();
    }
  });
});
