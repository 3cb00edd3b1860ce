import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every AWS call the code can make, read from the code itself (each SDK command and paginator it
// imports, in src/, commands/ and handlers/), as the IAM action it needs — against the shipped policy.
const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The IAM action a call needs where its name is not the action's (S3 and SQS spell some differently). */
const ACTION_OF: Record<string, string | null> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'lambda:Invoke': 'lambda:InvokeFunction',
  // GetCallerIdentity needs no permission.
  'sts:GetCallerIdentity': null,
};

/** IAM's service prefix where it is not the client's name. */
const SERVICE_PREFIX: Record<string, string> = { 'cloudwatch-logs': 'logs' };

/** The DocumentClient's commands (lib-dynamodb) and the DynamoDB actions they are. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
};

/** Calls only `trail store init` makes, run by the operator who creates the table, never by the bot. */
const OPERATOR_ONLY = new Set(['dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive']);

/** The calls the code makes, as IAM actions. */
function actionsInCode(): Set<string> {
  const out = new Set<string>();
  for (const dir of ['src', 'commands', 'handlers'])
    for (const f of files(join(ROOT, dir))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
        const service = SERVICE_PREFIX[m[2] as string] ?? (m[2] as string).replace(/-/g, '');
        for (const raw of (m[1] as string).split(',')) {
          const name = raw.trim();
          if (!name || name.startsWith('type ')) continue;
          const call = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
          if (!call) continue;
          const action = `${service}:${call}`;
          const mapped = action in ACTION_OF ? ACTION_OF[action] : action;
          if (mapped && !OPERATOR_ONLY.has(mapped)) out.add(mapped);
        }
      }
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/lib-dynamodb'/g))
        for (const raw of (m[1] as string).split(','))
          if (DOCUMENT_COMMANDS[raw.trim()]) out.add(DOCUMENT_COMMANDS[raw.trim()] as string);
      // Roles in other accounts are assumed through the credential provider.
      if (/fromTemporaryCredentials\(/.test(text)) out.add('sts:AssumeRole');
      // … naming who asked: setting a SourceIdentity is its own permission.
      if (/SourceIdentity:/.test(text)) out.add('sts:SetSourceIdentity');
    }
  return out;
}

/**
 * What AWS itself needs on the bot's behalf beyond the calls it sends: Athena reads the table's Glue
 * definition and the archive, and writes its results; the archive's objects may be KMS-encrypted.
 */
const IMPLIED = new Set([
  'glue:GetDatabase',
  'glue:GetTable',
  's3:GetBucketLocation',
  's3:PutObject',
  's3:AbortMultipartUpload',
  'kms:Decrypt',
]);

const policy = JSON.parse(readFileSync(join(ROOT, 'iam/trailbot-policy.json'), 'utf8')) as {
  Statement: { Effect: string; Action: string | string[] }[];
};
const granted = new Set(
  policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => ([] as string[]).concat(s.Action)),
);

describe('the shipped IAM policy against the calls in the code', () => {
  const needed = actionsInCode();

  it('finds the calls (a sanity check that the walk reads the code)', () => {
    for (const a of [
      'cloudtrail:LookupEvents',
      'iam:GetCredentialReport',
      's3:ListBucket',
      'sqs:ReceiveMessage',
    ])
      expect(needed.has(a), a).toBe(true);
  });

  it('allows every call the code makes', () => {
    expect([...needed].filter((a) => !granted.has(a)).sort()).toEqual([]);
  });

  it('grants nothing beyond those calls and what AWS needs for them', () => {
    expect([...granted].filter((a) => !needed.has(a) && !IMPLIED.has(a)).sort()).toEqual([]);
  });
});
