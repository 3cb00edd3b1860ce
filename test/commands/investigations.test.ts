import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { tempStorePath } from '../helpers/alerts.js';
import { CLOUDTRAIL_DATA, INVICTUS_DIR, rawRecords, SNITCH_DIR, STRATUS_DIR } from '../helpers/data.js';

type Raw = {
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  eventType?: string;
  sourceIPAddress?: string;
  errorCode?: string;
  userIdentity?: { type?: string; userName?: string; accessKeyId?: string; arn?: string; invokedBy?: string };
  responseElements?: { ConsoleLogin?: string } | null;
  additionalEventData?: { MFAUsed?: string } | null;
  requestParameters?: Record<string, unknown> | null;
};

const RAWS = [INVICTUS_DIR, STRATUS_DIR, SNITCH_DIR].flatMap((d) => rawRecords(d)) as Raw[];
const ALL_TIME = ['--since', '2020-01-01', '--until', '2026-01-01'];

/** Ask through the terminal front, as JSON, over every real file. */
async function ask(words: string[], dir = CLOUDTRAIL_DATA) {
  let out = '';
  let err = '';
  const code = await runCli(
    [...words, '--logs', dir, ...ALL_TIME, '--json'],
    { TRAIL_MAX_RESULTS: '5000', TRAIL_STORE_PATH: tempStorePath() },
    {
      out: (s) => (out += s),
      err: (s) => (err += s),
    },
  );
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as {
    events: { id: string }[];
    search: { matched: number; examined: number };
    groups: { title: string; rows: { key: string; count: number; failures?: number }[] }[];
  };
}

/** The expected answer, computed from the raw records with plain filters: ids newest first. */
function expected(pred: (r: Raw) => boolean): string[] {
  return RAWS.filter(pred)
    .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime) || a.eventID.localeCompare(b.eventID))
    .map((r) => r.eventID);
}

async function expectAnswer(words: string[], pred: (r: Raw) => boolean, atLeast = 1) {
  const want = expected(pred);
  expect(want.length).toBeGreaterThanOrEqual(atLeast);
  const got = await ask(words);
  expect(got.search.matched).toBe(want.length);
  expect(got.events.map((e) => e.id)).toEqual(want);
  expect(got.search.examined).toBe(RAWS.length);
  return got;
}

const denied = (code?: string) =>
  !!code && /^(AccessDenied|UnauthorizedOperation|UnauthorizedAccess)/.test(code.replace(/^Client\./, ''));

describe('every investigation on the real CloudTrail files', () => {
  it('activity of an IAM user', async () => {
    const got = await expectAnswer(
      ['activity', 'bert-jan'],
      (r) => r.userIdentity?.type === 'IAMUser' && r.userIdentity.userName === 'bert-jan',
      100,
    );
    expect(got.groups.map((g) => g.title)).toEqual(['By event', 'By source IP', 'By region', 'By principal']);
  });

  it('activity of every session of a role', async () => {
    const role = 'arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role';
    await expectAnswer(
      ['activity', role],
      (r) =>
        (r.userIdentity as { sessionContext?: { sessionIssuer?: { arn?: string } } })?.sessionContext
          ?.sessionIssuer?.arn === role,
    );
  });

  it('activity of one assumed-role session, as role/session', async () => {
    const arn =
      'arn:aws:sts::123837392027:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1688990082523310002';
    await expectAnswer(
      ['activity', 'stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1688990082523310002'],
      (r) => r.userIdentity?.arn === arn,
      10,
    );
  });

  it('event on one resource', async () => {
    await expectAnswer(
      ['event', 'DeleteBucket', '--resource', 'stratus-red-team-ctlr-bucket-zqfsvooxqj'],
      (r) =>
        r.eventName === 'DeleteBucket' &&
        (r.requestParameters as { bucketName?: string })?.bucketName ===
          'stratus-red-team-ctlr-bucket-zqfsvooxqj',
      3,
    );
  });

  it('every event on one resource: event any --resource', async () => {
    const bucket = 'stratus-red-team-ctlr-bucket-zqfsvooxqj';
    // Any string value in the request or response, at any depth, or a resources[] ARN, naming the bucket.
    const names = (v: unknown): boolean =>
      typeof v === 'string'
        ? v === bucket || v === `arn:aws:s3:::${bucket}`
        : v !== null && typeof v === 'object' && Object.values(v).some(names);
    const raw = (r: Raw) => r as Raw & { responseElements?: unknown; resources?: { ARN?: string }[] };
    const got = await expectAnswer(
      ['event', 'any', '--resource', bucket],
      (r) => names(r.requestParameters) || names(raw(r).responseElements) || names(raw(r).resources),
      10,
    );
    expect(got.groups.map((g) => g.title)).toEqual(['By event', 'By principal', 'By source IP']);
    let err = '';
    const code = await runCli(
      ['event', 'any'],
      { TRAIL_STORE_PATH: tempStorePath() },
      {
        out: () => {},
        err: (s) => (err += s),
      },
    );
    expect(code).not.toBe(0);
    expect(err).toContain('`event any` needs --resource');
  });

  it('key: where an access key was used', async () => {
    const got = await expectAnswer(
      ['key', 'AKIATFQR7NSC8Q4X20BJ'],
      (r) => r.userIdentity?.accessKeyId === 'AKIATFQR7NSC8Q4X20BJ',
      100,
    );
    const ips = got.groups.find((g) => g.title === 'By source IP');
    expect(ips?.rows.map((x) => x.key)).toEqual([
      ...new Set(
        RAWS.filter((r) => r.userIdentity?.accessKeyId === 'AKIATFQR7NSC8Q4X20BJ').map(
          (r) => r.sourceIPAddress,
        ),
      ),
    ]);
  });

  it('ip: who acted from an address', async () => {
    await expectAnswer(['ip', '192.168.10.20'], (r) => r.sourceIPAddress === '192.168.10.20', 100);
    // What CloudTrail writes besides addresses, and ranges: the expected sets computed with plain checks.
    await expectAnswer(['ip', 'AWS Internal'], (r) => r.sourceIPAddress === 'AWS Internal', 100);
    await expectAnswer(
      ['ip', 'secretsmanager.amazonaws.com'],
      (r) => r.sourceIPAddress === 'secretsmanager.amazonaws.com',
      100,
    );
    await expectAnswer(
      ['ip', '192.168.0.0/16'],
      (r) => String(r.sourceIPAddress).startsWith('192.168.'),
      100,
    );
    await expectAnswer(['ip', '10.0.0.0/8'], (r) => /^10\./.test(String(r.sourceIPAddress)), 100);
  });

  it('logins, and logins without MFA', async () => {
    const login = (r: Raw) => r.eventName === 'ConsoleLogin' && r.eventSource === 'signin.amazonaws.com';
    await expectAnswer(['logins'], login, 2);
    await expectAnswer(
      ['logins', '--no-mfa'],
      (r) =>
        login(r) && r.responseElements?.ConsoleLogin === 'Success' && r.additionalEventData?.MFAUsed === 'No',
    );
  });

  it('denied: refusals grouped by principal and hour', async () => {
    const got = await expectAnswer(['denied'], (r) => denied(r.errorCode), 50);
    const hours = got.groups.find((g) => g.title === 'By principal and hour');
    const total = hours?.rows.reduce((n, x) => n + x.count, 0);
    expect(total).toBe(got.search.matched);
  });

  it('root: none in these files', async () => {
    const want = expected((r) => r.userIdentity?.type === 'Root');
    expect(want).toEqual([]);
    expect((await ask(['root'])).search.matched).toBe(0);
  });

  it('iam-changes', async () => {
    const names = new Set([
      'CreateUser',
      'DeleteUser',
      'CreateAccessKey',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'DeleteLoginProfile',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
      'PutUserPolicy',
      'PutRolePolicy',
      'PutGroupPolicy',
      'DeleteUserPolicy',
      'DeleteRolePolicy',
      'DeleteGroupPolicy',
      'CreatePolicy',
      'CreatePolicyVersion',
      'SetDefaultPolicyVersion',
      'UpdateAssumeRolePolicy',
      'CreateRole',
      'DeleteRole',
      'CreateGroup',
      'AddUserToGroup',
      'RemoveUserFromGroup',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
    ]);
    await expectAnswer(
      ['iam-changes'],
      (r) => r.eventSource === 'iam.amazonaws.com' && names.has(r.eventName),
      20,
    );
  });

  it('tampering, failed attempts included', async () => {
    const pairs = new Set([
      'cloudtrail StopLogging',
      'cloudtrail DeleteTrail',
      'cloudtrail UpdateTrail',
      'cloudtrail PutEventSelectors',
      'guardduty DeleteDetector',
      'guardduty UpdateDetector',
      'guardduty DisassociateFromMasterAccount',
      'guardduty DisassociateFromAdministratorAccount',
      'config StopConfigurationRecorder',
      'config DeleteConfigurationRecorder',
      'config DeleteDeliveryChannel',
      'ec2 DeleteFlowLogs',
      'logs DeleteLogGroup',
      'organizations LeaveOrganization',
      'securityhub DisableSecurityHub',
    ]);
    const tamper = (r: Raw) => pairs.has(`${r.eventSource.split('.')[0]} ${r.eventName}`);
    await expectAnswer(['tampering'], tamper, 5);
    expect(RAWS.some((r) => tamper(r) && r.errorCode)).toBe(true);
  });

  it('event by name', async () => {
    await expectAnswer(['event', 'PutBucketPolicy'], (r) => r.eventName === 'PutBucketPolicy');
  });

  it('finds a resource wherever CloudTrail put it: any parameter, the response, resources[], its ARN', async () => {
    // Plain checks over the raw records: the value anywhere in requestParameters or responseElements.
    const deep = (v: unknown, want: string): boolean =>
      v === want ||
      (Array.isArray(v)
        ? v.some((x) => deep(x, want))
        : v !== null && typeof v === 'object' && Object.values(v).some((x) => deep(x, want)));
    const anywhere = (name: string, value: string) => (r: Raw) =>
      r.eventName === name &&
      (deep(r.requestParameters, value) ||
        deep((r as { responseElements?: unknown }).responseElements, value));
    const cases: [string, string][] = [
      ['ModifySnapshotAttribute', 'snap-083d3b857c13988bc'],
      ['ModifyImageAttribute', 'ami-0aa1d83d0b0985c86'],
      ['AuthorizeSecurityGroupIngress', 'sg-04cfb7a4712d75b00'],
      ['ModifyDBSnapshotAttribute', 'exfiltration'],
      // Only in the response: the key CreateAccessKey made.
      ['CreateAccessKey', 'AKIATFQR7NSC3ZO6PKAZ'],
    ];
    for (const [name, value] of cases)
      await expectAnswer(['event', name, '--resource', value], anywhere(name, value));
    // The ARN form of a name recorded bare, and never a mere substring.
    await expectAnswer(
      [
        'event',
        'ModifySnapshotAttribute',
        '--resource',
        'arn:aws:ec2:us-east-1:123837392027:snapshot/snap-083d3b857c13988bc',
      ],
      anywhere('ModifySnapshotAttribute', 'snap-083d3b857c13988bc'),
    );
    const none = await ask(['event', 'ModifySnapshotAttribute', '--resource', 'snap-083d3b857c13988']);
    expect(none.search.matched).toBe(0);
  });
});

describe('failed console sign-ins, which carry no errorCode', () => {
  it('counts them as failed and finds them with --failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-logins-'));
    const login = (id: string, result: string, extra: Record<string, unknown> = {}) => ({
      eventTime: '2025-05-01T10:00:00Z',
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      eventID: id,
      sourceIPAddress: '203.0.113.66',
      userIdentity: { type: 'IAMUser', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      responseElements: { ConsoleLogin: result },
      additionalEventData: { MFAUsed: 'No' },
      ...extra,
    });
    // The shapes CloudTrail documents for sign-ins: a failure carries no errorCode; one refused before the
    // password step carries no outcome, only an errorMessage; a record with neither is not called failed.
    const noOutcome = (id: string, extra: Record<string, unknown> = {}) => {
      const { responseElements: _, ...rest } = login(id, 'x', extra);
      return rest;
    };
    writeFileSync(
      join(dir, 'x.json'),
      JSON.stringify([
        login('f1', 'Failure', { errorMessage: 'Failed authentication' }),
        noOutcome('f2', { errorMessage: 'No username found in supplied account' }),
        noOutcome('n1'),
        login('s1', 'Success'),
      ]),
    );
    const failed = await ask(['logins', '--failed'], dir);
    expect(failed.events.map((e) => e.id).sort()).toEqual(['f1', 'f2']);
    const all = await ask(['logins'], dir);
    const outcome = all.groups.find((g) => g.title === 'By outcome');
    expect(outcome?.rows).toEqual([
      expect.objectContaining({ key: 'Failure', count: 2, failures: 2 }),
      expect.objectContaining({ key: 'No outcome recorded', count: 1, failures: 0 }),
      expect.objectContaining({ key: 'Success, MFA not used', count: 1, failures: 0 }),
    ]);
    // The same rule counts failures in every other answer over these events.
    const activity = await ask(['activity', 'HIDDEN_DUE_TO_SECURITY_REASONS'], dir);
    for (const g of activity.groups)
      expect(
        g.rows.reduce((n, r) => n + (r.failures ?? 0), 0),
        g.title,
      ).toBe(2);
  });
});

describe('root on records that have it', () => {
  it('counts the root user’s own calls, not what AWS services record for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-root-'));
    const rec = (id: string, extra: Record<string, unknown>) => ({
      eventTime: '2025-05-01T10:00:00Z',
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      eventID: id,
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
      ...extra,
    });
    writeFileSync(
      join(dir, 'x.json'),
      JSON.stringify([
        rec('mine', {}),
        rec('service', { eventType: 'AwsServiceEvent' }),
        rec('other', { userIdentity: { type: 'IAMUser', userName: 'a' } }),
      ]),
    );
    const got = await ask(['root'], dir);
    expect(got.events.map((e) => e.id)).toEqual(['mine']);
  });
});
