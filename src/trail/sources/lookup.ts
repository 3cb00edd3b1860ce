import {
  type CloudTrailClient,
  type LookupAttribute,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { subDays } from 'date-fns/subDays';
import { awsError } from '../../aws-errors.js';
import { SourceCannotAnswerError } from '../../errors.js';
import { formatUtc } from '../../time.js';
import { parseRecord, type TrailEvent } from '../event.js';
import { matchesQuery, newestFirst, type TrailQuery } from '../query.js';
import { resourceTail } from '../resources.js';
import type { EventSource, SearchProgress, SearchResult } from './types.js';

/** LookupEvents keeps management events for 90 days. */
export const LOOKUP_RETENTION_DAYS = 90;
/** Where LookupEvents keeps the events of global services (IAM, STS, CloudFront). */
export const GLOBAL_EVENTS_REGION = 'us-east-1';
/** How far past 90 days a range may start and still be read as "the last 90 days". */
export const RETENTION_GRACE_MS = 60 * 60_000;
/** LookupEvents returns at most 50 events a page. */
const PAGE_SIZE = 50;

/** What the lookup source is built from; every outside thing is passed in. */
export interface LookupSourceOptions {
  /**
   * A CloudTrail client for a region, built with the SDK's adaptive retries and the account-region rate
   * limiter on every attempt (`cloudTrailClients` in src/wiring.ts).
   */
  clientFor: (region: string) => CloudTrailClient;
  regions: string[];
  /** The account the credentials belong to, when known: names the scope. */
  accountId?: string | undefined;
  maxPages: number;
  now: () => Date;
}

/** More event names than this are looked up by service, not one name at a time. */
const MAX_NAME_LOOKUPS = 16;

/**
 * The lookups to run for a query, one pagination each: LookupEvents takes one attribute per call, so
 * pick the most selective the query has (an access key, a resource, a user or session name, a few event
 * names, a service); everything else is filtered on the client by `matchesQuery`. A resource given as
 * an ARN is looked up by the ARN and by its bare name, since services index either.
 */
export function lookupAttributesFor(q: TrailQuery): (LookupAttribute | undefined)[] {
  const attr = (AttributeKey: LookupAttribute['AttributeKey'], AttributeValue: string): LookupAttribute => ({
    AttributeKey,
    AttributeValue,
  });
  const p = q.principal;
  if (p?.kind === 'key') return [attr('AccessKeyId', p.accessKeyId)];
  if (q.resource !== undefined) {
    return [...new Set([q.resource, resourceTail(q.resource)])].map((v) => attr('ResourceName', v));
  }
  // Username is the user name for IAM users and, for assumed roles, usually the session name.
  if (p?.kind === 'user') return [attr('Username', p.name)];
  if (p?.kind === 'session') return [attr('Username', p.session)];
  // Event history records the root user's Username as "root".
  if (p?.kind === 'arn') {
    return [attr('Username', p.arn.endsWith(':root') ? 'root' : p.arn.slice(p.arn.lastIndexOf('/') + 1))];
  }
  if (q.eventNames && q.eventNames.length <= MAX_NAME_LOOKUPS)
    return q.eventNames.map((n) => attr('EventName', n));
  if (q.eventSources?.length === 1 && q.eventSources[0]) return [attr('EventSource', q.eventSources[0])];
  return [undefined];
}

/** Data events (object- and item-level calls) that event history never holds. */
const DATA_EVENTS: readonly string[] = [
  'GetObject',
  'PutObject',
  'DeleteObject',
  'DeleteObjects',
  'CopyObject',
  'HeadObject',
  'RestoreObject',
  'Invoke',
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchGetItem',
  'BatchWriteItem',
];

/** Why LookupEvents cannot answer a query, if it cannot. */
export function lookupCannotAnswer(q: TrailQuery): string | undefined {
  if (q.sourceIp !== undefined) {
    return 'LookupEvents cannot search by source IP (it would read every event of the range).';
  }
  if (q.errorCodes) {
    return 'LookupEvents cannot search by error code (it would read every event of the range).';
  }
  const data = q.eventNames?.filter((n) => DATA_EVENTS.includes(n));
  if (data?.length)
    return `LookupEvents has no data events (${data.join(', ')}): those are only in a trail's logs.`;
  return undefined;
}

function mapAwsError(err: unknown, region: string): Error {
  return awsError(err, { service: 'CloudTrail', action: 'cloudtrail:LookupEvents', where: region });
}

/** CloudTrail event history through LookupEvents: management events of the last 90 days. */
export class LookupSource implements EventSource {
  readonly name = 'lookup' as const;
  constructor(private readonly opts: LookupSourceOptions) {}

  describe(): string {
    return `CloudTrail LookupEvents in ${this.opts.regions.join(', ')}`;
  }

  async search(q: TrailQuery, o?: { onProgress?: (p: SearchProgress) => void }): Promise<SearchResult> {
    const now = this.opts.now();
    const oldest = subDays(now, LOOKUP_RETENTION_DAYS);
    // "--since 90d" was resolved a moment before this check: allow that much, and start at the edge.
    if (q.range.start.getTime() < oldest.getTime() - RETENTION_GRACE_MS) {
      throw new SourceCannotAnswerError(
        `LookupEvents keeps only the last ${LOOKUP_RETENTION_DAYS} days of management events, and this question starts ` +
          `${formatUtc(q.range.start)}, before ${formatUtc(oldest)}. Use a --since within 90 days, or search your ` +
          'S3 archive through Athena (--source athena) or a copy of the logs (--source local --logs <dir>).',
      );
    }
    const start = new Date(Math.max(q.range.start.getTime(), oldest.getTime()));
    const cannot = lookupCannotAnswer(q);
    if (cannot) {
      throw new SourceCannotAnswerError(
        `${cannot} Ask Athena over the S3 archive (--source athena, or auto once TRAIL_ARCHIVE_BUCKET is set), or a copy of the logs with --source local --logs <dir>.`,
      );
    }
    const regions = q.regions ?? this.opts.regions;
    if (q.accounts && this.opts.accountId && !q.accounts.includes(this.opts.accountId)) {
      throw new SourceCannotAnswerError(
        `LookupEvents here reads account ${this.opts.accountId} only; --account ${q.accounts.join(',')} is not configured.`,
      );
    }
    let examined = 0;
    const progress = (note: string) => o?.onProgress?.({ examined, note });
    const perRegion = await Promise.allSettled(
      regions.map(async (region) => {
        const client = this.opts.clientFor(region);
        const found = new Map<string, TrailEvent>();
        const warnings: string[] = [];
        let more = false;
        for (const attr of lookupAttributesFor(q)) {
          let token: string | undefined;
          let pages = 0;
          let mine = 0;
          // StartTime and EndTime stay fixed for the whole pagination: a NextToken is valid only with
          // the very same parameters. Pages can be empty while a token remains, so loop on the token.
          do {
            const input = {
              ...(attr ? { LookupAttributes: [attr] } : {}),
              StartTime: start,
              EndTime: q.range.end,
              MaxResults: PAGE_SIZE,
              ...(token ? { NextToken: token } : {}),
            };
            let page: LookupEventsCommandOutput;
            try {
              page = await client.send(new LookupEventsCommand(input));
            } catch (err) {
              throw mapAwsError(err, region);
            }
            pages++;
            for (const raw of page.Events ?? []) {
              examined++;
              if (!raw.CloudTrailEvent) continue;
              const ev = parseRecord(raw.CloudTrailEvent, `LookupEvents[${region}].CloudTrailEvent`);
              if (matchesQuery(ev, q)) {
                found.set(ev.id, ev);
                mine++;
              }
            }
            token = page.NextToken;
            progress(`${region}: page ${pages}`);
            // Pages come newest first: once this lookup has enough matches, its older pages cannot
            // displace them (each lookup attribute counts its own).
            if (mine >= q.limit) {
              more ||= token !== undefined;
              break;
            }
          } while (token && pages < this.opts.maxPages);
          if (token && pages >= this.opts.maxPages && mine < q.limit) {
            warnings.push(
              `${region}: stopped after ${pages} pages (${pages * PAGE_SIZE} events); narrow the range with --since/--until for older events.`,
            );
          }
        }
        if (more) warnings.push(`${region}: more than ${q.limit} events match; the newest were read.`);
        return { events: [...found.values()], warnings };
      }),
    );
    const failures = perRegion.flatMap((r, i) =>
      r.status === 'rejected' ? [{ region: regions[i], err: r.reason }] : [],
    );
    if (failures.length === regions.length && failures[0]) throw failures[0].err;
    const byId = new Map<string, TrailEvent>();
    for (const r of perRegion)
      if (r.status === 'fulfilled') for (const e of r.value.events) byId.set(e.id, e);
    const all = [...byId.values()].sort(newestFirst);
    const warnings = [
      ...perRegion.flatMap((r) => (r.status === 'fulfilled' ? r.value.warnings : [])),
      ...failures.map((f) => `${f.region}: not searched — ${(f.err as Error).message}`),
    ];
    if (!regions.includes(GLOBAL_EVENTS_REGION)) {
      warnings.push(
        `IAM, STS and CloudFront events are recorded in ${GLOBAL_EVENTS_REGION}, which was not searched (add it with --region).`,
      );
    }
    return {
      events: all.slice(0, q.limit),
      matched: all.length,
      examined,
      scope: {
        source: 'lookup',
        regions,
        accounts: [this.opts.accountId ?? 'the credentials’ account'],
        detail: this.describe(),
      },
      warnings,
      request: `LookupEvents in ${regions.join(', ')}: ${lookupAttributesFor(q)
        .map((a) => (a ? `${a.AttributeKey}=${a.AttributeValue}` : 'no attribute'))
        .join(' | ')}; ${start.toISOString()} – ${q.range.end.toISOString()}`,
    };
  }
}
