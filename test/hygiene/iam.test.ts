import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  LimitExceededException,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/hygiene/checks.js';
import { fetchAccountDetails, fetchCredentialReport } from '../../src/hygiene/iam.js';
import { organizationAccounts, recheckUser, runHygiene } from '../../src/hygiene/service.js';
import { IAM_DATA } from '../helpers/data.js';
import { FAKE_CREDENTIALS } from '../helpers/deps.js';

const iam = mockClient(IAMClient);
const orgs = mockClient(OrganizationsClient);
afterEach(() => {
  iam.reset();
  orgs.reset();
});
const client = () => new IAMClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS });
const FAST = { retries: 6, minTimeoutMs: 1, maxTimeoutMs: 2 };
const CSV = readFileSync(join(IAM_DATA, 'credential-report.csv'), 'utf8');
const GENERATED = new Date('2023-01-04T20:00:00Z');
const meta = { $metadata: {}, message: 'x' };

describe('fetchCredentialReport', () => {
  it('generates, waits while it is in progress, and fetches the report with its generation time', async () => {
    iam
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    iam
      .on(GetCredentialReportCommand)
      .resolves({ Content: Buffer.from(CSV), GeneratedTime: GENERATED, ReportFormat: 'text/csv' });
    const r = await fetchCredentialReport(client(), FAST);
    expect(r.csv).toBe(CSV);
    expect(r.generatedAt).toEqual(GENERATED);
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
    expect(r.calls).toBe(4);
  });

  it('waits out LimitExceeded and ReportInProgress, and generates again when the report expired or is missing', async () => {
    iam
      .on(GenerateCredentialReportCommand)
      .rejectsOnce(new LimitExceededException(meta))
      .resolves({ State: 'COMPLETE' });
    iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportNotReadyException(meta))
      .rejectsOnce(new CredentialReportExpiredException(meta))
      .rejectsOnce(new CredentialReportNotPresentException(meta))
      .resolves({ Content: Buffer.from(CSV), GeneratedTime: GENERATED });
    const r = await fetchCredentialReport(client(), { ...FAST, retries: 10 });
    expect(r.generatedAt).toEqual(GENERATED);
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(4);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(4);
  });

  it('gives up with a clear error when the report never comes, and passes other errors through', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    await expect(fetchCredentialReport(client(), { ...FAST, retries: 2 })).rejects.toThrow(
      /IAM did not produce a credential report in time \(report INPROGRESS\)/,
    );
    iam.reset();
    const denied = Object.assign(new Error('not authorized to perform iam:GenerateCredentialReport'), {
      name: 'AccessDenied',
    });
    iam.on(GenerateCredentialReportCommand).rejects(denied);
    await expect(fetchCredentialReport(client(), FAST)).rejects.toThrow(/iam:GenerateCredentialReport/);
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(1);
  });
});

describe('fetchAccountDetails', () => {
  it('reads the password policy, every page of users and groups, and group policies reaching users', async () => {
    iam
      .on(GetAccountPasswordPolicyCommand)
      .resolves({ PasswordPolicy: { MinimumPasswordLength: 8, PasswordReusePrevention: 5 } });
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        UserDetailList: [
          {
            UserName: 'jake',
            GroupList: ['admins'],
            AttachedManagedPolicies: [],
            UserPolicyList: [{ PolicyName: 'inline-s3' }],
            Tags: [{ Key: 'owner', Value: 'jake@example.com' }],
          },
        ],
        IsTruncated: true,
        Marker: 'm1',
      })
      .resolvesOnce({
        GroupDetailList: [
          {
            GroupName: 'admins',
            AttachedManagedPolicies: [
              { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
            ],
          },
        ],
        IsTruncated: false,
      });
    const d = await fetchAccountDetails(client());
    expect(d.passwordPolicy).toMatchObject({ minimumLength: 8, reusePrevention: 5 });
    expect(d.users.get('jake')).toEqual({
      attachedPolicies: [],
      inlinePolicies: ['inline-s3'],
      groupPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      tags: { owner: 'jake@example.com' },
    });
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)[1]?.args[0].input).toMatchObject({
      Marker: 'm1',
    });
    expect(d.calls).toBe(3);
  });

  it('treats a missing password policy as none set', async () => {
    iam.on(GetAccountPasswordPolicyCommand).rejects(new NoSuchEntityException(meta));
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [] });
    expect((await fetchAccountDetails(client())).passwordPolicy).toBeUndefined();
  });
});

describe('runHygiene over an organization', () => {
  it('lists every page of member accounts and reports a failing account as failed, not skipped', async () => {
    orgs
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { Id: '111111111111', State: 'ACTIVE' },
          { Id: '222222222222', State: 'SUSPENDED' },
        ],
        NextToken: 't',
      })
      .resolvesOnce({ Accounts: [{ Id: '333333333333', State: 'ACTIVE' }] });
    const accounts = await organizationAccounts(
      new OrganizationsClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
    );
    expect(accounts).toEqual(['111111111111', '333333333333']);

    // Each account its own client, mocked on its own.
    const goodClient = client();
    const badClient = client();
    const good = mockClient(goodClient);
    good.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    good.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(CSV), GeneratedTime: GENERATED });
    good.on(GetAccountPasswordPolicyCommand).rejects(new NoSuchEntityException(meta));
    good.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [] });
    const bad = mockClient(badClient);
    bad.on(GenerateCredentialReportCommand).rejects(
      Object.assign(new Error('AccessDenied: not authorized to perform sts:AssumeRole'), {
        name: 'AccessDenied',
      }),
    );
    bad.on(GetAccountPasswordPolicyCommand).rejects(new NoSuchEntityException(meta));
    bad.on(GetAccountAuthorizationDetailsCommand).resolves({});
    const r = await runHygiene({
      iamFor: (a) => (a === '111111111111' ? goodClient : badClient),
      accounts,
      now: new Date('2023-01-05T00:00:00Z'),
      thresholds: DEFAULT_THRESHOLDS,
      ownerTag: 'owner',
      staggerMs: 0,
      timing: FAST,
    });
    expect(r.accounts.map((a) => [a.account, a.ok])).toEqual([
      ['111111111111', true],
      ['333333333333', false],
    ]);
    expect(r.accounts[1]).toMatchObject({ error: expect.stringContaining('sts:AssumeRole') });
    expect(r.findings.every((f) => f.account === '111111111111')).toBe(true);
    expect(r.findings.some((f) => f.check === 'password-policy')).toBe(true);
  });
});

describe('recheckUser', () => {
  it('checks one user live: keys, last use, password, MFA — "I fixed it" shows at once', async () => {
    iam.on(GetUserCommand).resolves({
      User: {
        UserName: 'jake',
        Arn: 'arn:aws:iam::123456789012:user/jake',
        UserId: 'A',
        Path: '/',
        CreateDate: new Date('2022-05-18T09:05:12Z'),
        PasswordLastUsed: new Date('2023-01-03T09:38:09Z'),
      },
    });
    iam
      .on(GetLoginProfileCommand)
      .resolves({ LoginProfile: { UserName: 'jake', CreateDate: new Date('2022-05-18T09:05:13Z') } });
    iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { AccessKeyId: 'AKIAJAKE1', Status: 'Active', CreateDate: new Date('2022-05-18T09:51:58Z') },
      ],
    });
    iam.on(GetAccessKeyLastUsedCommand).resolves({
      AccessKeyLastUsed: {
        LastUsedDate: new Date('2023-01-03T10:27:00Z'),
        ServiceName: 'ec2',
        Region: 'eu-central-1',
      },
    });
    // The user's own policies and tags, read for that user alone.
    iam.on(ListAttachedUserPoliciesCommand).resolves({
      AttachedPolicies: [
        { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      ],
    });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'owner', Value: 'U0JAKE' }] });
    const opts = {
      iamFor: () => client(),
      now: new Date('2023-01-05T00:00:00Z'),
      thresholds: DEFAULT_THRESHOLDS,
      ownerTag: 'owner',
    };
    const before = await recheckUser(opts, 'jake');
    expect(before.findings.map((f) => f.id)).toEqual([
      'admin-no-mfa:123456789012:jake',
      'console-no-mfa:123456789012:jake',
      'key-not-rotated:123456789012:jake:1',
      'direct-policy:123456789012:jake',
    ]);
    expect(before.findings.every((f) => f.owner === 'U0JAKE')).toBe(true);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(0);
    expect(before.liveUser).toBe('jake');
    // Jake enables MFA and rotates: the re-check is clean.
    iam.on(ListMFADevicesCommand).resolves({
      MFADevices: [
        { UserName: 'jake', SerialNumber: 'arn:aws:iam::123456789012:mfa/jake', EnableDate: new Date() },
      ],
    });
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { AccessKeyId: 'AKIAJAKE2', Status: 'Active', CreateDate: new Date('2023-01-04T00:00:00Z') },
      ],
    });
    // Jake enables MFA and rotates: only the directly attached policy is left.
    expect((await recheckUser(opts, 'jake')).findings.map((f) => f.check)).toEqual(['direct-policy']);
    iam.on(GetUserCommand).rejects(new NoSuchEntityException(meta));
    await expect(recheckUser(opts, 'nobody')).rejects.toThrow('There is no IAM user named "nobody".');
  });
});
