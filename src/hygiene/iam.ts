import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  paginateGetAccountAuthorizationDetails,
  type User,
} from '@aws-sdk/client-iam';
import pRetry, { AbortError } from 'p-retry';
import { awsErrorName as errName } from '../aws-errors.js';
import { UpstreamError } from '../errors.js';
import type { AccountDetails, UserDetail } from './checks.js';
import type { CredentialRow, KeyState } from './report.js';

/** How long to keep asking for a report, and how often (tests shorten both). */
export interface ReportTiming {
  /** Tries in all, generation and fetching together. */
  retries?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
}

/** A state the report is not in yet: wait and ask again. */
class NotYet extends Error {}

/**
 * The credential report: generate it (AWS reuses one younger than 4 hours), wait while it is STARTED or
 * INPROGRESS, then fetch it. LimitExceeded, ReportInProgress (not ready), ReportNotPresent and
 * ReportExpired are waited out or answered by generating again, with exponential backoff (p-retry);
 * throttling is the SDK's own retry. Gives up with a clear error when IAM never produces it.
 */
export async function fetchCredentialReport(
  iam: IAMClient,
  timing: ReportTiming = {},
): Promise<{ csv: string; generatedAt: Date; calls: number }> {
  let calls = 0;
  let generate = true;
  const attempt = async () => {
    if (generate) {
      calls++;
      try {
        const g = await iam.send(new GenerateCredentialReportCommand({}));
        if (g.State !== 'COMPLETE') throw new NotYet(`report ${g.State ?? 'not started'}`);
      } catch (err) {
        if (err instanceof NotYet) throw err;
        if (errName(err) === 'LimitExceededException') throw new NotYet('report generation limit reached');
        throw new AbortError(err as Error);
      }
      generate = false;
    }
    calls++;
    try {
      const r = await iam.send(new GetCredentialReportCommand({}));
      if (!r.Content) throw new AbortError(new UpstreamError('IAM returned an empty credential report'));
      return {
        csv: Buffer.from(r.Content).toString('utf8'),
        generatedAt: r.GeneratedTime ?? new Date(),
        calls,
      };
    } catch (err) {
      const name = errName(err);
      if (name === 'CredentialReportNotReadyException') throw new NotYet('report in progress');
      if (name === 'CredentialReportNotPresentException' || name === 'CredentialReportExpiredException') {
        generate = true;
        throw new NotYet(name === 'CredentialReportExpiredException' ? 'report expired' : 'no report yet');
      }
      throw err instanceof AbortError ? err : new AbortError(err as Error);
    }
  };
  try {
    return await pRetry(attempt, {
      retries: timing.retries ?? 8,
      minTimeout: timing.minTimeoutMs ?? 2000,
      maxTimeout: timing.maxTimeoutMs ?? 30_000,
      factor: 2,
    });
  } catch (err) {
    if (err instanceof NotYet)
      throw new UpstreamError(
        `IAM did not produce a credential report in time (${err.message}); try again in a few minutes.`,
      );
    throw err;
  }
}

/**
 * What the checks need beyond the report: the password policy (none set is a finding of its own) and,
 * from GetAccountAuthorizationDetails (every page), each user's attached and inline policies, the
 * managed policies of its groups, and its tags.
 */
export async function fetchAccountDetails(iam: IAMClient): Promise<AccountDetails & { calls: number }> {
  let calls = 1;
  let passwordPolicy: AccountDetails['passwordPolicy'];
  try {
    const p = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
    passwordPolicy = {
      minimumLength: p?.MinimumPasswordLength,
      reusePrevention: p?.PasswordReusePrevention,
      requireSymbols: p?.RequireSymbols,
      requireNumbers: p?.RequireNumbers,
      requireUppercase: p?.RequireUppercaseCharacters,
      requireLowercase: p?.RequireLowercaseCharacters,
    };
  } catch (err) {
    if (errName(err) !== 'NoSuchEntityException') throw err;
  }
  const users = new Map<string, UserDetail>();
  const groups = new Map<string, string[]>();
  const memberships: [string, string[]][] = [];
  for await (const page of paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize: 1000 },
    { Filter: ['User', 'Group'] },
  )) {
    calls++;
    for (const g of page.GroupDetailList ?? [])
      groups.set(
        g.GroupName ?? '',
        (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
      );
    for (const u of page.UserDetailList ?? []) {
      const name = u.UserName ?? '';
      memberships.push([name, u.GroupList ?? []]);
      users.set(name, {
        attachedPolicies: (u.AttachedManagedPolicies ?? []).map((p) => ({
          name: p.PolicyName ?? '',
          arn: p.PolicyArn ?? '',
        })),
        inlinePolicies: (u.UserPolicyList ?? []).map((p) => p.PolicyName ?? ''),
        groupPolicyArns: [],
        tags: Object.fromEntries((u.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      });
    }
  }
  for (const [name, gs] of memberships) {
    const u = users.get(name);
    if (u) u.groupPolicyArns = gs.flatMap((g) => groups.get(g) ?? []);
  }
  return { passwordPolicy, users, calls };
}

/**
 * One user checked live, so "I fixed it" can be confirmed without waiting for a new report: its keys
 * (ListAccessKeys, GetAccessKeyLastUsed), console password (GetLoginProfile, GetUser) and MFA
 * (ListMFADevices), as a report row the same checks read.
 */
export async function liveUserRow(iam: IAMClient, user: string): Promise<CredentialRow> {
  let u: User | undefined;
  try {
    u = (await iam.send(new GetUserCommand({ UserName: user }))).User;
  } catch (err) {
    if (errName(err) === 'NoSuchEntityException')
      throw new UpstreamError(`There is no IAM user named "${user}".`);
    throw err;
  }
  let password = true;
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: user }));
  } catch (err) {
    if (errName(err) !== 'NoSuchEntityException') throw err;
    password = false;
  }
  const mfa = (await iam.send(new ListMFADevicesCommand({ UserName: user }))).MFADevices ?? [];
  const keys = ((await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [])
    .slice()
    .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0));
  const states: KeyState[] = [];
  for (const [i, k] of keys.slice(0, 2).entries()) {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
    states.push({
      slot: (i + 1) as 1 | 2,
      active: k.Status === 'Active',
      lastRotated: k.CreateDate,
      lastUsed: used.AccessKeyLastUsed?.LastUsedDate,
      lastUsedService:
        used.AccessKeyLastUsed?.ServiceName && used.AccessKeyLastUsed.ServiceName !== 'N/A'
          ? used.AccessKeyLastUsed.ServiceName
          : undefined,
    });
  }
  const empty = (slot: 1 | 2): KeyState => ({
    slot,
    active: false,
    lastRotated: undefined,
    lastUsed: undefined,
    lastUsedService: undefined,
  });
  return {
    // IAM's own spelling of the name (names are case-insensitive), so the user's details are found.
    user: u?.UserName ?? user,
    arn: u?.Arn ?? '',
    root: false,
    created: u?.CreateDate,
    passwordEnabled: password,
    passwordLastUsed: password ? (u?.PasswordLastUsed ?? 'never') : undefined,
    passwordLastChanged: undefined,
    mfaActive: mfa.length > 0,
    keys: [states[0] ?? empty(1), states[1] ?? empty(2)],
  };
}

/** An IAM user's tags, key → value (the owner tag of hygiene, the slack or email tag of an actor). */
export async function userTags(iam: IAMClient, user: string): Promise<Record<string, string>> {
  const r = await iam.send(new ListUserTagsCommand({ UserName: user, MaxItems: 1000 }));
  return Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/**
 * One user's policies, groups' policies and tags, read for that user alone (not the whole account's
 * authorization details), for the live re-check.
 */
export async function liveUserDetail(iam: IAMClient, user: string): Promise<UserDetail> {
  const [attached, inline, groups, tags] = await Promise.all([
    iam.send(new ListAttachedUserPoliciesCommand({ UserName: user, MaxItems: 1000 })),
    iam.send(new ListUserPoliciesCommand({ UserName: user, MaxItems: 1000 })),
    iam.send(new ListGroupsForUserCommand({ UserName: user, MaxItems: 1000 })),
    userTags(iam, user),
  ]);
  const groupPolicies = await Promise.all(
    (groups.Groups ?? []).map((g) =>
      iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: g.GroupName, MaxItems: 1000 })),
    ),
  );
  return {
    attachedPolicies: (attached.AttachedPolicies ?? []).map((p) => ({
      name: p.PolicyName ?? '',
      arn: p.PolicyArn ?? '',
    })),
    inlinePolicies: inline.PolicyNames ?? [],
    groupPolicyArns: groupPolicies.flatMap((g) => (g.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '')),
    tags,
  };
}
