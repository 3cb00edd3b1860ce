import { UsageError } from '../src/errors.js';
import { linkerFor } from '../src/present/console.js';
import { presentWhoDeleted } from '../src/present/who-deleted.js';
import { resolveRange, type TimeRange } from '../src/time.js';
import { newestFirst } from '../src/trail/query.js';
import { type WhoDeletedAnswer, whoDeleted } from '../src/trail/who-deleted.js';
import {
  flagsPermission,
  parseWords,
  QUERY_OPTIONS,
  QUERY_USAGE,
  type QueryFlags,
  queryFlags,
} from './options.js';
import type { CommandSpec } from './spec.js';

const usage = `who-deleted <name or ARN> ${QUERY_USAGE}`;

/** Arguments of who-deleted. */
export interface WhoDeletedArgs {
  target: string;
  range: TimeRange;
  flags: QueryFlags;
}

/** Usage: who-deleted <name or ARN> [--since 7d] [--until now] [--region r] [--account id] [--source s] */
export const whoDeletedCommand: CommandSpec<WhoDeletedArgs, WhoDeletedAnswer> = {
  name: 'who-deleted',
  usage,
  summary: 'who deleted a bucket, user, role, key, trail, instance, function, table … (by name or ARN)',
  permission: 'investigate',
  permissionFor: (a, config) => flagsPermission(a.flags, config.TRAIL_ATHENA_COST_CAP_MB),
  source: (a) => a.flags,
  parse(words, front, now, config) {
    const { values, positionals } = parseWords(words, QUERY_OPTIONS, usage);
    if (positionals.length === 0)
      throw new UsageError('Name the resource: a bucket name, a user name or an ARN.', usage);
    if (positionals.length > 1) {
      throw new UsageError(
        `One resource at a time; got ${positionals.length}: quote a name with spaces.`,
        usage,
      );
    }
    const target = positionals[0] as string;
    if (target.length > 2048 || /[\p{Cc}]/u.test(target)) {
      throw new UsageError('That is not a resource name: too long or has control characters.', usage);
    }
    const flags = queryFlags(values, front, usage);
    const range = resolveRange(flags, now, config.TRAIL_DEFAULT_SINCE);
    return { target, range, flags };
  },
  working: (a) => ['Looking for deletions of ', { lit: a.target }, '…'],
  async run(a, deps, ctx) {
    const source = deps.sources.get(a.flags);
    return whoDeleted(
      {
        target: a.target,
        range: a.range,
        regions: a.flags.regions,
        accounts: a.flags.accounts,
        limit: deps.config.TRAIL_MAX_RESULTS,
      },
      source,
      ctx.progress,
    );
  },
  present: (answer, deps) => presentWhoDeleted(answer, deps.now(), linkerFor(deps.config)),
  rows: (a) => [...a.deleted, ...a.attempts].map((d) => d.event).sort(newestFirst),
};
