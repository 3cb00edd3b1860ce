import type { TimeRange } from '../time.js';
import { baseEventName, type TrailEvent } from './event.js';
import { matchesPrincipal, type PrincipalFilter } from './principal.js';
import { touchesResource } from './resources.js';
import { type SourceIpFilter, sourceIpMatches } from './source-ip.js';

/** A question about CloudTrail, independent of the source that answers it. */
export interface TrailQuery {
  range: TimeRange;
  /** Regions to search; undefined means every region the source covers. */
  regions?: string[] | undefined;
  /** Accounts to search; undefined means every account the source covers. */
  accounts?: string[] | undefined;
  /** Base event names (versions like DeleteFunction20150331 match DeleteFunction). */
  eventNames?: readonly string[] | undefined;
  /** Services (eventSource), e.g. iam.amazonaws.com. */
  eventSources?: readonly string[] | undefined;
  /** A resource name or ARN the event must act on. */
  resource?: string | undefined;
  /** Who acted. */
  principal?: PrincipalFilter | undefined;
  /** userIdentity.type, e.g. Root. */
  identityTypes?: readonly string[] | undefined;
  /** The caller's address (sourceIPAddress): a value as recorded, or a range of addresses. */
  sourceIp?: SourceIpFilter | undefined;
  /** Error codes, each matching itself and longer codes it begins (AccessDenied → AccessDeniedException). */
  errorCodes?: readonly string[] | undefined;
  /** A last condition no source can push down (ConsoleLogin's MFAUsed); applied after reading. */
  where?: ((e: TrailEvent) => boolean) | undefined;
  /** At most this many events come back, newest first. */
  limit: number;
}

/** Does an error code match one of the codes asked for (a code or one it begins)? */
export function matchesErrorCode(code: string | undefined, codes: readonly string[]): boolean {
  if (code === undefined) return false;
  const bare = code.replace(/^Client\./, '');
  return codes.some((c) => bare.startsWith(c));
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
  if (q.eventSources && !q.eventSources.includes(e.source)) return false;
  if (q.identityTypes && !q.identityTypes.includes(e.principal.type)) return false;
  if (q.sourceIp !== undefined && !sourceIpMatches(e.sourceIp, q.sourceIp)) return false;
  if (q.errorCodes && !matchesErrorCode(e.errorCode, q.errorCodes)) return false;
  if (q.principal && !matchesPrincipal(e, q.principal)) return false;
  if (q.resource !== undefined && !touchesResource(e, q.resource)) return false;
  if (q.where && !q.where(e)) return false;
  return true;
}

/** Newest first, then by id so equal times keep a stable order. */
export function newestFirst(a: TrailEvent, b: TrailEvent): number {
  return b.time.getTime() - a.time.getTime() || a.id.localeCompare(b.id);
}
