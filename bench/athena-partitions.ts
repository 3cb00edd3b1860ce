// Benchmark: how many partitions a generated Athena query allows. A table spanning 2 years × 4 regions
// × 1 account (partition projection on account, region, day); a 7-day question over 1 and over all 4
// regions, for each investigation. The partition predicates are read back from the generated SQL and its
// ExecutionParameters and applied to every partition of the table, beside the unpruned count.
// Usage: npx tsx bench/athena-partitions.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InvestigationArgs, questionOf } from '../commands/investigation.js';
import { COMMANDS } from '../commands/registry.js';
import { loadConfig } from '../src/config.js';
import { type AthenaTable, buildAthenaSql } from '../src/trail/athena/sql.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
const ACCOUNT = '111122223333';
const TABLE: AthenaTable = {
  database: 'security',
  table: 'cloudtrail_logs',
  partitions: { region: true, account: true },
};

// Every partition of the table: 2 years of days × 4 regions × 1 account.
const days: string[] = [];
for (let t = Date.parse('2024-11-26T00:00:00Z'); t <= NOW.getTime(); t += 86_400_000) {
  days.push(new Date(t).toISOString().slice(0, 10).replace(/-/g, '/'));
}
const partitions = days.flatMap((day) => REGIONS.map((region) => ({ account: ACCOUNT, region, day })));

/** Apply the SQL's partition predicates (BETWEEN on the day, IN on region and account) to the partitions. */
function allowed(sql: string, parameters: string[]): number {
  const unquote = (p: string) => p.slice(1, -1).replace(/''/g, "'");
  // Placeholders are numbered in order of appearance; find which ones each predicate uses.
  const markers = [...sql.matchAll(/\?/g)].map((m) => m.index as number);
  const paramsIn = (start: number, end: number) =>
    markers.flatMap((at, i) => (at >= start && at < end ? [unquote(parameters[i] as string)] : []));
  const between = /"timestamp" BETWEEN \? AND \?/.exec(sql);
  const [lo, hi] = between
    ? paramsIn(between.index, between.index + between[0].length)
    : ['0000/00/00', '9999/99/99'];
  const inList = (col: string) => {
    const m = new RegExp(`\\b${col} IN \\(([?, ]+)\\)`).exec(sql);
    return m ? paramsIn(m.index, m.index + m[0].length) : undefined;
  };
  const regions = inList('region');
  const accounts = inList('account');
  return partitions.filter(
    (p) =>
      p.day >= (lo as string) &&
      p.day <= (hi as string) &&
      (!regions || regions.includes(p.region)) &&
      (!accounts || accounts.includes(p.account)),
  ).length;
}

const config = loadConfig({});
const rows: { subcommand: string; regions: number; allowedPartitions: number; limit: number }[] = [];
const examples: Record<string, string[]> = {
  activity: ['alice'],
  key: ['AKIAIOSFODNN7EXAMPLE'],
  ip: ['203.0.113.9'],
  event: ['PutBucketPolicy'],
};
for (const spec of COMMANDS) {
  if (['help', 'sources', 'athena-ddl', 'who-deleted'].includes(spec.name)) continue;
  for (const regionWords of [
    ['--region', 'eu-west-1'],
    ['--region', REGIONS.join(',')],
  ]) {
    const words = [...(examples[spec.name] ?? []), '--since', '7d', ...regionWords, '--account', ACCOUNT];
    const q = questionOf(spec.parse(words, 'terminal', NOW, config) as InvestigationArgs, 100);
    const { sql, parameters } = buildAthenaSql(q, TABLE);
    const n = regionWords[1]?.split(',').length ?? 0;
    rows.push({
      subcommand: spec.name,
      regions: n,
      allowedPartitions: allowed(sql, parameters),
      limit: 9 * n,
    });
  }
}
const result = {
  method:
    'partition predicates read back from each generated query (SQL text and ExecutionParameters) and applied to ' +
    'every partition of a projected table spanning 2 years × 4 regions × 1 account; a 7-day question',
  tablePartitions: partitions.length,
  rows,
  allWithinNineDaysPerRegion: rows.every((r) => r.allowedPartitions <= r.limit),
};
mkdirSync(join('bench', 'out'), { recursive: true });
writeFileSync(join('bench', 'out', 'athena-partitions.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
