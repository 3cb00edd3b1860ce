import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InvestigationArgs, questionOf } from '../../../commands/investigation.js';
import { COMMANDS } from '../../../commands/registry.js';
import { whoDeletedCommand } from '../../../commands/who-deleted.js';
import { loadConfig } from '../../../src/config.js';
import { UsageError } from '../../../src/errors.js';
import { type AthenaTable, athenaDdl, buildAthenaSql, sqlLiteral } from '../../../src/trail/athena/sql.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { whoDeletedQuery } from '../../../src/trail/who-deleted.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const config = loadConfig({});
const TABLE: AthenaTable = {
  database: 'security',
  table: 'cloudtrail_logs',
  partitions: { region: true, account: true },
};
const COMMON = ['--since', '7d', '--region', 'us-east-1,eu-west-1', '--account', '111122223333'];

/** The question a subcommand asks for these words, through its own parser. */
function question(words: string[]): TrailQuery {
  const [name, ...rest] = words;
  if (name === 'who-deleted') {
    const a = whoDeletedCommand.parse(rest, 'terminal', NOW, config);
    return whoDeletedQuery({
      target: a.target,
      range: a.range,
      regions: a.flags.regions,
      accounts: a.flags.accounts,
      limit: 100,
    });
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new Error(`no ${name}`);
  return questionOf(spec.parse(rest, 'terminal', NOW, config) as InvestigationArgs, 100);
}

describe('the generated Athena SQL of every subcommand', () => {
  it.each([
    ['who-deleted', 'bucket-x'],
    ['activity', 'arn:aws:iam::111122223333:role/Admin'],
    ['key', 'AKIAIOSFODNN7EXAMPLE'],
    ['ip', '203.0.113.9'],
    ['logins', '--failed'],
    ['denied'],
    ['root'],
    ['iam-changes'],
    ['tampering'],
    ['event', 'PutBucketPolicy', '--resource', 'bucket-x'],
    ['ip', '203.0.113.0/24'],
    ['ip', 'AWS Internal'],
  ])('%s', (...words) => {
    const { sql, parameters } = buildAthenaSql(question([...words, ...COMMON]), TABLE);
    // Partition predicates on every query: 7 days widened by one on each side, regions, account.
    expect(sql).toContain('"timestamp" BETWEEN ? AND ?');
    expect(parameters.slice(0, 2)).toEqual(["'2026/11/17'", "'2026/11/26'"]);
    expect(sql).toContain('region IN (?, ?)');
    expect(sql).toContain('account IN (?)');
    expect({ sql, parameters }).toMatchSnapshot();
  });

  it('falls back to record columns on a table without region and account partitions', () => {
    const { sql } = buildAthenaSql(question(['denied', ...COMMON]), {
      ...TABLE,
      partitions: { region: false, account: false },
    });
    expect(sql).toContain('awsregion IN (?, ?)');
    expect(sql).toContain('recipientaccountid IN (?)');
  });
});

describe('values never enter the SQL text', () => {
  const hostile = fc.oneof(
    fc.constantFrom(
      "' OR 1=1 --",
      "x'); DROP TABLE t; --",
      '\\',
      "\\'",
      '"',
      '%',
      '_',
      '😀',
      ['$', '{x}'].join(''),
      '?',
      "''",
    ),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
  );

  it('gives the same SQL text whatever the values in any field; they are bound, quoted once, or refused', () => {
    const base = question(['event', 'PutBucketPolicy', '--resource', 'x', ...COMMON]);
    const withValue = (v: string): TrailQuery => ({
      ...base,
      resource: v,
      eventNames: [v],
      eventSources: [v],
      identityTypes: [v],
      principal: { kind: 'user', name: v },
      sourceIp: { kind: 'exact', value: v },
      regions: [v],
      accounts: [v],
    });
    const shape = buildAthenaSql(withValue('x'), TABLE).sql;
    fc.assert(
      fc.property(hostile, (value) => {
        let built: ReturnType<typeof buildAthenaSql>;
        try {
          built = buildAthenaSql(withValue(value), TABLE);
        } catch (err) {
          // Control characters and over-long values are refused with a clear message.
          expect(err).toBeInstanceOf(UsageError);
          return;
        }
        expect(built.sql).toBe(shape);
        for (const p of built.parameters) expect(p).toMatch(/^'(?:[^']|'')*'$/s);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses very long and control-character values clearly', () => {
    expect(() => sqlLiteral('x'.repeat(5000))).toThrow(/too long/);
    expect(() => sqlLiteral('a\u0000b')).toThrow(/control characters/);
    expect(sqlLiteral("it's")).toBe("'it''s'");
  });
});

describe('athenaDdl', () => {
  it('writes a projected table for an organization trail', () => {
    const ddl = athenaDdl({
      database: 'security',
      table: 'cloudtrail_logs',
      bucket: 'acme-trail',
      prefix: 'org',
      orgId: 'o-abcdef123456',
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1', 'eu-west-1'],
      since: '2024/01/01',
    });
    expect(ddl).toContain("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'");
    expect(ddl).toContain("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'");
    expect(ddl).toContain("LOCATION 's3://acme-trail/org/AWSLogs/o-abcdef123456/'");
    expect(ddl).toContain("'projection.account.values' = '111122223333,444455556666'");
    expect(ddl).toContain("'projection.timestamp.range' = '2024/01/01,NOW'");
    const placeholders = ['account', 'region', 'timestamp'].map((p) => `$${'{'}${p}}`);
    expect(ddl).toContain(
      `'storage.location.template' = 's3://acme-trail/org/AWSLogs/o-abcdef123456/${placeholders[0]}/CloudTrail/${placeholders[1]}/${placeholders[2]}'`,
    );
  });

  it('writes the single-account layout', () => {
    const ddl = athenaDdl({
      database: 'd',
      table: 't',
      bucket: 'b-1',
      prefix: '',
      accounts: ['111122223333'],
      regions: ['us-east-1'],
      since: '2020/01/01',
    });
    expect(ddl).toContain("LOCATION 's3://b-1/AWSLogs/'");
  });
});
