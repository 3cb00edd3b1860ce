import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CIS_METRIC_FILTERS,
  type CisMetricFilter,
  coversControl,
  patternConditions,
} from '../../src/posture/cis-filters.js';
import type {
  MetricFilterFacts,
  MonitoringFacts,
  PostureFacts,
  TrailFacts,
} from '../../src/posture/facts.js';
import { monitoringRules } from '../../src/posture/rules/monitoring.js';
import { checkPosture } from '../../src/posture/run.js';
import { deploy, template } from '../helpers/cloudformation.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';

const ACCOUNT = '123456789012';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:trailbot-alerts`;
const OPTS = { maxDeliveryAgeHours: 24, sensitiveBuckets: [], requireObjectLock: false };

function control(n: string): CisMetricFilter {
  const c = CIS_METRIC_FILTERS.find((x) => x.control === n);
  if (!c) throw new Error(`no control ${n}`);
  return c;
}

describe('the CIS 4.x patterns', () => {
  it('read a pattern as its conditions, whatever the spaces and quotes', () => {
    expect(
      patternConditions('{ ($.eventName = "ConsoleLogin") && ($.errorMessage="Failed authentication") }'),
    ).toEqual(new Set(['eventName = ConsoleLogin', 'errorMessage = Failed authentication']));
    expect(
      patternConditions('{ $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
    ).toEqual(new Set(['userIdentity.invokedBy NOT EXISTS', 'eventType != AwsServiceEvent']));
  });

  it('count a filter as covering a control when every condition of the benchmark is in it', () => {
    const trail = control('4.5');
    const mfa = control('4.2');
    for (const c of CIS_METRIC_FILTERS) expect(coversControl(c.pattern, c), c.control).toBe(true);
    // Reordered, unquoted, with one more event: still covers.
    expect(
      coversControl(
        '{($.eventName=StopLogging)||($.eventName=DeleteTrail)||($.eventName="CreateTrail")||($.eventName=UpdateTrail)||($.eventName=StartLogging)||($.eventName=PutEventSelectors)}',
        trail,
      ),
    ).toBe(true);
    // StopLogging left out: does not.
    expect(coversControl('{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }', trail)).toBe(
      false,
    );
    // Console logins without the MFA test: does not.
    expect(
      coversControl('{ ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "IAMUser") }', mfa),
    ).toBe(false);
    // Another control's filter does not count for this one.
    expect(coversControl(mfa.pattern, trail)).toBe(false);
  });
});

/** Every control deployed as the template does: a filter, an alarm to the topic. */
function allFilters(actions = [TOPIC]): MetricFilterFacts[] {
  return CIS_METRIC_FILTERS.map((c) => ({
    name: `${c.metric}Filter`,
    pattern: c.pattern,
    metrics: [{ namespace: 'Trailbot/CIS', name: c.metric, alarms: [{ name: `${c.metric}Alarm`, actions }] }],
  }));
}
const trailFacts: TrailFacts = {
  arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`,
  name: 'main',
  homeRegion: 'us-east-1',
  multiRegion: true,
  organizationTrail: false,
  logFileValidation: true,
  cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail-logs:*`,
  isLogging: true,
  selectors: {},
  insights: false,
};
const factsWith = (monitoring: MonitoringFacts, trails = [trailFacts]): PostureFacts => ({
  account: ACCOUNT,
  regions: ['us-east-1'],
  trails,
  buckets: [],
  monitoring,
  checkedAt: new Date('2026-12-01T00:00:00Z'),
});
const group = (filters: MonitoringFacts['logGroups'][number]['filters']) => ({
  arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail-logs`,
  name: 'trail-logs',
  region: 'us-east-1',
  trails: ['main'],
  filters,
});

describe('the CIS 4.x monitoring rule over plain facts', () => {
  it('finds nothing when every control has a filter, an alarm, and a topic someone listens to', () => {
    const r = monitoringRules(
      factsWith({ logGroups: [group(allFilters())], topicSubscribers: { [TOPIC]: 1 } }),
      OPTS,
    );
    expect(r.findings).toEqual([]);
    expect(r.notChecked ?? []).toEqual([]);
  });

  it('names each control that falls short, and how: no filter, no alarm, no subscriber', () => {
    const filters = allFilters();
    // 4.1: no filter; 4.2: a filter without the MFA test; 4.3: no alarm; 4.4: an alarm to a topic nobody hears.
    const metric = (i: number) =>
      (filters[i] as MetricFilterFacts).metrics[0] as MetricFilterFacts['metrics'][number];
    filters.splice(0, 1);
    filters[0] = { ...(filters[0] as MetricFilterFacts), pattern: '{ ($.eventName = "ConsoleLogin") }' };
    metric(1).alarms = [];
    metric(2).alarms = [{ name: 'a', actions: [`${TOPIC}-quiet`] }];
    const r = monitoringRules(
      factsWith({ logGroups: [group(filters)], topicSubscribers: { [TOPIC]: 2, [`${TOPIC}-quiet`]: 0 } }),
      OPTS,
    );
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0] as (typeof r.findings)[number];
    expect(f.id).toBe(`metric-alarms:${ACCOUNT}:CIS 4.x`);
    expect(f.title).toBe('4 of 15 CIS 4.x metric-filter alarms missing on trail-logs');
    expect(f.evidence.split('; ')).toEqual([
      '4.1 Unauthorized API calls: no metric filter covers its pattern',
      '4.2 Management console sign-in without MFA: no metric filter covers its pattern',
      '4.3 Usage of the root account: its metric filter has no alarm',
      '4.4 IAM policy changes: its alarm notifies no SNS topic with a confirmed subscriber',
    ]);
    expect(f.remediation).toBe(
      'aws cloudformation deploy --template-file deploy/cloudformation/metric-filters.yaml --stack-name trailbot-cis-alarms --parameter-overrides LogGroupName=trail-logs AlarmTopicArn=<bot stack AlertTopicArn>',
    );
  });

  it('says no alarm can fire when no multi-region trail that is logging delivers to CloudWatch Logs', () => {
    const r = monitoringRules(factsWith({ logGroups: [], topicSubscribers: {} }), OPTS);
    expect(r.findings.map((f) => f.title)).toEqual([
      'no metric-filter alarms: no multi-region trail that is logging delivers to CloudWatch Logs',
    ]);
    // No trail at all is said by the trail rules; this rule adds nothing.
    expect(monitoringRules(factsWith({ logGroups: [], topicSubscribers: {} }, []), OPTS).findings).toEqual(
      [],
    );
  });

  it('turns a refused read into checks not made, never into a finding', () => {
    const refusedRead = {
      refused: true as const,
      action: 'logs:DescribeMetricFilters',
      reason: 'log group trail-logs: denied',
    };
    const r = monitoringRules(factsWith({ logGroups: [group(refusedRead)], topicSubscribers: {} }), OPTS);
    expect(r.findings).toEqual([]);
    expect(r.notChecked).toHaveLength(15);
    expect(r.notChecked?.[0]).toEqual({
      id: `metric-alarms:${ACCOUNT}:CIS 4.1`,
      reason: 'CIS 4.1 Unauthorized API calls: log group trail-logs: denied',
    });
  });
});

describe('/trail posture’s CIS 4.x checks against moto, with the metric-filter stack and without', () => {
  let moto: Moto;
  const aws = { region: 'us-east-1', credentials: MOTO_CREDENTIALS };
  let logs: CloudWatchLogsClient;
  let cw: CloudWatchClient;
  let sns: SNSClient;
  let ct: CloudTrailClient;
  let topicArn: string;
  let subscriptionArn: string;

  beforeAll(async () => {
    moto = await startMoto();
    const c = { ...aws, endpoint: moto.url };
    logs = new CloudWatchLogsClient(c);
    cw = new CloudWatchClient(c);
    sns = new SNSClient(c);
    ct = new CloudTrailClient(c);
    const s3 = new S3Client({ ...c, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'org-trail-logs' }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'aws-cloudtrail-logs' }));
    await ct.send(
      new CreateTrailCommand({
        Name: 'org-trail',
        S3BucketName: 'org-trail-logs',
        IsMultiRegionTrail: true,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-cloudtrail-logs:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/cloudtrail-to-logs`,
      }),
    );
    await ct.send(new StartLoggingCommand({ Name: 'org-trail' }));
    // The bot stack's topic and queue; moto skips the subscription, so it is made through SNS.
    const out = await deploy(moto, 'bot.yaml', {});
    topicArn = out.AlertTopicArn as string;
    const sqs = new SQSClient(c);
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'listener' }));
    const qa = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    subscriptionArn =
      (
        await sns.send(
          new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: qa.Attributes?.QueueArn }),
        )
      ).SubscriptionArn ?? '';
  });
  afterAll(async () => moto?.stop());

  const posture = () =>
    checkPosture({
      ...OPTS,
      account: ACCOUNT,
      regions: ['us-east-1'],
      cloudTrailFor: () => ct,
      s3: new S3Client({ ...aws, endpoint: moto.url, forcePathStyle: true }),
      now: new Date(),
      monitoring: { logsFor: () => logs, cloudWatchFor: () => cw, snsFor: () => sns },
    });
  const metricAlarms = async () => (await posture()).findings.filter((f) => f.check === 'metric-alarms');

  it('finds all 15 missing before the stack, none after it, and a missing subscriber once unsubscribed', async () => {
    const before = await metricAlarms();
    expect(before.map((f) => f.title)).toEqual([
      '15 of 15 CIS 4.x metric-filter alarms missing on aws-cloudtrail-logs',
    ]);
    expect(before[0]?.remediation).toContain('LogGroupName=aws-cloudtrail-logs');

    // The stack deploys (moto skips its filters and alarms) …
    await deploy(moto, 'metric-filters.yaml', {
      LogGroupName: 'aws-cloudtrail-logs',
      AlarmTopicArn: topicArn,
    });
    // … so they are made, exactly as the template declares them, through the services' APIs.
    const t = template('metric-filters.yaml');
    for (const [id, r] of Object.entries(t.Resources)) {
      const p = r.Properties as Record<string, unknown>;
      const m = (p.MetricTransformations as { MetricName: string; MetricValue: string }[] | undefined)?.[0];
      if (r.Type === 'AWS::Logs::MetricFilter' && m)
        await logs.send(
          new PutMetricFilterCommand({
            logGroupName: 'aws-cloudtrail-logs',
            filterName: id,
            filterPattern: p.FilterPattern as string,
            metricTransformations: [
              { metricNamespace: 'Trailbot/CIS', metricName: m.MetricName, metricValue: m.MetricValue },
            ],
          }),
        );
      if (r.Type === 'AWS::CloudWatch::Alarm')
        await cw.send(
          new PutMetricAlarmCommand({
            AlarmName: id,
            Namespace: 'Trailbot/CIS',
            MetricName: p.MetricName as string,
            Statistic: 'Sum',
            Period: p.Period as number,
            EvaluationPeriods: p.EvaluationPeriods as number,
            Threshold: p.Threshold as number,
            ComparisonOperator: p.ComparisonOperator as 'GreaterThanOrEqualToThreshold',
            AlarmActions: [topicArn],
          }),
        );
    }
    expect(await metricAlarms()).toEqual([]);

    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    const after = await metricAlarms();
    expect(after[0]?.title).toBe('15 of 15 CIS 4.x metric-filter alarms missing on aws-cloudtrail-logs');
    expect(after[0]?.evidence).toContain(
      '4.3 Usage of the root account: its alarm notifies no SNS topic with a confirmed subscriber',
    );
  });
});
