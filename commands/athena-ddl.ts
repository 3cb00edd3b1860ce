import { ConfigError, UsageError } from '../src/errors.js';
import { athenaDdl, type TableSpec } from '../src/trail/athena/sql.js';
import type { CommandSpec } from './spec.js';

/**
 * Usage: athena-ddl — the CREATE TABLE statement, with partition projection, for the configured archive
 * bucket, prefix, organization, accounts and regions: paste it into the Athena console once.
 */
export const athenaDdlCommand: CommandSpec<Record<string, never>, { ddl: string; spec: TableSpec }> = {
  name: 'athena-ddl',
  usage: 'athena-ddl',
  summary: 'the CREATE TABLE statement (partition projection) for the CloudTrail archive in Athena',
  permission: 'investigate',
  immediate: true,
  parse(words) {
    if (words.length)
      throw new UsageError('athena-ddl takes no words: it reads the configuration.', 'athena-ddl');
    return {};
  },
  async run(_a, deps) {
    const c = deps.config;
    const accounts = c.TRAIL_ACCOUNTS ?? (c.TRAIL_ACCOUNT_ID ? [c.TRAIL_ACCOUNT_ID] : []);
    const problems = [
      ...(c.TRAIL_ARCHIVE_BUCKET ? [] : ['TRAIL_ARCHIVE_BUCKET: the bucket the trail delivers to']),
      ...(accounts.length ? [] : ['TRAIL_ACCOUNTS (or TRAIL_ACCOUNT_ID): the accounts whose logs are in it']),
    ];
    if (problems.length || !c.TRAIL_ARCHIVE_BUCKET)
      throw new ConfigError(problems.map((p) => `${p} is needed for athena-ddl`));
    const spec: TableSpec = {
      database: c.TRAIL_ATHENA_DATABASE,
      table: c.TRAIL_ATHENA_TABLE,
      bucket: c.TRAIL_ARCHIVE_BUCKET,
      prefix: c.TRAIL_ARCHIVE_PREFIX,
      orgId: c.TRAIL_ORG_ID,
      accounts,
      regions: c.TRAIL_REGIONS,
      since: c.TRAIL_ARCHIVE_SINCE,
    };
    return { ddl: athenaDdl(spec), spec };
  },
  present: (r) => ({
    summary: ['CREATE TABLE for the CloudTrail archive'],
    blocks: [
      { type: 'header', text: 'Athena table for the CloudTrail archive' },
      {
        type: 'text',
        parts: [
          `Run this once in Athena (database ${r.spec.database}). Partition projection finds new days, regions and accounts without a crawler; `,
          'every Trailbot query names the partitions it needs.',
        ],
      },
      { type: 'code', text: r.ddl },
    ],
  }),
};
