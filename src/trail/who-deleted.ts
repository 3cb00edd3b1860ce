import type { TimeRange } from '../time.js';
import { DELETION_EVENT_NAMES, deletionKind } from './deletions.js';
import { baseEventName, isFailure, type TrailEvent } from './event.js';
import type { TrailQuery } from './query.js';
import { resourceCandidates, sameResource } from './resources.js';
import type { EventSource, SearchProgress, SearchResult } from './sources/types.js';

/** The question: who deleted the resource named `target` (a name or an ARN) in this range? */
export interface WhoDeletedQuestion {
  target: string;
  range: TimeRange;
  regions?: string[] | undefined;
  accounts?: string[] | undefined;
  limit: number;
}

/** One deletion call, with what it deleted. */
export interface Deletion {
  event: TrailEvent;
  /** "S3 bucket", "IAM user" … */
  kind: string;
  /** The name or ARN as the event recorded it. */
  resource: string;
}

/** The answer: successful deletions and failed attempts apart, newest first, and what was searched. */
export interface WhoDeletedAnswer {
  question: WhoDeletedQuestion;
  deleted: Deletion[];
  attempts: Deletion[];
  search: Omit<SearchResult, 'events'>;
}

/** The structured query `who-deleted` asks every source. */
export function whoDeletedQuery(q: WhoDeletedQuestion): TrailQuery {
  return {
    range: q.range,
    regions: q.regions,
    accounts: q.accounts,
    eventNames: DELETION_EVENT_NAMES,
    resource: q.target,
    limit: q.limit,
  };
}

/** Find the deletions of a resource: S3 buckets, IAM entities, trails, instances and the rest in DELETIONS. */
export async function whoDeleted(
  q: WhoDeletedQuestion,
  source: EventSource,
  onProgress?: (p: SearchProgress) => void,
): Promise<WhoDeletedAnswer> {
  const { events, ...search } = await source.search(whoDeletedQuery(q), {
    onProgress,
  });
  const found: Deletion[] = [];
  for (const event of events) {
    const kind = deletionKind(event.source, baseEventName(event.name));
    if (!kind) continue;
    const resource = resourceCandidates(event).find((c) => sameResource(q.target, c, event));
    if (resource !== undefined) found.push({ event, kind: kind.kind, resource });
  }
  return {
    question: q,
    deleted: found.filter((d) => !isFailure(d.event)),
    attempts: found.filter((d) => isFailure(d.event)),
    search,
  };
}
