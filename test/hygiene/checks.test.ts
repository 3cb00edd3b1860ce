import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AccountDetails,
  ADMIN_POLICY_ARN,
  runChecks,
  type UserDetail,
} from '../../src/hygiene/checks.js';
import { parseCredentialReport } from '../../src/hygiene/report.js';
import { IAM_DATA } from '../helpers/data.js';

const read = (f: string) => readFileSync(join(IAM_DATA, f), 'utf8');
const GENERATED = new Date('2023-01-04T20:00:00Z');

describe('parseCredentialReport', () => {
  it('reads the real report: root row, lower-case booleans, N/A, no_information, not_supported', () => {
    const r = parseCredentialReport(read('credential-report.csv'), '123456789012', GENERATED);
    expect(r.rows.map((x) => x.user)).toEqual([
      '<root_account>',
      'cloudgoat',
      'jake',
      'test_account',
      'test_key_account',
    ]);
    const [root, cloudgoat, , testAccount, testKey] = r.rows;
    expect(root).toMatchObject({ root: true, passwordEnabled: undefined, mfaActive: false });
    expect(root?.passwordLastUsed).toEqual(new Date('2022-12-21T16:19:23Z'));
    expect(cloudgoat?.keys[0]).toMatchObject({ active: true, lastUsedService: 'rds' });
    expect(cloudgoat?.keys[1]).toEqual({
      slot: 2,
      active: false,
      lastRotated: undefined,
      lastUsed: undefined,
      lastUsedService: undefined,
    });
    expect(testAccount?.passwordLastUsed).toBe('never');
    expect(testKey?.keys[0]).toMatchObject({ active: true, lastUsed: undefined });
  });

  it('reads upper-case booleans and names a line it cannot read', () => {
    const csv = read('credential-report.csv')
      .replace(/,false,/g, ',FALSE,')
      .replace(/,true,/g, ',TRUE,');
    expect(parseCredentialReport(csv, '123456789012', GENERATED).rows[2]?.passwordEnabled).toBe(true);
    const broken = read('credential-report.csv').replace(
      'jake,arn:aws:iam::123456789012:user/jake,2022-05-18T09:05:12+00:00,true',
      'jake,arn:aws:iam::123456789012:user/jake,2022-05-18T09:05:12+00:00,maybe',
    );
    expect(() => parseCredentialReport(broken, '123456789012', GENERATED)).toThrow(
      /line 4 is not readable: "maybe" is not a boolean/,
    );
    expect(() => parseCredentialReport('user,arn\nx,y\n', '1', GENERATED)).toThrow(
      /lacks columns: user_creation_time/,
    );
  });
});

describe('runChecks on the real reports', () => {
  it('finds what the first report shows, as of 2023-01-05', () => {
    const r = parseCredentialReport(read('credential-report.csv'), '123456789012', GENERATED);
    const fs = runChecks(r, new Date('2023-01-05T00:00:00Z'));
    expect(fs.map((f) => f.id)).toEqual([
      'root-no-mfa:123456789012:<root_account>',
      'console-no-mfa:123456789012:jake',
      'console-no-mfa:123456789012:test_account',
      'root-used:123456789012:<root_account>',
      'key-never-used:123456789012:test_key_account:1',
      'key-not-rotated:123456789012:cloudgoat:1',
      'key-not-rotated:123456789012:jake:1',
    ]);
    const rootUsed = fs.find((f) => f.check === 'root-used');
    expect(rootUsed?.evidence).toBe('password last used 2022-12-21 (14 days ago)');
    expect(rootUsed?.standard).toBe('CIS AWS 1.7');
    const never = fs.find((f) => f.check === 'key-never-used');
    expect(never?.evidence).toBe(
      'key 1 active, never used, created 2022-12-19 (16 days ago); threshold 7 days',
    );
    expect(never?.remediation).toContain('aws iam update-access-key --user-name test_key_account');
    // A password set 16 days ago and never used is not yet past 45 days.
    expect(fs.some((f) => f.check === 'password-unused')).toBe(false);
  });

  it('judges key 2 on its own: an inactive key 1 with dates is ignored, the active key 2 is found', () => {
    const r = parseCredentialReport(read('credential-report.guardian-fixture.csv'), '0123456789', GENERATED);
    const fs = runChecks(r, new Date('2017-09-01T00:00:00Z'));
    expect(fs.map((f) => f.id)).toEqual([
      'key-not-rotated:0123456789:credential-user:1',
      'key-not-rotated:0123456789:different-region:1',
      'key-not-rotated:0123456789:with-disabled-key:2',
      'key-unused:0123456789:different-region:1',
      'key-unused:0123456789:with-disabled-key:2',
      'password-unused:0123456789:IAM-user',
    ]);
    expect(fs.find((f) => f.id === 'key-unused:0123456789:with-disabled-key:2')?.evidence).toBe(
      'key 2 active, last used 2017-05-24 (99 days ago) on sts; created 2016-07-29 (398 days ago); threshold 45 days',
    );
  });

  it('takes thresholds: IAM.8’s 90 days leaves the 99-day key but not a 60-day one', () => {
    const r = parseCredentialReport(read('credential-report.guardian-fixture.csv'), '0123456789', GENERATED);
    const at = (d: string) =>
      runChecks(r, new Date(d), {
        keyUnusedDays: 90,
        keyNeverUsedDays: 7,
        keyRotationDays: 90,
        passwordUnusedDays: 45,
        rootUsedDays: 90,
      })
        .filter((f) => f.check === 'key-unused')
        .map((f) => f.user);
    expect(at('2017-09-01T00:00:00Z')).toEqual(['different-region', 'with-disabled-key']);
    expect(at('2017-07-24T00:00:00Z')).toEqual(['different-region']);
  });

  it('reports root keys, two active keys, policies on users, admin without MFA and a weak password policy', () => {
    const csv = read('credential-report.csv')
      .replace(
        /^(<root_account>,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*),false,false,N\/A/m,
        '$1,false,true,2022-06-01T00:00:00+00:00',
      )
      .replace(
        /^(jake,.*?,false,true,2022-05-18T09:51:58\+00:00,2023-01-03T10:27:00\+00:00,eu-central-1,ec2),false,N\/A/m,
        '$1,true,2022-12-01T00:00:00+00:00',
      );
    const r = parseCredentialReport(csv, '123456789012', GENERATED);
    const details: AccountDetails = {
      passwordPolicy: { minimumLength: 8, reusePrevention: 24 },
      users: new Map<string, UserDetail>([
        [
          'jake',
          {
            attachedPolicies: [{ name: 'AdministratorAccess', arn: ADMIN_POLICY_ARN }],
            inlinePolicies: ['s3-read'],
            groupPolicyArns: [],
            tags: { owner: 'U0JAKE' },
          },
        ],
        [
          'cloudgoat',
          { attachedPolicies: [], inlinePolicies: [], groupPolicyArns: [ADMIN_POLICY_ARN], tags: {} },
        ],
      ]),
    };
    const fs = runChecks(r, new Date('2023-01-05T00:00:00Z'), undefined, details);
    const ids = fs.map((f) => f.id);
    expect(ids).toContain('root-access-keys:123456789012:<root_account>');
    expect(ids).toContain('two-active-keys:123456789012:jake');
    expect(ids).toContain('direct-policy:123456789012:jake');
    expect(ids).toContain('admin-no-mfa:123456789012:jake');
    expect(ids).toContain('admin-no-mfa:123456789012:cloudgoat');
    expect(fs.find((f) => f.check === 'password-policy')?.evidence).toBe('minimum length 8 (CIS 1.8: 14)');
    expect(fs.filter((f) => f.user === 'jake').every((f) => f.owner === 'U0JAKE')).toBe(true);
    expect(fs[0]?.severity).toBe('critical');
    expect(
      runChecks(r, new Date('2023-01-05T00:00:00Z'), undefined, { users: new Map() }).some(
        (f) => f.evidence === 'no password policy is set',
      ),
    ).toBe(true);
  });

  it('analyses a 10,000-user report', () => {
    const header = read('credential-report.csv').split('\n')[0];
    const lines = [header];
    for (let i = 0; i < 10_000; i++) {
      const used = i % 3 === 0 ? 'N/A' : '2023-01-01T00:00:00+00:00';
      lines.push(
        `user${i},arn:aws:iam::123456789012:user/user${i},2022-01-01T00:00:00+00:00,${i % 2 ? 'true' : 'false'},N/A,N/A,N/A,false,true,2022-01-01T00:00:00+00:00,${used},us-east-1,s3,${i % 10 === 0 ? 'true' : 'false'},2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A`,
      );
    }
    const r = parseCredentialReport(lines.join('\n'), '123456789012', GENERATED);
    const fs = runChecks(r, new Date('2023-01-05T00:00:00Z'));
    const count = (c: string) => fs.filter((f) => f.check === c).length;
    expect(r.rows).toHaveLength(10_000);
    expect(count('console-no-mfa')).toBe(5_000);
    expect(count('key-never-used')).toBe(3_334 + 1_000);
    expect(count('two-active-keys')).toBe(1_000);
    expect(count('key-not-rotated')).toBe(11_000);
  });
});
