import { bySeverity, type Severity } from '../severity.js';
import { DAY_MS } from '../time.js';
import type { CredentialReport, CredentialRow, KeyState } from './report.js';

/** How bad a finding is. */
export type FindingSeverity = Exclude<Severity, 'info'>;

/** The checks, each with the standard it cites. */
export const CHECKS = {
  'key-unused': { standard: 'CIS AWS 1.12 / Security Hub IAM.22 (IAM.8 at 90 days)', severity: 'medium' },
  'key-never-used': { standard: 'CIS AWS 1.11 / 1.12', severity: 'medium' },
  'key-not-rotated': { standard: 'CIS AWS 1.14 / Security Hub IAM.3', severity: 'medium' },
  'two-active-keys': { standard: 'CIS AWS 1.13', severity: 'low' },
  'console-no-mfa': { standard: 'CIS AWS 1.10 / Security Hub IAM.5', severity: 'high' },
  'password-unused': { standard: 'CIS AWS 1.12 / Security Hub IAM.22', severity: 'medium' },
  'root-access-keys': { standard: 'CIS AWS 1.4 / Security Hub IAM.4', severity: 'critical' },
  'root-no-mfa': { standard: 'CIS AWS 1.5 / Security Hub IAM.9', severity: 'critical' },
  'root-used': { standard: 'CIS AWS 1.7', severity: 'high' },
  'password-policy': {
    standard: 'CIS AWS 1.8 / 1.9 / Security Hub IAM.7, IAM.15, IAM.16',
    severity: 'medium',
  },
  'direct-policy': { standard: 'CIS AWS 1.15 / Security Hub IAM.2', severity: 'low' },
  'admin-no-mfa': { standard: 'CIS AWS 1.10 / 1.16', severity: 'critical' },
} as const satisfies Record<string, { standard: string; severity: FindingSeverity }>;

/** A check's id. */
export type CheckId = keyof typeof CHECKS;

/** Thresholds in days; the defaults are the cited standards'. */
export interface Thresholds {
  /** An active key unused for longer (CIS 1.12, IAM.22: 45; IAM.8: 90). */
  keyUnusedDays: number;
  /** An active key never used, created longer ago than this. */
  keyNeverUsedDays: number;
  /** A key older than this is due for rotation (CIS 1.14, IAM.3: 90). */
  keyRotationDays: number;
  /** A console password unused for longer (CIS 1.12: 45). */
  passwordUnusedDays: number;
  /** Root used within this many days is reported (CIS 1.7). */
  rootUsedDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  keyUnusedDays: 45,
  keyNeverUsedDays: 7,
  keyRotationDays: 90,
  passwordUnusedDays: 45,
  rootUsedDays: 90,
};

/** One finding: stable id, severity, evidence, the standard, and the fix as a command. */
export interface Finding {
  /** check:account:user[:key slot] — the same problem keeps the same id from report to report. */
  id: string;
  check: CheckId;
  account: string;
  user: string;
  keySlot?: 1 | 2 | undefined;
  severity: FindingSeverity;
  /** What is wrong, in a line. */
  title: string;
  /** The dates and ages that show it. */
  evidence: string;
  standard: string;
  remediation: string;
  /** The user's owner from its tag (a Slack user id or an email), when known. */
  owner?: string | undefined;
}

/** A user's policies, groups' policies and tags, from GetAccountAuthorizationDetails. */
export interface UserDetail {
  attachedPolicies: { name: string; arn: string }[];
  inlinePolicies: string[];
  /** Managed policy ARNs reaching the user through its groups. */
  groupPolicyArns: string[];
  tags: Record<string, string>;
}

/** What IAM says beyond the report: password policy, users' policies and groups, owner tags. */
export interface AccountDetails {
  /** Undefined: there is no password policy at all. */
  passwordPolicy?:
    | {
        minimumLength?: number | undefined;
        reusePrevention?: number | undefined;
        requireSymbols?: boolean | undefined;
        requireNumbers?: boolean | undefined;
        requireUppercase?: boolean | undefined;
        requireLowercase?: boolean | undefined;
      }
    | undefined;
  users: Map<string, UserDetail>;
}

const days = (from: Date, now: Date) => Math.floor((now.getTime() - from.getTime()) / DAY_MS);
const day = (d: Date) => d.toISOString().slice(0, 10);
const ago = (d: Date, now: Date) => `${day(d)} (${days(d, now)} days ago)`;

export const ADMIN_POLICY_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

function finding(
  check: CheckId,
  account: string,
  user: string,
  parts: { keySlot?: 1 | 2; title: string; evidence: string; remediation: string },
): Finding {
  return {
    id: `${check}:${account}:${user}${parts.keySlot ? `:${parts.keySlot}` : ''}`,
    check,
    account,
    user,
    keySlot: parts.keySlot,
    severity: CHECKS[check].severity,
    title: parts.title,
    evidence: parts.evidence,
    standard: CHECKS[check].standard,
    remediation: parts.remediation,
  };
}

function keyChecks(account: string, r: CredentialRow, k: KeyState, now: Date, t: Thresholds): Finding[] {
  if (!k.active || r.root) return [];
  const out: Finding[] = [];
  const u = r.user;
  const deactivate = `aws iam list-access-keys --user-name ${u}  # then: aws iam update-access-key --user-name ${u} --access-key-id <key ${k.slot} id> --status Inactive`;
  const created = k.lastRotated ? `created ${ago(k.lastRotated, now)}` : 'creation date unknown';
  if (k.lastUsed && days(k.lastUsed, now) > t.keyUnusedDays) {
    out.push(
      finding('key-unused', account, u, {
        keySlot: k.slot,
        title: `access key ${k.slot} unused for ${days(k.lastUsed, now)} days`,
        evidence: `key ${k.slot} active, last used ${ago(k.lastUsed, now)}${k.lastUsedService ? ` on ${k.lastUsedService}` : ''}; ${created}; threshold ${t.keyUnusedDays} days`,
        remediation: deactivate,
      }),
    );
  }
  if (!k.lastUsed && k.lastRotated && days(k.lastRotated, now) > t.keyNeverUsedDays) {
    out.push(
      finding('key-never-used', account, u, {
        keySlot: k.slot,
        title: `access key ${k.slot} active but never used`,
        evidence: `key ${k.slot} active, never used, ${created}; threshold ${t.keyNeverUsedDays} days`,
        remediation: deactivate,
      }),
    );
  }
  if (k.lastRotated && days(k.lastRotated, now) > t.keyRotationDays) {
    out.push(
      finding('key-not-rotated', account, u, {
        keySlot: k.slot,
        title: `access key ${k.slot} not rotated for ${days(k.lastRotated, now)} days`,
        evidence: `key ${k.slot} active, ${created}; threshold ${t.keyRotationDays} days`,
        remediation: `aws iam create-access-key --user-name ${u}  # move its users over, then deactivate and delete key ${k.slot}`,
      }),
    );
  }
  return out;
}

function rootChecks(account: string, r: CredentialRow, now: Date, t: Thresholds): Finding[] {
  const out: Finding[] = [];
  const active = r.keys.filter((k) => k.active);
  if (active.length) {
    out.push(
      finding('root-access-keys', account, r.user, {
        title: `the root user has ${active.length} active access key${active.length > 1 ? 's' : ''}`,
        evidence: active
          .map(
            (k) =>
              `key ${k.slot} created ${k.lastRotated ? ago(k.lastRotated, now) : 'at an unknown date'}, ${k.lastUsed ? `last used ${ago(k.lastUsed, now)}` : 'never used'}`,
          )
          .join('; '),
        remediation:
          'aws iam list-access-keys  # signed in as root; then: aws iam delete-access-key --access-key-id <id>',
      }),
    );
  }
  if (!r.mfaActive) {
    out.push(
      finding('root-no-mfa', account, r.user, {
        title: 'the root user has no MFA',
        evidence: 'mfa_active is false for <root_account>',
        remediation:
          'Sign in as root → Security credentials → Multi-factor authentication → Assign MFA device (a hardware key is best)',
      }),
    );
  }
  const uses = [
    r.passwordLastUsed instanceof Date ? { what: 'password', at: r.passwordLastUsed } : undefined,
    ...r.keys.map((k) => (k.lastUsed ? { what: `access key ${k.slot}`, at: k.lastUsed } : undefined)),
  ].filter((x): x is { what: string; at: Date } => x !== undefined && days(x.at, now) <= t.rootUsedDays);
  if (uses.length) {
    out.push(
      finding('root-used', account, r.user, {
        title: `the root user was used within ${t.rootUsedDays} days`,
        evidence: uses.map((x) => `${x.what} last used ${ago(x.at, now)}`).join('; '),
        remediation: `trail activity arn:aws:iam::${account}:root --since ${t.rootUsedDays}d  # who used it, for what; then keep root for the tasks only root can do`,
      }),
    );
  }
  return out;
}

function userChecks(
  account: string,
  r: CredentialRow,
  now: Date,
  t: Thresholds,
  d?: AccountDetails,
): Finding[] {
  const out: Finding[] = [];
  const u = r.user;
  if (r.passwordEnabled && !r.mfaActive) {
    out.push(
      finding('console-no-mfa', account, u, {
        title: 'console password without MFA',
        evidence: `password enabled${r.passwordLastUsed instanceof Date ? `, last used ${ago(r.passwordLastUsed, now)}` : r.passwordLastUsed === 'never' ? ', never used' : ''}; mfa_active false`,
        remediation: `aws iam create-virtual-mfa-device --virtual-mfa-device-name ${u} --outfile ${u}-mfa.png --bootstrap-method QRCodePNG  # then enable-mfa-device; or remove the password: aws iam delete-login-profile --user-name ${u}`,
      }),
    );
  }
  if (r.passwordEnabled) {
    const last = r.passwordLastUsed instanceof Date ? r.passwordLastUsed : undefined;
    const since = last ?? (r.passwordLastUsed === 'never' ? r.passwordLastChanged : undefined);
    if (since && days(since, now) > t.passwordUnusedDays) {
      out.push(
        finding('password-unused', account, u, {
          title: last ? `console password unused for ${days(last, now)} days` : 'console password never used',
          evidence: last
            ? `password last used ${ago(last, now)}; threshold ${t.passwordUnusedDays} days`
            : `password set ${ago(since, now)} and never used; threshold ${t.passwordUnusedDays} days`,
          remediation: `aws iam delete-login-profile --user-name ${u}`,
        }),
      );
    }
  }
  const active = r.keys.filter((k) => k.active);
  if (active.length === 2) {
    out.push(
      finding('two-active-keys', account, u, {
        title: 'two active access keys',
        evidence: r.keys
          .map(
            (k) => `key ${k.slot} created ${k.lastRotated ? ago(k.lastRotated, now) : 'at an unknown date'}`,
          )
          .join('; '),
        remediation: `aws iam list-access-keys --user-name ${u}  # keep one: aws iam update-access-key --user-name ${u} --access-key-id <older key id> --status Inactive`,
      }),
    );
  }
  for (const k of r.keys) out.push(...keyChecks(account, r, k, now, t));
  const detail = d?.users.get(u);
  if (detail && (detail.attachedPolicies.length || detail.inlinePolicies.length)) {
    const names = [
      ...detail.attachedPolicies.map((p) => p.name),
      ...detail.inlinePolicies.map((p) => `${p} (inline)`),
    ];
    out.push(
      finding('direct-policy', account, u, {
        title: `${names.length} polic${names.length === 1 ? 'y' : 'ies'} attached directly to the user`,
        evidence: names.join(', '),
        remediation: `${[
          ...detail.attachedPolicies.map(
            (p) => `aws iam detach-user-policy --user-name ${u} --policy-arn ${p.arn}`,
          ),
          ...detail.inlinePolicies.map(
            (p) => `aws iam delete-user-policy --user-name ${u} --policy-name ${p}`,
          ),
        ].join('; ')}  # grant them through a group instead`,
      }),
    );
  }
  const admin =
    detail &&
    (detail.attachedPolicies.some((p) => p.arn === ADMIN_POLICY_ARN) ||
      detail.groupPolicyArns.includes(ADMIN_POLICY_ARN));
  if (admin && !r.mfaActive) {
    out.push(
      finding('admin-no-mfa', account, u, {
        title: 'AdministratorAccess without MFA',
        evidence: `AdministratorAccess ${detail.attachedPolicies.some((p) => p.arn === ADMIN_POLICY_ARN) ? 'attached to the user' : 'through a group'}; mfa_active false`,
        remediation: `aws iam create-virtual-mfa-device --virtual-mfa-device-name ${u} --outfile ${u}-mfa.png --bootstrap-method QRCodePNG  # or take the policy away`,
      }),
    );
  }
  return out;
}

function passwordPolicyCheck(account: string, d: AccountDetails): Finding[] {
  const p = d.passwordPolicy;
  const weak: string[] = [];
  if (!p) weak.push('no password policy is set');
  else {
    if ((p.minimumLength ?? 0) < 14) weak.push(`minimum length ${p.minimumLength ?? 'unset'} (CIS 1.8: 14)`);
    if ((p.reusePrevention ?? 0) < 24)
      weak.push(`reuse prevention ${p.reusePrevention ?? 'unset'} (CIS 1.9: 24)`);
  }
  if (!weak.length) return [];
  return [
    finding('password-policy', account, '(account)', {
      title: 'the password policy is weaker than CIS',
      evidence: weak.join('; '),
      remediation:
        'aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters',
    }),
  ];
}

/** Worst first, then by check and user, so lists read the same every time. */
export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort(
    (a, b) =>
      bySeverity(a.severity, b.severity) ||
      a.check.localeCompare(b.check) ||
      a.account.localeCompare(b.account) ||
      a.user.localeCompare(b.user) ||
      (a.keySlot ?? 0) - (b.keySlot ?? 0),
  );
}

/**
 * Every check over one account's report (and, when given, what IAM says beyond it), as of `now`. Each
 * key is judged on its own; "never used" is its own finding, not an unused one. Owners come from the
 * user tag named `ownerTag`.
 */
export function runChecks(
  report: CredentialReport,
  now: Date,
  t: Thresholds = DEFAULT_THRESHOLDS,
  details?: AccountDetails,
  ownerTag = 'owner',
): Finding[] {
  const out: Finding[] = [];
  for (const r of report.rows) {
    const fs = r.root
      ? rootChecks(report.account, r, now, t)
      : userChecks(report.account, r, now, t, details);
    const owner = details?.users.get(r.user)?.tags[ownerTag];
    out.push(...fs.map((f) => (owner ? { ...f, owner } : f)));
  }
  if (details) out.push(...passwordPolicyCheck(report.account, details));
  return sortFindings(out);
}
