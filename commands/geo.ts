import { UsageError } from '../src/errors.js';
import { type GeoReport, placesReport } from '../src/geo/report.js';
import { presentGeo } from '../src/present/geo.js';
import { durationMs, resolveRange, type TimeRange } from '../src/time.js';
import { describePrincipal, type PrincipalFilter, parsePrincipal } from '../src/trail/principal.js';
import {
  flagsPermission,
  parseWords,
  QUERY_OPTIONS,
  QUERY_USAGE,
  type QueryFlags,
  queryFlags,
} from './options.js';
import type { CommandSpec } from './spec.js';

interface GeoArgs {
  subject: string;
  principal?: PrincipalFilter | undefined;
  range: TimeRange;
  baseline: TimeRange;
  flags: QueryFlags;
}

const USAGE = `geo [principal] [--baseline 30d] ${QUERY_USAGE.replace('--since 7d', '--since 30d')}`;

/** Usage: geo [principal] [--baseline 30d] [common flags; --since defaults to 30d] */
export const geoCommand: CommandSpec<GeoArgs, GeoReport> = {
  name: 'geo',
  usage: USAGE,
  summary:
    'where principals acted from: countries and networks (ASN) with first and last seen, events and failures; new ones (not in the baseline read before the range) marked',
  permission: 'investigate',
  permissionFor: (a, config) => flagsPermission(a.flags, config.TRAIL_ATHENA_COST_CAP_MB),
  source: (a) => a.flags,
  parse(words, front, now, config) {
    const { values, positionals } = parseWords(
      words,
      { ...QUERY_OPTIONS, baseline: { type: 'string' } },
      USAGE,
    );
    if (positionals.length > 1)
      throw new UsageError('One principal at a time: quote a value with spaces.', USAGE);
    if (!config.TRAIL_GEOIP) throw new UsageError('Places are off here (TRAIL_GEOIP=off).', USAGE);
    const flags = queryFlags(values, front, USAGE);
    const range = resolveRange(flags, now, '30d');
    const word = (values as { baseline?: string }).baseline;
    const baselineMs = word === undefined ? config.TRAIL_GEO_BASELINE_DAYS * 86_400_000 : durationMs(word);
    if (baselineMs === undefined || baselineMs <= 0)
      throw new UsageError(`--baseline "${word}" is not a duration such as 30d or 12h.`, USAGE);
    const principal = positionals[0] === undefined ? undefined : parsePrincipal(positionals[0]);
    return {
      subject: principal ? `places of ${describePrincipal(principal)}` : 'places of every principal',
      principal,
      range,
      baseline: { start: new Date(range.start.getTime() - baselineMs), end: range.start, defaulted: false },
      flags,
    };
  },
  working: (a) => ['Looking up ', { lit: a.subject }, '…'],
  async run(a, deps, ctx) {
    const { events, ...search } = await deps.sources.get(a.flags).search(
      {
        principal: a.principal,
        range: { ...a.range, start: a.baseline.start },
        regions: a.flags.regions,
        accounts: a.flags.accounts,
        limit: deps.config.TRAIL_MAX_RESULTS,
      },
      { onProgress: ctx.progress },
    );
    if (search.matched > events.length)
      search.warnings = [
        ...search.warnings,
        `only the newest ${events.length} of ${search.matched} events were placed (TRAIL_MAX_RESULTS): the oldest part of the baseline may be missing, so some places marked new may not be`,
      ];
    return placesReport(a.subject, events, a.range, a.baseline, search);
  },
  present: (r, deps) => presentGeo(r, deps.now()),
};
