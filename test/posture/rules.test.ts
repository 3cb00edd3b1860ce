import { describe, expect, it } from 'vitest';
import type { BucketFacts, PostureFacts, RuleOptions, TrailFacts } from '../../src/posture/facts.js';
import { bucketRules } from '../../src/posture/rules/bucket.js';
import { coverageRules } from '../../src/posture/rules/coverage.js';
import { judgePosture } from '../../src/posture/rules/index.js';
import { organizationRules } from '../../src/posture/rules/organization.js';
import { trailRules } from '../../src/posture/rules/trail.js';

// The rules judge plain facts: no AWS, no mocks. The reader is tested against AWS stand-ins (reader.test.ts).
const NOW = new Date('2026-11-30T12:00:00Z');
const OPTS: RuleOptions = { maxDeliveryAgeHours: 24, sensitiveBuckets: [], requireObjectLock: false };

const trail = (over: Partial<TrailFacts> = {}): TrailFacts => ({
  arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main',
  name: 'main',
  homeRegion: 'us-east-1',
  multiRegion: true,
  organizationTrail: true,
  logFileValidation: true,
  kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
  cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:trail',
  s3Bucket: 'trail-bucket',
  isLogging: true,
  latestDelivery: new Date('2026-11-30T11:55:00Z'),
  selectors: { basic: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] },
  insights: true,
  ...over,
});
const bucket = (over: Partial<BucketFacts> = {}): BucketFacts => ({
  name: 'trail-bucket',
  publicAccessBlock: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  },
  policyIsPublic: false,
  versioning: { status: 'Enabled' },
  accessLogging: true,
  policy: JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject' },
    ],
  }),
  ...over,
});
const facts = (over: Partial<PostureFacts> = {}): PostureFacts => ({
  account: '111122223333',
  regions: ['us-east-1', 'eu-west-1'],
  trails: [trail()],
  buckets: [bucket()],
  organization: { id: 'o-abc', managementAccount: '111122223333' },
  checkedAt: NOW,
  ...over,
});
const checks = (r: { findings: { check: string }[] }) => r.findings.map((f) => f.check).sort();

describe('posture rules over plain facts', () => {
  it('find nothing in a healthy account', () => {
    const r = judgePosture(facts(), OPTS);
    expect(r.findings).toEqual([]);
    expect(r.notChecked).toEqual([]);
    expect(r.delivery).toEqual([
      {
        trail: 'main',
        homeRegion: 'us-east-1',
        isLogging: true,
        latestDelivery: trail().latestDelivery,
        latestDeliveryError: undefined,
      },
    ]);
  });

  it('judge each trail: stale delivery, write-only selectors, no validation, no KMS, no CloudWatch Logs', () => {
    const broken = trail({
      latestDelivery: new Date('2026-11-28T12:00:00Z'),
      selectors: { basic: [{ ReadWriteType: 'WriteOnly' }] },
      logFileValidation: false,
      kmsKeyId: undefined,
      cloudWatchLogsLogGroupArn: undefined,
    });
    const r = trailRules(facts({ trails: [broken] }), OPTS);
    expect(checks(r)).toEqual([
      'cloudwatch-logs',
      'delivery-stale',
      'kms-encryption',
      'log-file-validation',
      'management-events',
    ]);
    expect(r.findings.find((f) => f.check === 'delivery-stale')?.title).toBe(
      'main has not delivered for 48 hours',
    );
    expect(r.findings[0]?.id).toMatch(/^[a-z-]+:111122223333:main$/);
  });

  it('count only logging trails for coverage: regions, multi-region, Insights and data events', () => {
    const stopped = trail({ isLogging: false });
    expect(checks(coverageRules(facts({ trails: [stopped] }), OPTS))).toEqual([
      'insights',
      'multi-region-logging',
      'region-not-covered',
      'region-not-covered',
    ]);
    const regional = trail({ multiRegion: false, insights: false });
    const r = coverageRules(facts({ trails: [regional] }), { ...OPTS, sensitiveBuckets: ['payroll'] });
    expect(r.findings.map((f) => f.id).sort()).toEqual([
      'insights:111122223333:account',
      'multi-region-logging:111122223333:account',
      'region-not-covered:111122223333:eu-west-1',
      's3-data-events:111122223333:payroll',
    ]);
    const withData = trail({
      selectors: {
        advanced: [
          { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::payroll/'] },
            ],
          },
        ],
      },
    });
    expect(
      checks(coverageRules(facts({ trails: [withData] }), { ...OPTS, sensitiveBuckets: ['payroll'] })),
    ).toEqual([]);
  });

  it('ask the management account for an organization trail, and no one else', () => {
    expect(checks(organizationRules(facts({ trails: [trail({ organizationTrail: false })] }), OPTS))).toEqual(
      ['organization-trail'],
    );
    const member = facts({
      trails: [trail({ organizationTrail: false })],
      organization: { id: 'o-abc', managementAccount: '999999999999' },
    });
    expect(organizationRules(member, OPTS).findings).toEqual([]);
    expect(
      organizationRules(
        facts({ organization: undefined, trails: [trail({ organizationTrail: false })] }),
        OPTS,
      ).findings,
    ).toEqual([]);
  });

  it('judge the bucket: public, unversioned, unlocked, unlogged, writable by others', () => {
    const open = bucket({
      publicAccessBlock: undefined,
      policyIsPublic: true,
      versioning: { status: 'Suspended' },
      objectLock: false,
      accessLogging: false,
      policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:Put*' }] }),
    });
    const r = bucketRules(facts({ buckets: [open] }), { ...OPTS, requireObjectLock: true });
    expect(checks(r)).toEqual([
      'bucket-access-logging',
      'bucket-object-lock',
      'bucket-policy-writers',
      'bucket-public',
      'bucket-versioning',
    ]);
    expect(r.findings.find((f) => f.check === 'bucket-public')?.title).toBe('the trail’s bucket is public');
  });

  it('list a refused bucket read as not checked, naming the finding it would decide, and judge the rest', () => {
    const denied = {
      refused: true as const,
      action: 's3:GetBucketVersioning',
      reason: 'trail-bucket: AccessDenied',
    };
    const r = bucketRules(facts({ buckets: [bucket({ versioning: denied, accessLogging: false })] }), OPTS);
    expect(r.notChecked).toEqual([
      { id: 'bucket-versioning:111122223333:trail-bucket', reason: 'trail-bucket: AccessDenied' },
    ]);
    expect(checks(r)).toEqual(['bucket-access-logging']);
  });
});
