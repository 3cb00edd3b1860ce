import type { TimeRange } from '../time.js';
import { baseEventName, type TrailEvent } from './event.js';
import { touchesResource } from './resources.js';

/** A question about CloudTrail, independent of the source that answers it. */
export interface TrailQuery {
  range: TimeRange;
  /** Regions to search; undefined means every region the source covers. */
  regions?: string[] | undefined;
  /** Accounts to search; undefined means every account the source covers. */
  accounts?: string[] | undefined;
  /** Base event names (versions like DeleteFunction20150331 match DeleteFunction). */
  eventNames?: readonly string[] | undefined;
  /** A resource name or ARN the event must act on. */
  resource?: string | undefined;
  /** At most this many events come back, newest first. */
  limit: number;
}

/**
 * The one definition of "this event answers this query". Sources may narrow their reads however they
 * can (a lookup attribute, a SQL pre-filter), and then apply this to what they read.
 */
export function matchesQuery(e: TrailEvent, q: TrailQuery): boolean {
  const t = e.time.getTime();
  if (t < q.range.start.getTime() || t >= q.range.end.getTime()) return false;
  if (q.regions && !q.regions.includes(e.region)) return false;
  if (q.accounts && !q.accounts.includes(e.account)) return false;
  if (q.eventNames && !q.eventNames.includes(baseEventName(e.name))) return false;
  if (q.resource !== undefined && !touchesResource(e, q.resource)) return false;
  return true;
}

/** Newest first, then by id so equal times keep a stable order. */
export function newestFirst(a: TrailEvent, b: TrailEvent): number {
  return b.time.getTime() - a.time.getTime() || a.id.localeCompare(b.id);
}
