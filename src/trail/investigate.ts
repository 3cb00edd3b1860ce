import type { TimeRange } from '../time.js';
import { isFailure, type TrailEvent } from './event.js';
import type { TrailQuery } from './query.js';
import type { EventSource, SearchProgress, SearchResult } from './sources/types.js';

/** One row of a summary: a key, how many events, how many failed, and when first and last. */
export interface GroupRow {
  key: string;
  count: number;
  failures: number;
  first: Date;
  last: Date;
}

/** A summary of the events by one key (event name, source IP, principal …), biggest first. */
export interface Group {
  title: string;
  rows: GroupRow[];
}

/** How to group: a title and the key of an event (undefined leaves it out). */
export interface Grouping {
  title: string;
  key: (e: TrailEvent) => string | undefined;
}

/** The answer to an investigation: the events, their summaries and what was searched. */
export interface Investigation {
  /** What was asked, for people: "activity of IAM user alice". */
  subject: string;
  range: TimeRange;
  events: TrailEvent[];
  groups: Group[];
  search: Omit<SearchResult, 'events'>;
}

/** Group events by a key: counts, failures, first and last time; biggest first, then by key. */
export function groupBy(events: readonly TrailEvent[], g: Grouping): Group {
  const rows = new Map<string, GroupRow>();
  for (const e of events) {
    const key = g.key(e);
    if (key === undefined) continue;
    const r = rows.get(key);
    if (!r) {
      rows.set(key, { key, count: 1, failures: isFailure(e) ? 1 : 0, first: e.time, last: e.time });
      continue;
    }
    r.count++;
    if (isFailure(e)) r.failures++;
    if (e.time < r.first) r.first = e.time;
    if (e.time > r.last) r.last = e.time;
  }
  return {
    title: g.title,
    rows: [...rows.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
  };
}

/** Ask a source, then summarise what came back by each grouping. */
export async function investigate(
  subject: string,
  q: TrailQuery,
  source: EventSource,
  groupings: readonly Grouping[],
  onProgress?: (p: SearchProgress) => void,
): Promise<Investigation> {
  const { events, ...search } = await source.search(q, {
    onProgress,
  });
  return { subject, range: q.range, events, groups: groupings.map((g) => groupBy(events, g)), search };
}

/** Common groupings. */
export const BY = {
  eventName: { title: 'By event', key: (e) => e.name },
  sourceIp: { title: 'By source IP', key: (e) => e.sourceIp },
  principal: { title: 'By principal', key: (e) => e.principal.arn ?? e.principal.display },
  userAgent: { title: 'By user agent', key: (e) => e.userAgent },
  region: { title: 'By region', key: (e) => e.region },
  errorCode: { title: 'By error', key: (e) => e.errorCode },
} satisfies Record<string, Grouping>;
