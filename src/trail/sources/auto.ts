import { existsSync } from 'node:fs';
import { subDays } from 'date-fns/subDays';
import { SourceCannotAnswerError } from '../../errors.js';
import { DAY_MS } from '../../time.js';
import { newestFirst, type TrailQuery } from '../query.js';
import { findLogFiles } from './local.js';
import { LOOKUP_RETENTION_DAYS, lookupCannotAnswer, RETENTION_GRACE_MS } from './lookup.js';
import type { Coverage, EventSource, SearchProgress, SearchResult, SourceName } from './types.js';

/** What `auto` can choose from: each source when it is set up. */
export interface AutoChoices {
  /** The local source, when its directory holds files the question can touch. */
  local?: { dir: string; source: () => EventSource } | undefined;
  lookup: () => EventSource;
  /**
   * LookupEvents may fill what the files do not cover: the operator named the account (TRAIL_ACCOUNT_ID),
   * so the bot is meant to ask AWS. Without it a terminal over an evidence folder never reaches out.
   */
  lookupForGaps?: boolean | undefined;
  /** Athena, when an archive is configured. */
  athena?: (() => EventSource) | undefined;
  now: () => Date;
}

/**
 * The cheapest source able to answer: log files on disk (free, already here), then LookupEvents (free,
 * the last 90 days of management events, no IP or error-code searches), then Athena (paid per byte).
 */
export async function chooseSource(
  q: TrailQuery,
  c: AutoChoices,
): Promise<{ name: SourceName; why: string }> {
  // Files on disk answer only if some can hold events of the question (S3-layout days, regions, accounts).
  if (c.local && existsSync(c.local.dir) && (await findLogFiles(c.local.dir, q)).files.length > 0) {
    return { name: 'local', why: 'log files on disk cover it' };
  }
  const oldest = subDays(c.now(), LOOKUP_RETENTION_DAYS);
  const cannot =
    q.range.start.getTime() < oldest.getTime() - RETENTION_GRACE_MS
      ? `the range starts before LookupEvents' ${LOOKUP_RETENTION_DAYS} days`
      : lookupCannotAnswer(q);
  if (!cannot) return { name: 'lookup', why: 'LookupEvents can answer it, free' };
  if (c.athena) return { name: 'athena', why: `${cannot.replace(/\.$/, '')}; Athena can` };
  throw new SourceCannotAnswerError(
    `No configured source can answer this: ${cannot.replace(/\.$/, '')}. Configure Athena over the S3 archive ` +
      '(TRAIL_ARCHIVE_BUCKET, then trail athena-ddl) or point TRAIL_LOGS_DIR at a copy of the logs.',
  );
}

/** `--source auto`: picks per question and says which source answered, and why. */
export class AutoSource implements EventSource {
  readonly name = 'auto' as const;
  constructor(private readonly c: AutoChoices) {}

  describe(): string {
    return 'the cheapest configured source able to answer';
  }

  async search(q: TrailQuery, o?: { onProgress?: (p: SearchProgress) => void }): Promise<SearchResult> {
    const { name, why } = await chooseSource(q, this.c);
    const source =
      name === 'local' ? this.c.local?.source() : name === 'lookup' ? this.c.lookup() : this.c.athena?.();
    if (!source) throw new Error(`auto chose ${name}, which is not set up`);
    const r = await source.search(q, o);
    const chosen = {
      ...r,
      scope: { ...r.scope, detail: `${r.scope.detail} (chosen by --source auto: ${why})` },
    };
    return name === 'local' ? this.#fillGaps(q, chosen, o) : chosen;
  }

  /**
   * The part of the question the files did not cover (days, regions, accounts with no events in them)
   * asked of LookupEvents or Athena when one can answer it, and merged; otherwise said plainly.
   */
  async #fillGaps(
    q: TrailQuery,
    r: SearchResult,
    o?: { onProgress?: (p: SearchProgress) => void },
  ): Promise<SearchResult> {
    const c = r.coverage;
    if (!c || (!c.missingDays.length && !c.missingRegions.length && !c.missingAccounts.length)) return r;
    const gaps = gapQueries(q, c);
    const fallback = await this.#fallbackFor(gaps);
    if (!fallback) {
      return {
        ...r,
        warnings: [
          ...r.warnings,
          'No other source is configured to cover what the files do not (LookupEvents needs TRAIL_ACCOUNT_ID and a recent management question; Athena needs TRAIL_ARCHIVE_BUCKET): the answer covers only the files.',
        ],
      };
    }
    const seen = new Set(r.events.map((e) => e.id));
    let events = [...r.events];
    let matched = r.matched;
    let examined = r.examined;
    const warnings = [...r.warnings];
    for (const g of gaps) {
      // A source that fails (no credentials, refused) costs only the gap: the files' answer stands.
      const more = await fallback.source.search(g, o).catch((err: unknown) => err as Error);
      if (more instanceof Error) {
        return {
          ...r,
          warnings: [
            ...r.warnings,
            `${fallback.label} could not be asked for what the files do not cover (${more.message.replace(/\.$/, '')}): the answer covers only the files.`,
          ],
        };
      }
      for (const e of more.events)
        if (!seen.has(e.id)) {
          seen.add(e.id);
          events.push(e);
        }
      matched += more.matched;
      examined += more.examined;
      warnings.push(...more.warnings);
    }
    events = events.sort(newestFirst).slice(0, q.limit);
    return {
      ...r,
      events,
      matched: Math.max(matched, events.length),
      examined,
      warnings,
      scope: {
        ...r.scope,
        detail: `${r.scope.detail}; what the files did not cover asked of ${fallback.label}`,
      },
      coverage: { ...c, missingDays: [], missingRegions: [], missingAccounts: [] },
    };
  }

  /** LookupEvents when it can answer every gap, else Athena when configured, else nothing. */
  async #fallbackFor(gaps: TrailQuery[]): Promise<{ source: EventSource; label: string } | undefined> {
    const oldest = subDays(this.c.now(), LOOKUP_RETENTION_DAYS).getTime() - RETENTION_GRACE_MS;
    if (
      this.c.lookupForGaps &&
      gaps.every((g) => !lookupCannotAnswer(g) && g.range.start.getTime() >= oldest)
    )
      return { source: this.c.lookup(), label: 'LookupEvents' };
    if (this.c.athena) return { source: this.c.athena(), label: 'Athena' };
    return undefined;
  }
}

/**
 * The questions for what the files did not cover: each run of missing days over the asked regions and
 * accounts, and the missing regions and accounts over the whole range.
 */
export function gapQueries(q: TrailQuery, c: Coverage): TrailQuery[] {
  const out: TrailQuery[] = [];
  for (const run of c.missingDays) {
    const [from, to = from] = run.split(' – ') as [string, string?];
    const start = new Date(Math.max(Date.parse(`${from}T00:00:00Z`), q.range.start.getTime()));
    const end = new Date(Math.min(Date.parse(`${to}T00:00:00Z`) + DAY_MS, q.range.end.getTime()));
    out.push({ ...q, range: { ...q.range, start, end } });
  }
  if (c.missingRegions.length) out.push({ ...q, regions: c.missingRegions });
  if (c.missingAccounts.length) out.push({ ...q, accounts: c.missingAccounts });
  return out;
}
