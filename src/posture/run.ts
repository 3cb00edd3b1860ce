import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CommandDeps } from '../deps.js';
import type { PostureResult } from './checks.js';
import type { RuleOptions } from './facts.js';
import type { MonitoringClients } from './monitoring-reader.js';
import { readPosture } from './reader.js';
import { judgePosture } from './rules/index.js';

/** What the checks need; every client passed in. */
export interface PostureOptions extends RuleOptions {
  account: string;
  regions: string[];
  cloudTrailFor: (region: string) => CloudTrailClient;
  s3: S3Client;
  organizations?: OrganizationsClient | undefined;
  now: Date;
  callerAccount?: (() => Promise<string | undefined>) | undefined;
  /** The CIS 4.x monitoring reads' clients (metric filters, alarms, topics). */
  monitoring?: MonitoringClients | undefined;
}

/** Is the audit trail itself intact? Read the facts from AWS, then judge them by every rule. */
export async function checkPosture(o: PostureOptions): Promise<PostureResult> {
  const facts = await readPosture({ ...o, readObjectLock: o.requireObjectLock });
  return judgePosture(facts, o);
}

/** What a posture check is handed: config, clock, and the CloudTrail, S3 and Organizations clients. */
export type PostureDeps = Pick<CommandDeps, 'config' | 'now' | 'posture' | 'hygiene' | 'callerAccount'>;

/** Run the posture checks as config says, for one account (or the bot's own). */
export async function postureOf(
  deps: PostureDeps,
  a: { account?: string | undefined; regions?: string[] | undefined } = {},
): Promise<PostureResult> {
  const c = deps.config;
  return checkPosture({
    account: a.account ?? c.TRAIL_ACCOUNT_ID ?? '',
    regions: a.regions ?? c.TRAIL_REGIONS,
    cloudTrailFor: (region) => deps.posture.cloudTrailFor(region, a.account),
    s3: deps.posture.s3For(a.account),
    monitoring: {
      logsFor: (region) => deps.posture.logsFor(region, a.account),
      cloudWatchFor: (region) => deps.posture.cloudWatchFor(region, a.account),
      snsFor: (region) => deps.posture.snsFor(region, a.account),
    },
    organizations: a.account ? undefined : deps.hygiene.organizations(),
    now: deps.now(),
    callerAccount: deps.callerAccount,
    maxDeliveryAgeHours: c.TRAIL_DELIVERY_MAX_HOURS,
    sensitiveBuckets: c.TRAIL_SENSITIVE_BUCKETS,
    requireObjectLock: c.TRAIL_REQUIRE_OBJECT_LOCK,
  });
}
