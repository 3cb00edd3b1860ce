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
  // That it allows exactly the calls the code makes is proved by iam-calls.test.ts, from the code itself.
  it('writes nothing but Athena’s results and its own store (takes alerts off its queue, hands itself questions on Lambda), and grants no action by wildcard', () => {
    const writes = allowed.filter((a) => !/^[a-z0-9]+:(Get|List|Describe|Lookup|Generate|Receive)/.test(a));
    expect([...new Set(writes)].sort()).toEqual([
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
      // The store's own table (TRAIL_STORE=dynamodb), and nothing else of DynamoDB.
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      // On Lambda, the Slack function hands a question to a second invocation of itself, and only itself.
      'lambda:InvokeFunction',
      's3:AbortMultipartUpload',
      's3:PutObject',
      'sqs:DeleteMessage',
      'sts:AssumeRole',
      'sts:SetSourceIdentity',
    ]);
    expect(allowed.some((a) => a.includes('*'))).toBe(false);
    // Writes only to the Athena results bucket, never to the CloudTrail archive.
    const puts = policy.Statement.filter((s) => s.Action.includes('s3:PutObject'));
    expect(JSON.stringify(puts)).not.toContain('CLOUDTRAIL');
    const invoke = policy.Statement.filter((s) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke.flatMap((s) => s.Resource)).toEqual(['arn:aws:lambda:*:*:function:trailbot-slack']);
  });

  it('is the policy an AccessDenied answer points to', () => {
    expect(new UpstreamDeniedError('cloudtrail:LookupEvents').message).toContain('iam/trailbot-policy.json');
  });
});
