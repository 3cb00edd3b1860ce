import { existsSync } from 'node:fs';
import { subDays } from 'date-fns/subDays';
import { SourceCannotAnswerError } from '../../errors.js';
import type { TrailQuery } from '../query.js';
import { findLogFiles } from './local.js';
import { LOOKUP_RETENTION_DAYS, lookupCannotAnswer, RETENTION_GRACE_MS } from './lookup.js';
import type { EventSource, SearchProgress, SearchResult, SourceName } from './types.js';

/** What `auto` can choose from: each source when it is set up. */
export interface AutoChoices {
  /** The local source, when its directory holds files the question can touch. */
  local?: { dir: string; source: () => EventSource } | undefined;
  lookup: () => EventSource;
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
    return { ...r, scope: { ...r.scope, detail: `${r.scope.detail} (chosen by --source auto: ${why})` } };
  }
}
