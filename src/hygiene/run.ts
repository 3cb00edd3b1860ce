import { readFile } from 'node:fs/promises';
import { fanOutAccounts } from '../accounts.js';
import type { Config } from '../config.js';
import type { CommandDeps } from '../deps.js';
import { UsageError } from '../errors.js';
import { runChecks, type Thresholds } from './checks.js';
import { parseCredentialReport } from './report.js';
import { type HygieneResult, organizationAccounts, recheckUser, runHygiene } from './service.js';

/** What a hygiene run is handed: config, clock, and the IAM and Organizations clients. */
export type HygieneDeps = Pick<CommandDeps, 'config' | 'now' | 'hygiene'>;

/** The thresholds from config. */
export function thresholdsOf(c: Config): Thresholds {
  return {
    keyUnusedDays: c.TRAIL_HYGIENE_KEY_UNUSED_DAYS,
    keyNeverUsedDays: c.TRAIL_HYGIENE_KEY_NEVER_USED_DAYS,
    keyRotationDays: c.TRAIL_HYGIENE_KEY_ROTATION_DAYS,
    passwordUnusedDays: c.TRAIL_HYGIENE_PASSWORD_UNUSED_DAYS,
    rootUsedDays: c.TRAIL_HYGIENE_ROOT_USED_DAYS,
  };
}

/** The accounts a hygiene run covers: the organization's, those with a role to assume, or the bot's own. */
export async function hygieneAccounts(deps: HygieneDeps, asked?: string[]): Promise<string[] | undefined> {
  if (asked?.length) return asked;
  if (deps.config.TRAIL_HYGIENE_ORGANIZATION) return organizationAccounts(deps.hygiene.organizations());
  // The accounts with a role to assume, as the lookup source asks them.
  return fanOutAccounts(deps.config);
}

/** Run the checks as the config says, over `accounts` (or the configured ones). */
export async function checkAll(deps: HygieneDeps, accounts?: string[]): Promise<HygieneResult> {
  return runHygiene({
    iamFor: deps.hygiene.iamFor,
    accounts: await hygieneAccounts(deps, accounts),
    now: deps.now(),
    thresholds: thresholdsOf(deps.config),
    ownerTag: deps.config.TRAIL_HYGIENE_OWNER_TAG,
    concurrency: deps.config.TRAIL_MAX_CONCURRENT_ACCOUNTS,
  });
}

/** One user checked live in one account (or the bot's own): the same checks over their current state. */
export function recheck(deps: HygieneDeps, user: string, account?: string): Promise<HygieneResult> {
  return recheckUser(
    {
      iamFor: deps.hygiene.iamFor,
      now: deps.now(),
      thresholds: thresholdsOf(deps.config),
      ownerTag: deps.config.TRAIL_HYGIENE_OWNER_TAG,
    },
    user,
    account,
  );
}

/** The checks over a credential report read from a file (the terminal's offline mode). */
export async function fromReportFile(
  path: string,
  deps: Pick<HygieneDeps, 'config' | 'now'>,
): Promise<HygieneResult> {
  let csv: string;
  try {
    csv = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `Cannot read the report file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    );
  }
  const now = deps.now();
  const account = /arn:aws[a-z-]*:iam::(\d{10,12}):/.exec(csv)?.[1] ?? 'unknown';
  const report = parseCredentialReport(csv, account, now);
  const findings = runChecks(
    report,
    now,
    thresholdsOf(deps.config),
    undefined,
    deps.config.TRAIL_HYGIENE_OWNER_TAG,
  );
  return {
    accounts: [{ account, ok: true, generatedAt: now, findings, apiCalls: 0 }],
    findings,
    checkedAt: now,
    reportFile: path,
  };
}
