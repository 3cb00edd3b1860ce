import { awsError } from '../src/aws-errors.js';
import type { CommandDeps } from '../src/deps.js';
import { UsageError } from '../src/errors.js';
import { presentPosture } from '../src/present/posture.js';
import type { PostureResult } from '../src/trail/posture.js';
import { parseWords } from './options.js';
import type { CommandSpec } from './spec.js';

const USAGE = 'posture [--account id] [--region r]';

interface Args {
  account?: string | undefined;
  regions?: string[] | undefined;
}

/** Run the posture checks as config says, for one account (or the bot's own). */
export async function postureOf(deps: CommandDeps, a: Args = {}): Promise<PostureResult> {
  const c = deps.config;
  const { checkPosture } = await import('../src/trail/posture.js');
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

/** `posture`: is the audit trail itself intact — logging, covering, validated, encrypted, protected? */
export const postureCommand: CommandSpec<Args, PostureResult> = {
  name: 'posture',
  usage: USAGE,
  summary: 'is the trail itself intact: logging everywhere, validated, encrypted, its bucket protected',
  permission: 'investigate',
  parse(words) {
    const { values, positionals } = parseWords(
      words,
      { account: { type: 'string' }, region: { type: 'string', multiple: true } },
      USAGE,
    );
    if (positionals.length) throw new UsageError(`Unexpected words: ${positionals.join(' ')}.`, USAGE);
    if (values.account !== undefined && !/^\d{12}$/.test(values.account))
      throw new UsageError(`"${values.account}" is not a 12-digit account id.`, USAGE);
    const regions = values.region?.flatMap((r) => r.split(',')).map((r) => r.trim());
    for (const r of regions ?? [])
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r))
        throw new UsageError(`"${r}" is not an AWS region name.`, USAGE);
    return { account: values.account, regions };
  },
  working: () => ['Checking the trails, their status, selectors and buckets…'],
  run: (a, deps) =>
    postureOf(deps, a).catch((err: unknown) => {
      throw awsError(err, {
        service: 'CloudTrail',
        action: 'cloudtrail:DescribeTrails',
        where: a.account ? `account ${a.account}` : undefined,
      });
    }),
  present: (r) => presentPosture(r),
};
