import { ACCOUNT_ID, REGION } from '../src/aws/names.js';
import { awsError } from '../src/aws-errors.js';
import { UsageError } from '../src/errors.js';
import type { PostureResult } from '../src/posture/checks.js';
import { presentPosture } from '../src/present/posture.js';
import { parseWords } from './options.js';
import type { CommandSpec } from './spec.js';

const USAGE = 'posture [--account id] [--region r]';

export interface PostureArgs {
  account?: string | undefined;
  regions?: string[] | undefined;
}

/** `posture`: is the audit trail itself intact — logging, covering, validated, encrypted, protected? */
export const postureCommand: CommandSpec<PostureArgs, PostureResult> = {
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
    if (values.account !== undefined && !ACCOUNT_ID.test(values.account))
      throw new UsageError(`"${values.account}" is not a 12-digit account id.`, USAGE);
    const regions = values.region?.flatMap((r) => r.split(',')).map((r) => r.trim());
    for (const r of regions ?? [])
      if (!REGION.test(r)) throw new UsageError(`"${r}" is not an AWS region name.`, USAGE);
    return { account: values.account, regions };
  },
  working: () => ['Checking the trails, their status, selectors and buckets…'],
  run: async (a, deps) => {
    const { postureOf } = await import('../src/posture/run.js');
    return postureOf(deps, a).catch((err: unknown) => {
      throw awsError(err, {
        service: 'CloudTrail',
        action: 'cloudtrail:DescribeTrails',
        where: a.account ? `account ${a.account}` : undefined,
      });
    });
  },
  present: (r) => presentPosture(r),
};
