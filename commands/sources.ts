import { existsSync } from 'node:fs';
import type { CommandDeps } from '../src/deps.js';
import { UsageError } from '../src/errors.js';
import type { Doc, DocBlock } from '../src/present/doc.js';
import { findLogFiles } from '../src/trail/sources/local.js';
import type { CommandSpec } from './spec.js';

/** One source as `sources` reports it. */
export interface SourceReport {
  name: string;
  configured: boolean;
  reachable: string;
  coverage: string;
  limits: string;
}

/** The distinct values, listed. */
const distinct = (xs: (string | undefined)[]) =>
  [...new Set(xs.filter(Boolean))].sort().join(', ') || 'unknown';

/** How long the LookupEvents probe may take before it counts as unreachable. */
const PROBE_MS = 8000;

async function probeLookup(deps: CommandDeps): Promise<string> {
  const now = deps.now();
  const probe = deps.sources
    .get({ source: 'lookup' })
    .search({ range: { start: new Date(now.getTime() - 15 * 60_000), end: now, defaulted: false }, limit: 1 })
    .then(() => 'yes')
    .catch((err: Error) => `no: ${err.message}`);
  const timeout = new Promise<string>((r) =>
    setTimeout(() => r(`no answer within ${PROBE_MS / 1000} s`), PROBE_MS).unref(),
  );
  return Promise.race([probe, timeout]);
}

async function reports(deps: CommandDeps): Promise<SourceReport[]> {
  const c = deps.config;
  const dir = c.TRAIL_LOGS_DIR;
  let local: SourceReport;
  if (existsSync(dir)) {
    const { files } = await findLogFiles(dir);
    const days = files
      .map((f) => f.day)
      .filter((d): d is string => !!d)
      .sort();
    local = {
      name: 'local',
      configured: true,
      reachable: `yes: ${files.length} log files in ${dir}`,
      coverage: days.length
        ? `delivery days ${days[0]} to ${days.at(-1)}; regions ${distinct(files.map((f) => f.region))}; ` +
          `accounts ${distinct(files.map((f) => f.account))}`
        : 'whatever the files hold (not in the S3 layout)',
      limits: `reads every file a question can touch; DuckDB memory limit ${c.TRAIL_LOCAL_MEMORY_LIMIT}`,
    };
  } else {
    local = {
      name: 'local',
      configured: false,
      reachable: `no: ${dir} does not exist`,
      coverage: '—',
      limits: '—',
    };
  }
  const lookup: SourceReport = {
    name: 'lookup',
    configured: true,
    reachable: await probeLookup(deps),
    coverage: `management events of the last 90 days in ${c.TRAIL_REGIONS.join(', ')}; accounts ${distinct([
      c.TRAIL_ACCOUNT_ID,
      ...(c.TRAIL_ACCOUNTS ?? []),
    ]).replace(/^unknown$/, 'the credentials’ own')}`,
    limits:
      '2 requests/s per account and region, 50 events a page, no IP or error-code searches, no data events',
  };
  const athena: SourceReport = c.TRAIL_ARCHIVE_BUCKET
    ? {
        name: 'athena',
        configured: true,
        reachable: 'not checked: a query costs money',
        coverage: `s3://${c.TRAIL_ARCHIVE_BUCKET} since ${c.TRAIL_ARCHIVE_SINCE}, table ${c.TRAIL_ATHENA_DATABASE}.${c.TRAIL_ATHENA_TABLE}`,
        limits: `stops above ${c.TRAIL_ATHENA_COST_CAP_MB} MB scanned; $5 per TB, 10 MB minimum per query`,
      }
    : {
        name: 'athena',
        configured: false,
        reachable: 'no: TRAIL_ARCHIVE_BUCKET is not set',
        coverage: '—',
        limits: '—',
      };
  return [local, lookup, athena];
}

/** Usage: sources — which sources are configured and reachable, their coverage and limits. */
export const sourcesCommand: CommandSpec<Record<string, never>, { sources: SourceReport[]; auto: string }> = {
  name: 'sources',
  usage: 'sources',
  summary: 'which sources are configured and reachable, their coverage and limits, and what auto picks',
  permission: 'investigate',
  parse(words) {
    if (words.length) throw new UsageError('sources takes no words.', 'sources');
    return {};
  },
  working: () => ['Checking the sources…'],
  async run(_a, deps) {
    const sources = await reports(deps);
    const now = deps.now();
    let auto: string;
    try {
      const week = {
        range: { start: new Date(now.getTime() - 7 * 86_400_000), end: now, defaulted: true },
        limit: 1,
      };
      const { chooseSource } = await import('../src/trail/sources/auto.js');
      const choice = await chooseSource(week, {
        local: { dir: deps.config.TRAIL_LOGS_DIR, source: () => deps.sources.get({ source: 'local' }) },
        lookup: () => deps.sources.get({ source: 'lookup' }),
        athena: deps.config.TRAIL_ARCHIVE_BUCKET ? () => deps.sources.get({ source: 'athena' }) : undefined,
        now: deps.now,
      });
      auto = `${choice.name} (${choice.why})`;
    } catch (err) {
      auto = (err as Error).message;
    }
    return { sources, auto: `For a question about the last 7 days, --source auto picks ${auto}.` };
  },
  present(r): Doc {
    const blocks: DocBlock[] = [{ type: 'header', text: 'CloudTrail sources' }];
    for (const s of r.sources) {
      blocks.push({
        type: 'fields',
        fields: [
          {
            label: 'Source',
            value: [{ bold: s.name }, s.configured ? ' (configured)' : ' (not configured)'],
          },
          { label: 'Reachable', value: [{ lit: s.reachable }] },
          { label: 'Coverage', value: [{ lit: s.coverage }] },
          { label: 'Limits', value: [s.limits] },
        ],
      });
    }
    blocks.push({ type: 'context', parts: [{ lit: r.auto }] });
    return { summary: ['CloudTrail sources'], blocks };
  },
};
