import type { IAMClient } from '@aws-sdk/client-iam';
import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { awsError } from '../aws-errors.js';
import { type Finding, runChecks, sortFindings, type Thresholds } from './checks.js';
import {
  fetchAccountDetails,
  fetchCredentialReport,
  liveUserDetail,
  liveUserRow,
  type ReportTiming,
} from './iam.js';
import { parseCredentialReport } from './report.js';

/** One account's outcome: its findings and report time, or why it failed (listed, never skipped). */
export type AccountResult =
  | { account: string; ok: true; generatedAt: Date; findings: Finding[]; apiCalls: number }
  | { account: string; ok: false; error: string };

/** Every account's outcome, with all findings worst first. */
export interface HygieneResult {
  accounts: AccountResult[];
  findings: Finding[];
  /** Set for a live re-check of one user. */
  liveUser?: string | undefined;
  /** Set when the report came from a file (its generation time is not in it). */
  reportFile?: string | undefined;
  checkedAt: Date;
}

/** What a hygiene run needs; every client passed in. */
export interface HygieneOptions {
  /** The IAM client for an account (undefined: the bot's own credentials). */
  iamFor: (account?: string) => IAMClient;
  /** Accounts to check; undefined means the bot's own account only. */
  accounts?: string[] | undefined;
  now: Date;
  thresholds: Thresholds;
  ownerTag: string;
  /** Accounts checked at once. */
  concurrency?: number;
  /** Delay between starting report generation in successive accounts (IAM limits generation). */
  staggerMs?: number;
  timing?: ReportTiming;
}

/** The account a report belongs to, read from its root row's ARN. */
function accountOfReport(csv: string): string | undefined {
  return /arn:aws[a-z-]*:iam::(\d{12}):root/.exec(csv)?.[1];
}

async function checkAccount(o: HygieneOptions, account: string | undefined): Promise<AccountResult> {
  const iam = o.iamFor(account);
  try {
    const [report, details] = await Promise.all([
      fetchCredentialReport(iam, o.timing),
      fetchAccountDetails(iam),
    ]);
    const id = account ?? accountOfReport(report.csv) ?? 'unknown-account';
    const parsed = parseCredentialReport(report.csv, id, report.generatedAt);
    return {
      account: id,
      ok: true,
      generatedAt: report.generatedAt,
      findings: runChecks(parsed, o.now, o.thresholds, details, o.ownerTag),
      apiCalls: report.calls + details.calls,
    };
  } catch (err) {
    const e = awsError(err, {
      service: 'IAM',
      action: 'iam:GenerateCredentialReport',
      where: account ? `account ${account}` : undefined,
    });
    return { account: account ?? 'unknown-account', ok: false, error: e.message };
  }
}

/**
 * Run the checks over every account: bounded concurrency, report generation staggered, an account that
 * fails listed with its error while the others still answer.
 */
export async function runHygiene(o: HygieneOptions): Promise<HygieneResult> {
  const targets: (string | undefined)[] = o.accounts?.length ? o.accounts : [undefined];
  const limit = pLimit(o.concurrency ?? 4);
  const stagger = o.staggerMs ?? 1000;
  const accounts = await Promise.all(
    targets.map((account, i) =>
      limit(async () => {
        if (i > 0 && stagger > 0)
          await new Promise((r) => setTimeout(r, Math.min(i, o.concurrency ?? 4) * stagger));
        return checkAccount(o, account);
      }),
    ),
  );
  return {
    accounts,
    findings: sortFindings(accounts.flatMap((a) => (a.ok ? a.findings : []))),
    checkedAt: o.now,
  };
}

/** One user checked live in one account: the same checks over a row built from IAM's answers now. */
export async function recheckUser(o: HygieneOptions, user: string, account?: string): Promise<HygieneResult> {
  const iam = o.iamFor(account);
  const row = await liveUserRow(iam, user);
  const id = account ?? /arn:aws[a-z-]*:iam::(\d{12}):/.exec(row.arn)?.[1] ?? 'unknown-account';
  // The user's policies, groups and owner tag too, so direct-policy and admin-no-mfa are re-checked;
  // the account-wide password policy is not this user's finding.
  const userDetails = { users: new Map([[row.user, await liveUserDetail(iam, row.user)]]) };
  const findings = runChecks(
    { account: id, generatedAt: o.now, rows: [row] },
    o.now,
    o.thresholds,
    userDetails,
    o.ownerTag,
  ).filter((f) => f.check !== 'password-policy');
  return {
    accounts: [{ account: id, ok: true, generatedAt: o.now, findings, apiCalls: 0 }],
    findings,
    liveUser: row.user,
    checkedAt: o.now,
  };
}

/** The organization's active member accounts, every page of ListAccounts. */
export async function organizationAccounts(orgs: OrganizationsClient): Promise<string[]> {
  const out: string[] = [];
  for await (const page of paginateListAccounts({ client: orgs }, {})) {
    for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status) === 'ACTIVE') out.push(a.Id);
  }
  return out;
}
