import { deletionKind } from './deletions.js';
import { baseEventName, type TrailEvent } from './event.js';

/** The keys that usually name the resource of a call, for events without a specific entry. */
const GENERIC_KEYS = [
  'bucketName',
  'userName',
  'roleName',
  'groupName',
  'policyArn',
  'functionName',
  'name',
  'tableName',
  'keyId',
  'secretId',
  'topicArn',
  'queueUrl',
  'logGroupName',
  'instanceId',
  'dBInstanceIdentifier',
  'instancesSet.items.instanceId',
];

/** Values at a dotted path, walking arrays: "instancesSet.items.instanceId". */
export function valuesAt(obj: unknown, path: string): string[] {
  let cur: unknown[] = [obj];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      const v =
        c !== null && typeof c === 'object' && !Array.isArray(c)
          ? (c as Record<string, unknown>)[key]
          : undefined;
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined && v !== null) next.push(v);
    }
    cur = next;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is string => typeof v === 'string');
}

/** The names and ARNs of the resources an event acted on: its resources[] and the naming parameters. */
export function resourceCandidates(e: TrailEvent): string[] {
  const kind = deletionKind(e.source, baseEventName(e.name));
  const keys = kind?.keys ?? GENERIC_KEYS;
  const out = new Set<string>();
  for (const k of keys) for (const v of valuesAt(e.requestParameters, k)) out.add(v);
  // resources[] lists related resources too (the user of a deleted key): use it only when the
  // parameters do not name the resource.
  if (out.size === 0) for (const r of e.resources) if (r.arn) out.add(r.arn);
  return [...out];
}

/** The last segment of an ARN or URL ("arn:aws:iam::1:user/alice" → "alice"); a plain name unchanged. */
export function resourceTail(value: string): string {
  if (value.startsWith('arn:')) {
    const rest = value.split(':').slice(5).join(':');
    const cut = Math.max(rest.lastIndexOf('/'), rest.lastIndexOf(':'));
    return cut >= 0 ? rest.slice(cut + 1) : rest;
  }
  if (/^https?:\/\//.test(value)) return value.slice(value.lastIndexOf('/') + 1);
  return value;
}

/** The service an ARN belongs to ("arn:aws:s3:::b" → "s3"), if it is one. */
export function arnService(value: string): string | undefined {
  return value.startsWith('arn:') ? value.split(':')[2] : undefined;
}

/**
 * Does `candidate` (from an event) name the resource the user asked about? Exact, never a substring:
 * "bucket-x" must not match "bucket-x-logs". An ARN asked about matches that ARN, or a bare name in an
 * event of the same service.
 */
export function sameResource(term: string, candidate: string, eventSource: string): boolean {
  if (term === candidate) return true;
  const termIsArn = term.startsWith('arn:');
  const candIsArn = candidate.startsWith('arn:');
  if (termIsArn && candIsArn) return false;
  if (termIsArn) {
    return resourceTail(term) === candidate && `${arnService(term)}.amazonaws.com` === eventSource;
  }
  return resourceTail(candidate) === term;
}

/** True when the event acted on the resource named by `term` (a name or an ARN). */
export function touchesResource(e: TrailEvent, term: string): boolean {
  return resourceCandidates(e).some((c) => sameResource(term, c, e.source));
}
