import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpstreamDeniedError } from '../src/errors.js';

const policy = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../iam/trailbot-policy.json'), 'utf8'),
) as {
  Statement: { Effect: string; Action: string[]; Resource: string | string[] }[];
};
const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);

describe('the shipped IAM policy', () => {
  it('allows exactly the calls the bot makes, and nothing that writes', () => {
    // The AWS calls in src/: LookupEvents (lookup source), Athena's query calls and what Athena reads and
    // writes for them (athena source), AssumeRole into other accounts, the alert queue (SQS intake), IAM hygiene's reads and Organizations' account list, the trail posture reads. Keep this list in step with the code.
    expect([...new Set(allowed)].sort()).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:GetInsightSelectors',
      'cloudtrail:GetTrailStatus',
      'cloudtrail:ListPublicKeys',
      'cloudtrail:LookupEvents',
      'glue:GetDatabase',
      'glue:GetTable',
      'iam:GenerateCredentialReport',
      'iam:GetAccessKeyLastUsed',
      'iam:GetAccountAuthorizationDetails',
      'iam:GetAccountPasswordPolicy',
      'iam:GetCredentialReport',
      'iam:GetLoginProfile',
      'iam:GetUser',
      'iam:ListAccessKeys',
      'iam:ListAttachedGroupPolicies',
      'iam:ListAttachedUserPolicies',
      'iam:ListGroupsForUser',
      'iam:ListMFADevices',
      'iam:ListUserPolicies',
      'iam:ListUserTags',
      'kms:Decrypt',
      'organizations:DescribeOrganization',
      'organizations:ListAccounts',
      's3:AbortMultipartUpload',
      's3:GetBucketLocation',
      's3:GetBucketLogging',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketPolicy',
      's3:GetBucketPolicyStatus',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketVersioning',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sqs:DeleteMessage',
      'sqs:ReceiveMessage',
      'sts:AssumeRole',
    ]);
    expect(allowed.some((a) => a.includes('*'))).toBe(false);
    // Writes only to the Athena results bucket, never to the CloudTrail archive.
    const writes = policy.Statement.filter((s) => s.Action.includes('s3:PutObject'));
    expect(JSON.stringify(writes)).not.toContain('CLOUDTRAIL');
  });

  it('is the policy an AccessDenied answer points to', () => {
    expect(new UpstreamDeniedError('cloudtrail:LookupEvents').message).toContain('iam/trailbot-policy.json');
  });
});
