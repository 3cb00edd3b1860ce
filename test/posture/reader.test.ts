import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  InsightNotEnabledException,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/dispatch.js';
import { CIS_METRIC_FILTERS } from '../../src/posture/cis-filters.js';
import { checkPosture, type PostureOptions } from '../../src/posture/run.js';
import { toSlack } from '../../src/slack/blocks.js';
import { FAKE_CREDENTIALS, testDeps } from '../helpers/deps.js';
import { texts } from '../helpers/slack.js';

const ct = mockClient(CloudTrailClient);
const s3 = mockClient(S3Client);
const orgs = mockClient(OrganizationsClient);
const logs = mockClient(CloudWatchLogsClient);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const NOW = new Date('2026-11-30T12:00:00Z');
const ACCOUNT = '111122223333';
const ALERTS = `arn:aws:sns:us-east-1:${ACCOUNT}:trailbot-alerts`;
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`;
const CLOUDTRAIL_ONLY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: 'arn:aws:s3:::acme-trail',
    },
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::acme-trail/AWSLogs/*',
    },
  ],
});

/** A trail that passes every check. */
function healthy() {
  ct.on(DescribeTrailsCommand).resolves({
    trailList: [
      {
        Name: 'org-trail',
        TrailARN: TRAIL,
        HomeRegion: 'us-east-1',
        IsMultiRegionTrail: true,
        IsOrganizationTrail: true,
        LogFileValidationEnabled: true,
        KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc`,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail`,
        S3BucketName: 'acme-trail',
      },
    ],
  });
  ct.on(GetTrailStatusCommand).resolves({
    IsLogging: true,
    LatestDeliveryTime: new Date('2026-11-30T11:55:00Z'),
  });
  ct.on(GetEventSelectorsCommand).resolves({
    AdvancedEventSelectors: [
      { Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'payments data',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::acme-payments/'] },
        ],
      },
    ],
  });
  ct.on(GetInsightSelectorsCommand).resolves({ InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] });
  s3.on(GetPublicAccessBlockCommand).resolves({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  });
  s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: false } });
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3.on(GetObjectLockConfigurationCommand).resolves({
    ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
  });
  s3.on(GetBucketLoggingCommand).resolves({
    LoggingEnabled: { TargetBucket: 'acme-access-logs', TargetPrefix: 'trail/' },
  });
  s3.on(GetBucketPolicyCommand).resolves({ Policy: CLOUDTRAIL_ONLY });
  orgs.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc', MasterAccountId: ACCOUNT } });
  // The CIS 4.x filters, each metric alarmed to a topic with a confirmed subscriber.
  logs.on(DescribeMetricFiltersCommand).resolves({
    metricFilters: CIS_METRIC_FILTERS.map((c) => ({
      filterName: c.metric,
      filterPattern: c.pattern,
      metricTransformations: [{ metricNamespace: 'CIS', metricName: c.metric, metricValue: '1' }],
    })),
  });
  cw.on(DescribeAlarmsForMetricCommand).resolves({
    MetricAlarms: [{ AlarmName: 'a', AlarmActions: [ALERTS] }],
  });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [{ SubscriptionArn: `${ALERTS}:0b1c`, Protocol: 'sqs' }],
  });
}

const options = (over: Partial<PostureOptions> = {}): PostureOptions => ({
  account: ACCOUNT,
  regions: ['us-east-1', 'eu-west-1'],
  cloudTrailFor: (region) => new CloudTrailClient({ region, credentials: FAKE_CREDENTIALS }),
  s3: new S3Client({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  organizations: new OrganizationsClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
  monitoring: {
    logsFor: (region) => new CloudWatchLogsClient({ region, credentials: FAKE_CREDENTIALS }),
    cloudWatchFor: (region) => new CloudWatchClient({ region, credentials: FAKE_CREDENTIALS }),
    snsFor: (region) => new SNSClient({ region, credentials: FAKE_CREDENTIALS }),
  },
  now: NOW,
  maxDeliveryAgeHours: 6,
  sensitiveBuckets: ['acme-payments'],
  requireObjectLock: true,
  ...over,
});

const mocks = [ct, s3, orgs, logs, cw, sns];
beforeEach(() => {
  for (const m of mocks) m.reset();
  healthy();
});
afterEach(() => {
  for (const m of mocks) m.reset();
});
const checks = async (over: Partial<PostureOptions> = {}) =>
  (await checkPosture(options(over))).findings.map((f) => f.check);

describe('checkPosture', () => {
  it('names the account from the question, a trail, or STS — and says unknown rather than invent one', async () => {
    expect((await checkPosture(options({ account: '' }))).account).toBe(ACCOUNT);
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
    expect(
      (await checkPosture(options({ account: '', callerAccount: async () => '444455556666' }))).account,
    ).toBe('444455556666');
    const unknown = await checkPosture(options({ account: '', callerAccount: async () => undefined }));
    expect(unknown.account).toBe('unknown-account');
    expect(unknown.findings.map((f) => f.id)).toContain('multi-region-logging:unknown-account:account');
  });

  it('finds nothing wrong with a healthy trail, deduplicating the shadow copies other regions list', async () => {
    const r = await checkPosture(options());
    expect(r.findings).toEqual([]);
    expect(r.trails).toBe(1);
    expect(r.delivery).toEqual([
      {
        trail: 'org-trail',
        homeRegion: 'us-east-1',
        isLogging: true,
        latestDelivery: new Date('2026-11-30T11:55:00Z'),
        latestDeliveryError: undefined,
      },
    ]);
  });

  it('flags a trail that stopped logging: no multi-region logging, regions uncovered, its selectors count for nothing', async () => {
    ct.on(GetTrailStatusCommand).resolves({
      IsLogging: false,
      LatestDeliveryTime: new Date('2026-11-29T00:00:00Z'),
    });
    expect(await checks()).toEqual([
      'multi-region-logging',
      'region-not-covered',
      'region-not-covered',
      // Not logging: no metric-filter alarm can fire.
      'metric-alarms',
      's3-data-events',
      'insights',
    ]);
  });

  it('counts reads and writes split over two selectors, but not a data selector that names single objects', async () => {
    ct.on(GetEventSelectorsCommand).resolves({
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['true'] },
          ],
        },
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['false'] },
          ],
        },
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            { Field: 'resources.ARN', Equals: ['arn:aws:s3:::acme-payments/one-object.csv'] },
          ],
        },
      ],
    });
    expect(await checks()).toEqual(['s3-data-events']);
  });

  it('catches wildcard and mixed-case actions that let others write to the bucket', async () => {
    for (const Action of ['s3:Put*', 'S3:PUTOBJECT', 's3:*Object', '*']) {
      s3.on(GetBucketPolicyCommand).resolves({
        Policy: JSON.stringify({
          Statement: [
            { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action, Resource: '*' },
          ],
        }),
      });
      expect(await checks(), Action).toEqual(['bucket-policy-writers']);
    }
  });

  it('lists a bucket check it may not make (a bucket in another account) and still makes the others', async () => {
    s3.on(GetBucketPolicyCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: s3:GetBucketPolicy'), {
        name: 'AccessDenied',
      }),
    );
    s3.on(GetBucketLoggingCommand).resolves({});
    const r = await checkPosture(options());
    expect(r.findings.map((f) => f.check)).toEqual(['bucket-access-logging']);
    expect(r.notChecked).toEqual([
      {
        id: 'bucket-policy-writers:111122223333:acme-trail',
        reason:
          "bucket acme-trail: The bot's AWS role may not call s3:GetBucketPolicy. Grant it with the policy in iam/trailbot-policy.json.",
      },
    ]);
    // Anything but a refusal fails the check as a whole, rather than passing it quietly.
    s3.on(GetBucketPolicyCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'SlowDown' }));
    await expect(checkPosture(options())).rejects.toThrow('S3 is throttling this account');
  });

  it('flags stale delivery and delivery errors', async () => {
    ct.on(GetTrailStatusCommand).resolves({
      IsLogging: true,
      LatestDeliveryTime: new Date('2026-11-30T01:00:00Z'),
    });
    const r = await checkPosture(options());
    expect(r.findings.map((f) => [f.check, f.title])).toEqual([
      ['delivery-stale', 'org-trail has not delivered for 11 hours'],
    ]);
    ct.on(GetTrailStatusCommand).resolves({
      IsLogging: true,
      LatestDeliveryTime: NOW,
      LatestDeliveryError: 'AccessDenied',
    });
    expect((await checkPosture(options())).findings[0]?.title).toBe('org-trail fails to deliver');
  });

  it('flags management events read-only or missing, in basic and advanced selectors', async () => {
    ct.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }],
    });
    expect(await checks({ sensitiveBuckets: [] })).toEqual([
      'multi-region-logging',
      'management-events',
      'region-not-covered',
      'region-not-covered',
    ]);
    ct.on(GetEventSelectorsCommand).resolves({
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['false'] },
          ],
        },
      ],
    });
    expect(await checks({ sensitiveBuckets: [] })).toContain('management-events');
  });

  it('flags validation off, no KMS, no CloudWatch Logs, no Insights, and no organization trail in the management account', async () => {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'org-trail',
          TrailARN: TRAIL,
          HomeRegion: 'us-east-1',
          IsMultiRegionTrail: true,
          S3BucketName: 'acme-trail',
        },
      ],
    });
    ct.on(GetInsightSelectorsCommand).rejects(
      new InsightNotEnabledException({ $metadata: {}, message: 'no' }),
    );
    expect((await checks()).sort()).toEqual(
      [
        'cloudwatch-logs',
        'insights',
        'kms-encryption',
        'log-file-validation',
        'metric-alarms',
        'organization-trail',
      ].sort(),
    );
  });

  it('flags a public, unversioned, unlocked, unlogged bucket that others may write to', async () => {
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true },
    });
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).rejects(
      Object.assign(new Error('none'), { name: 'ObjectLockConfigurationNotFoundError' }),
    );
    s3.on(GetBucketLoggingCommand).resolves({});
    s3.on(GetBucketPolicyCommand).resolves({
      Policy: JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-trail/*' },
        ],
      }),
    });
    const r = await checkPosture(options());
    expect(r.findings.map((f) => f.check)).toEqual([
      'bucket-public',
      'bucket-policy-writers',
      'bucket-object-lock',
      'bucket-versioning',
      'bucket-access-logging',
    ]);
    expect(r.findings.find((f) => f.check === 'bucket-policy-writers')?.evidence).toBe(
      'PutObject allowed to "*"',
    );
    expect(r.findings[0]?.remediation).toContain('aws s3api put-public-access-block --bucket acme-trail');
  });

  it('says when there is no trail at all, and that sensitive buckets go unrecorded', async () => {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
    expect(await checks()).toEqual([
      'multi-region-logging',
      'region-not-covered',
      'region-not-covered',
      'organization-trail',
      's3-data-events',
    ]);
  });
});

describe('/trail posture', () => {
  it('leads with a one-line verdict, then delivery health and the findings with their fix', async () => {
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const deps = testDeps({ TRAIL_ACCOUNT_ID: ACCOUNT, TRAIL_REGIONS: 'us-east-1' }, { now: NOW });
    const o = await dispatch(['posture'], deps, { userId: 'U1', front: 'slack' });
    const lines = texts(toSlack(o.doc).blocks);
    // Not logging: no alarm on its log group can fire either (CIS 4.x).
    expect(lines[0]).toBe('*⚠ The trail has gaps: 1 critical, 1 high, 1 medium, 1 info.*');
    expect(lines.join('\n')).toContain('org-trail` (`us-east-1`): NOT logging, last delivery never');
    expect(lines.join('\n')).toContain('CIS AWS 3.1 / Security Hub CloudTrail.1');
    const ok = await dispatch(
      ['posture'],
      testDeps({ TRAIL_ACCOUNT_ID: ACCOUNT, TRAIL_REGIONS: 'us-east-1' }, { now: NOW }),
      {
        userId: 'U1',
        front: 'slack',
      },
    );
    expect(ok.status).toBe('answer');
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: NOW });
    const good = await dispatch(
      ['posture'],
      testDeps({ TRAIL_ACCOUNT_ID: ACCOUNT, TRAIL_REGIONS: 'us-east-1' }, { now: NOW }),
      {
        userId: 'U1',
        front: 'slack',
      },
    );
    expect(texts(toSlack(good.doc).blocks)[0]).toBe('*✅ The trail can be trusted.*');
  });
});
