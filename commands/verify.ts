import { readFile } from 'node:fs/promises';
import { addDays } from 'date-fns/addDays';
import { awsError } from '../src/aws-errors.js';
import { UsageError } from '../src/errors.js';
import { presentVerify } from '../src/present/posture.js';
import { DAY_MS, resolveRange } from '../src/time.js';
import {
  keysFromJson,
  localArchive,
  type SigningKeys,
  type VerifyResult,
  verifyArchive,
} from '../src/trail/verify.js';
import { parseWords } from './options.js';
import type { CommandSpec } from './spec.js';

const USAGE =
  'verify [--since 1d] [--until now] | verify --logs <dir> [--keys <public keys file>] (terminal)';

interface Args {
  logs?: string | undefined;
  keys?: string | undefined;
  range: { start: Date; end: Date };
}

/** UTC days (yyyy/MM/dd) from start to end, both included. */
function days(start: Date, end: Date): string[] {
  const out: string[] = [];
  for (
    let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
    d <= end;
    d = addDays(d, 1)
  )
    out.push(d.toISOString().slice(0, 10).replace(/-/g, '/'));
  return out;
}

/**
 * `verify`: are the log files intact? CloudTrail's digest files checked — every listed file present with
 * its SHA-256, digests chained without a gap, nothing extra — and their signatures where the public keys
 * are at hand (ListPublicKeys for the S3 archive, a keys file offline). Offline without keys, it says it
 * did not check signatures rather than claim validity.
 */
export const verifyCommand: CommandSpec<Args, VerifyResult> = {
  name: 'verify',
  usage: USAGE,
  summary:
    'check the log files against CloudTrail’s digest files: missing, altered, extra, chain gaps, signatures',
  permission: 'investigate',
  parse(words, front, now, config) {
    const { values, positionals } = parseWords(
      words,
      {
        logs: { type: 'string' },
        keys: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
      },
      USAGE,
    );
    if (positionals.length) throw new UsageError(`Unexpected words: ${positionals.join(' ')}.`, USAGE);
    if (front === 'slack' && (values.logs || values.keys))
      throw new UsageError(
        '--logs and --keys read the bot’s disk: they are for the terminal. In Slack, verify checks the S3 archive.',
        USAGE,
      );
    const range = resolveRange({ since: values.since, until: values.until }, now, '1d');
    const logs =
      front === 'terminal' && !config.TRAIL_ARCHIVE_BUCKET
        ? (values.logs ?? config.TRAIL_LOGS_DIR)
        : values.logs;
    if (!logs && !config.TRAIL_ARCHIVE_BUCKET)
      throw new UsageError(
        'There is no archive to verify: set TRAIL_ARCHIVE_BUCKET (or, in the terminal, give --logs).',
        USAGE,
      );
    return { logs, keys: values.keys, range };
  },
  working: (a) => [
    a.logs
      ? 'Checking the log files against their digests…'
      : 'Reading the archive’s digests and log files from S3…',
  ],
  async run(a, deps) {
    if (a.logs) {
      let keys: SigningKeys = {
        unavailable:
          'no CloudTrail public keys at hand (give --keys with the output of `aws cloudtrail list-public-keys`)',
      };
      if (a.keys) {
        try {
          keys = { keys: keysFromJson(await readFile(a.keys, 'utf8')) };
        } catch (err) {
          throw new UsageError(
            `Cannot read the keys file ${a.keys}: ${(err as Error).message.split('\n')[0]}`,
            USAGE,
          );
        }
      }
      return verifyArchive(localArchive(a.logs), keys);
    }
    const c = deps.config;
    const accounts = c.TRAIL_ACCOUNTS ?? (c.TRAIL_ACCOUNT_ID ? [c.TRAIL_ACCOUNT_ID] : []);
    if (!accounts.length)
      throw new UsageError(
        'Set TRAIL_ACCOUNT_ID (or TRAIL_ACCOUNTS) so verify knows whose logs to read.',
        USAGE,
      );
    // A day either side: the first digest's predecessor, and the files the digest ending at midnight lists.
    const wide = {
      start: new Date(a.range.start.getTime() - DAY_MS),
      end: new Date(a.range.end.getTime() + DAY_MS),
    };
    // The S3 reader loads the AWS SDK: only when verify reads S3.
    const { cloudTrailKeys, s3Archive } = await import('../src/trail/verify-s3.js');
    const reader = s3Archive(deps.posture.s3For(), {
      bucket: c.TRAIL_ARCHIVE_BUCKET as string,
      prefix: c.TRAIL_ARCHIVE_PREFIX,
      orgId: c.TRAIL_ORG_ID,
      accounts,
      regions: c.TRAIL_REGIONS,
      days: days(wide.start, wide.end),
    });
    // CloudTrail signs with a key per region: the public keys of every region verified (a region that
    // cannot be read costs only its own digests their check).
    const keys = await cloudTrailKeys(
      c.TRAIL_REGIONS.map((r) => deps.posture.cloudTrailFor(r)),
      wide.start,
      wide.end,
    );
    return verifyArchive(reader, keys, { window: a.range }).catch((err: unknown) => {
      throw awsError(err, {
        service: 'S3',
        action: 's3:GetObject',
        where: `bucket ${c.TRAIL_ARCHIVE_BUCKET}`,
      });
    });
  },
  present: (r) => presentVerify(r),
};
