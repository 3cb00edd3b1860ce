import type { Severity } from '../severity.js';

/** How bad a posture finding is. */
export type PostureSeverity = Severity;

/** The checks, each with the standard it cites. */
export const POSTURE_CHECKS = {
  'multi-region-logging': { standard: 'CIS AWS 3.1 / Security Hub CloudTrail.1', severity: 'critical' },
  'management-events': { standard: 'CIS AWS 3.1 / Security Hub CloudTrail.1', severity: 'high' },
  'delivery-stale': { standard: 'CIS AWS 3.1 / Security Hub CloudTrail.1', severity: 'high' },
  'region-not-covered': { standard: 'CIS AWS 3.1', severity: 'high' },
  'log-file-validation': { standard: 'CIS AWS 3.2 / Security Hub CloudTrail.4', severity: 'medium' },
  'kms-encryption': { standard: 'CIS AWS 3.5 / Security Hub CloudTrail.2', severity: 'medium' },
  'bucket-public': { standard: 'CIS AWS 3.3 / Security Hub CloudTrail.6', severity: 'critical' },
  'bucket-versioning': { standard: 'CIS AWS 3.3 (protect the logs from deletion)', severity: 'medium' },
  'bucket-object-lock': { standard: 'CIS AWS 3.3 / organisation policy', severity: 'medium' },
  'bucket-access-logging': { standard: 'CIS AWS 3.4 / Security Hub CloudTrail.7', severity: 'low' },
  'bucket-policy-writers': { standard: 'CIS AWS 3.3', severity: 'high' },
  'cloudwatch-logs': { standard: 'CIS AWS 3.4 (v1.x 3.4) / Security Hub CloudTrail.5', severity: 'low' },
  'metric-alarms': { standard: 'CIS AWS 4.1–4.15 (monitoring)', severity: 'medium' },
  insights: { standard: 'AWS CloudTrail Insights (best practice)', severity: 'info' },
  's3-data-events': { standard: 'CIS AWS 3.10 / 3.11 (S3 object-level logging)', severity: 'medium' },
  'organization-trail': {
    standard: 'AWS Organizations best practice / Security Hub CloudTrail.1',
    severity: 'medium',
  },
} as const satisfies Record<string, { standard: string; severity: PostureSeverity }>;

export type PostureCheckId = keyof typeof POSTURE_CHECKS;

/** One finding about the trail. */
export interface PostureFinding {
  /** check:account:resource — stable from run to run. */
  id: string;
  check: PostureCheckId;
  account: string;
  resource: string;
  severity: PostureSeverity;
  title: string;
  evidence: string;
  standard: string;
  remediation: string;
}

/** A trail's delivery health, for the answer and the digest. */
export interface DeliveryHealth {
  trail: string;
  homeRegion: string;
  isLogging: boolean;
  latestDelivery?: Date | undefined;
  latestDeliveryError?: string | undefined;
}

/** A check not made: the finding id it would decide, and why. */
export interface NotChecked {
  id: string;
  reason: string;
}

/** The answer: the verdict's inputs, every finding, each trail's health. */
export interface PostureResult {
  account: string;
  regions: string[];
  trails: number;
  findings: PostureFinding[];
  delivery: DeliveryHealth[];
  /** Checks the bot could not make, and why (an action it may not call on a bucket in another account). */
  notChecked: NotChecked[];
  checkedAt: Date;
}

/** A finding of `check` about `resource` in `account`, with the check's severity and standard. */
export function finding(
  check: PostureCheckId,
  account: string,
  resource: string,
  title: string,
  evidence: string,
  remediation: string,
): PostureFinding {
  return {
    id: `${check}:${account}:${resource}`,
    check,
    account,
    resource,
    severity: POSTURE_CHECKS[check].severity,
    title,
    evidence,
    standard: POSTURE_CHECKS[check].standard,
    remediation,
  };
}
