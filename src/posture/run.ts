import type { CommandDeps } from '../deps.js';
import { checkPosture, type PostureResult } from '../trail/posture.js';

/** What a posture check is handed: config, clock, and the CloudTrail, S3 and Organizations clients. */
export type PostureDeps = Pick<CommandDeps, 'config' | 'now' | 'posture' | 'hygiene'>;

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
    organizations: a.account ? undefined : deps.hygiene.organizations(),
    now: deps.now(),
    maxDeliveryAgeHours: c.TRAIL_DELIVERY_MAX_HOURS,
    sensitiveBuckets: c.TRAIL_SENSITIVE_BUCKETS,
    requireObjectLock: c.TRAIL_REQUIRE_OBJECT_LOCK,
  });
}
