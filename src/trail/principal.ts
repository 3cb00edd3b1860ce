import { UsageError } from '../errors.js';
import type { TrailEvent } from './event.js';

/** Who a question is about, as the user named them. */
export type PrincipalFilter =
  /** An IAM user by name: "alice". */
  | { kind: 'user'; name: string }
  /** An exact principal ARN: an IAM user, an assumed-role session, a federated user, root. */
  | { kind: 'arn'; arn: string }
  /** A role by ARN: every session of it. */
  | { kind: 'role'; roleArn: string }
  /** One session of a role: "Admin/carol@acme.example". */
  | { kind: 'session'; role: string; session: string }
  /** An access key id: "AKIA…" or "ASIA…". */
  | { kind: 'key'; accessKeyId: string };

/**
 * Read how a user names a principal: an IAM user name or ARN, a role ARN (all its sessions), an
 * assumed-role session ("role/session" or its sts ARN), or an access key id.
 */
export function parsePrincipal(word: string): PrincipalFilter {
  const w = word.trim();
  if (!w || w.length > 2048 || /\p{Cc}/u.test(w))
    throw new UsageError('That is not a principal: empty, too long or with control characters.');
  if (/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(w)) return { kind: 'key', accessKeyId: w };
  if (w.startsWith('arn:')) {
    const resource = w.split(':').slice(5).join(':');
    if (/^role\//.test(resource) && w.split(':')[2] === 'iam') return { kind: 'role', roleArn: w };
    if (w.split(':').length < 6) throw new UsageError(`"${w}" is not an ARN.`);
    return { kind: 'arn', arn: w };
  }
  const slash = w.indexOf('/');
  if (slash > 0 && slash < w.length - 1)
    return { kind: 'session', role: w.slice(0, slash), session: w.slice(slash + 1) };
  if (!/^[\w+=,.@-]{1,128}$/.test(w))
    throw new UsageError(`"${w}" is not an IAM user name, ARN, role/session or access key id.`);
  return { kind: 'user', name: w };
}

/** Does the event's principal match? For roles, the session issuer's ARN, as DOMAIN.md advises. */
export function matchesPrincipal(e: TrailEvent, f: PrincipalFilter): boolean {
  const p = e.principal;
  switch (f.kind) {
    case 'user':
      return p.type === 'IAMUser' && p.userName === f.name;
    case 'arn':
      return p.arn === f.arn;
    case 'role':
      return p.roleArn === f.roleArn;
    case 'session':
      return p.type === 'AssumedRole' && p.userName === f.role && p.sessionName === f.session;
    case 'key':
      return p.accessKeyId === f.accessKeyId;
  }
}

/** A string every matching record's userIdentity contains, for text pre-filters. */
export function principalNeedle(f: PrincipalFilter): string {
  switch (f.kind) {
    case 'user':
      return f.name;
    case 'arn':
      return f.arn;
    case 'role':
      return f.roleArn;
    case 'session':
      return f.session;
    case 'key':
      return f.accessKeyId;
  }
}

/** How the principal reads in an answer. */
export function describePrincipal(f: PrincipalFilter): string {
  switch (f.kind) {
    case 'user':
      return `IAM user ${f.name}`;
    case 'arn':
      return f.arn;
    case 'role':
      return `every session of ${f.roleArn}`;
    case 'session':
      return `session ${f.session} of role ${f.role}`;
    case 'key':
      return `access key ${f.accessKeyId}`;
  }
}
