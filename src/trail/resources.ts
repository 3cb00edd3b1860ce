import { deletionKind } from './deletions.js';
import { baseEventName, type TrailEvent } from './event.js';

/** Strings collected from one event's parameters at most: a guard against a pathological record. */
const MAX_STRINGS = 5_000;

/** Every string value in `obj`, at any depth (objects and arrays walked). */
export function allStrings(obj: unknown, out: Set<string> = new Set()): Set<string> {
  const walk = (v: unknown) => {
    if (out.size >= MAX_STRINGS) return;
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(obj);
  return out;
}

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

/**
 * The names and ARNs of the resources an event acted on. A deletion `who-deleted` knows: the parameter
 * that names what was deleted (resources[] only when it does not, since it lists related resources too,
 * like the user of a deleted key). Any other event: wherever CloudTrail put them — every string value in
 * requestParameters and responseElements, at any depth, and every resources[].ARN (snapshots, images,
 * security groups, and the many parameters no fixed list names).
 */
export function resourceCandidates(e: TrailEvent): string[] {
  const kind = deletionKind(e.source, baseEventName(e.name));
  if (kind) {
    const out = new Set<string>();
    for (const k of kind.keys) for (const v of valuesAt(e.requestParameters, k)) out.add(v);
    if (out.size === 0) for (const r of e.resources) if (r.arn) out.add(r.arn);
    return [...out];
  }
  const out = allStrings(e.responseElements, allStrings(e.requestParameters));
  for (const r of e.resources) if (r.arn) out.add(r.arn);
  return [...out];
}

/** The parts of an ARN: arn:partition:service:region:account:resource. */
export interface Arn {
  service: string;
  region: string;
  account: string;
  /** "role" in role/x, "log-group" in log-group:/x:*; absent for S3 buckets, SNS topics, SQS queues. */
  type?: string | undefined;
  /** The resource after its type: "path/name", "/aws/x" (a trailing ":*" dropped). */
  id: string;
}

/** Read an ARN, or undefined when `value` is not one. */
export function parseArn(value: string): Arn | undefined {
  const p = value.split(':');
  if (p[0] !== 'arn' || p.length < 6 || !p[2]) return undefined;
  const resource = p.slice(5).join(':').replace(/:\*$/, '');
  const m = /^([a-z][a-z0-9-]*)[/:](.+)$/i.exec(resource);
  const untyped = p[2] === 's3' || p[2] === 'sns' || p[2] === 'sqs';
  return {
    service: p[2],
    region: p[3] ?? '',
    account: p[4] ?? '',
    ...(m && !untyped ? { type: m[1], id: m[2] as string } : { id: resource }),
  };
}

/** The names an ARN's resource may be recorded under: the id, its last path segment, an SSM path. */
function namesOf(a: Arn): string[] {
  const last = a.id.slice(a.id.lastIndexOf('/') + 1);
  return [a.id, last, `/${a.id}`];
}

/** A bare name as recorded: a queue URL's last segment, anything else unchanged. */
function bareName(value: string): string {
  return /^https?:\/\//.test(value) ? value.slice(value.lastIndexOf('/') + 1) : value;
}

/**
 * The shortest form of a name or ARN that every recorded form contains ("arn:aws:iam::1:user/ops/alice"
 * → "alice"), for pre-filters that search text and lookup attributes that take a bare name.
 */
export function resourceTail(value: string): string {
  const a = parseArn(value);
  if (a) return a.id.slice(a.id.lastIndexOf('/') + 1);
  return bareName(value);
}

/**
 * Does `candidate` (from event `e`) name the resource the user asked about? Exact, never a substring:
 * "bucket-x" must not match "bucket-x-logs". An ARN asked about matches that ARN, or a bare name in an
 * event of the same service, account and region, deleting a resource of the ARN's type.
 */
export function sameResource(term: string, candidate: string, e: TrailEvent): boolean {
  if (term === candidate) return true;
  const t = parseArn(term);
  const c = parseArn(candidate);
  if (t && c) return false;
  if (c) return namesOf(c).includes(term);
  if (!t) return bareName(candidate) === term;
  if (`${t.service}.amazonaws.com` !== e.source) return false;
  if (t.account && e.account !== 'unknown' && t.account !== e.account) return false;
  if (t.region && t.region !== e.region) return false;
  const kind = deletionKind(e.source, baseEventName(e.name));
  if (kind?.arnType && t.type && kind.arnType !== t.type) return false;
  return namesOf(t).includes(bareName(candidate));
}

/** True when the event acted on the resource named by `term` (a name or an ARN). */
export function touchesResource(e: TrailEvent, term: string): boolean {
  return resourceCandidates(e).some((c) => sameResource(term, c, e));
}
