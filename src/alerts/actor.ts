import type { Principal } from '../trail/event.js';

/**
 * The person behind an alert, as AWS names them: an IAM user, the root user, an IAM Identity Center
 * session (an `AWSReservedSSO_…` role, its session named after the user), or another role session
 * named by its SourceIdentity or session name. Whether a name is a Slack user is the directory's to say.
 */
export interface Person {
  kind: 'iam-user' | 'root' | 'sso' | 'session';
  /** The IAM user name, "root", the Identity Center user name, or the SourceIdentity / session name. */
  name: string;
  account?: string | undefined;
  arn?: string | undefined;
}

/** Identity Center's roles in member accounts. */
const SSO_ROLE = /^AWSReservedSSO_/;

/**
 * The person a CloudTrail principal is, when it is one: services, service-linked calls and anonymous
 * callers are not; a role session is, by its SourceIdentity (set by the identity provider) or its
 * session name.
 */
export function personOf(p: Principal): Person | undefined {
  const base = { account: p.accountId, arn: p.arn };
  if (p.invokedBy) return undefined;
  if (p.type === 'IAMUser' && p.userName) return { ...base, kind: 'iam-user', name: p.userName };
  if (p.type === 'Root') return { ...base, kind: 'root', name: 'root' };
  if (p.type === 'AssumedRole') {
    if (p.userName && SSO_ROLE.test(p.userName) && p.sessionName)
      return { ...base, kind: 'sso', name: p.sessionName };
    const name = p.sourceIdentity ?? p.sessionName;
    return name ? { ...base, kind: 'session', name } : undefined;
  }
  if (p.type === 'FederatedUser' && p.userName) return { ...base, kind: 'session', name: p.userName };
  return undefined;
}

/** Who a person is in Slack, or why that is not known. */
export type Resolution = { user: string; via: string } | { unmapped: string };

/** Where a person's Slack user is looked up: the config map, IAM user tags, Slack's directory by email. */
export interface PersonLookups {
  /** TRAIL_ASK_ACTOR_MAP: an ARN, "account:name" or a name → a Slack user id or an email. */
  map: Readonly<Record<string, string>>;
  /** An IAM user's tags (undefined: the user or its account cannot be read). */
  userTags?: ((account: string | undefined, user: string) => Promise<Record<string, string>>) | undefined;
  /** A Slack user id for an email (Slack's users.lookupByEmail), undefined when Slack knows none. */
  byEmail: (email: string) => Promise<string | undefined>;
}

const SLACK_ID = /^[UW][A-Z0-9]{2,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * A person's Slack user: the config map first (by ARN, then "account:name", then the name), then an IAM
 * user's `slack` or `email` tag, then a name that is an email. Never a guess: an email Slack does not
 * know, or a name that is none of these, is unmapped, with what was tried.
 */
export async function slackUserOf(p: Person, l: PersonLookups): Promise<Resolution> {
  const tried: string[] = [];
  const target = async (value: string, via: string): Promise<Resolution | undefined> => {
    if (SLACK_ID.test(value)) return { user: value, via };
    if (EMAIL.test(value)) {
      const user = await l.byEmail(value);
      if (user) return { user, via: `${via}, email` };
      tried.push(`Slack knows no user with the email from ${via}`);
      return undefined;
    }
    tried.push(`${via} holds neither a Slack user id nor an email`);
    return undefined;
  };
  const keys = [p.arn, p.account ? `${p.account}:${p.name}` : undefined, p.name].filter(
    (k): k is string => k !== undefined,
  );
  const mapped = keys.find((k) => l.map[k] !== undefined);
  if (mapped) {
    const r = await target(l.map[mapped] as string, 'TRAIL_ASK_ACTOR_MAP');
    if (r) return r;
  } else tried.push('not in TRAIL_ASK_ACTOR_MAP');
  if (p.kind === 'iam-user' && l.userTags) {
    try {
      const tags = await l.userTags(p.account, p.name);
      const tag = tags.slack ?? tags.email;
      if (tag !== undefined) {
        const r = await target(tag, `its IAM tag ${tags.slack !== undefined ? 'slack' : 'email'}`);
        if (r) return r;
      } else tried.push('no slack or email tag on the IAM user');
    } catch (err) {
      tried.push(`its IAM tags could not be read (${(err as Error).name})`);
    }
  }
  if (p.kind !== 'iam-user' && p.kind !== 'root' && EMAIL.test(p.name)) {
    const r = await target(p.name, 'the session name');
    if (r) return r;
  } else if (p.kind !== 'iam-user' && p.kind !== 'root') tried.push('the session name is not an email');
  return { unmapped: tried.join('; ') };
}
