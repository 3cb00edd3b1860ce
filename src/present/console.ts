/**
 * Links into the AWS console for what an answer names: an event in CloudTrail's event history, an IAM
 * user or role, an S3 bucket, a security group — built for the partition the region belongs to, and,
 * with an IAM Identity Center start URL, through the access portal into the event's account and a role.
 * Nothing outside is copied into a link as it came: every part is checked against the form AWS gives
 * it (an id, a name) and encoded; anything else gets no link.
 */

import type { Config } from '../config.js';
import type { Inline } from './doc.js';

/** What can be linked to. */
export type ConsoleTarget =
  | { kind: 'event'; id: string; region: string }
  | { kind: 'user'; name: string }
  | { kind: 'role'; name: string }
  | { kind: 'bucket'; name: string; region: string }
  | { kind: 'security-group'; id: string; region: string };

/** The Identity Center access portal: its start URL and the role (permission set) to open the console as. */
export interface ConsolePortal {
  startUrl: string;
  roleName: string;
}

/** Builds a console link for a target in an account and region (or says there is none). */
export type ConsoleLinker = (
  target: ConsoleTarget,
  where: { account: string; region: string },
) => string | undefined;

const REGION = /^(?:[a-z]{2}|us-gov|cn)-[a-z]+-\d{1,2}$/;
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const ACCOUNT = /^\d{12}$/;

/** The console's host for a region: the commercial, China or GovCloud partition; none for others. */
function consoleHost(region: string): string | undefined {
  if (!REGION.test(region)) return undefined;
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `https://${region}.console.amazonaws-us-gov.com`;
  return `https://${region}.console.aws.amazon.com`;
}

/** The console page of a target, or undefined when a part is not in the form AWS gives it. */
export function consoleUrl(t: ConsoleTarget, region: string): string | undefined {
  const e = encodeURIComponent;
  switch (t.kind) {
    case 'event': {
      const host = consoleHost(t.region);
      return host && EVENT_ID.test(t.id)
        ? `${host}/cloudtrailv2/home?region=${t.region}#/events/${e(t.id)}`
        : undefined;
    }
    case 'user':
    case 'role': {
      // IAM is global: its page is on the partition's home region.
      const host = consoleHost(region);
      return host && IAM_NAME.test(t.name)
        ? `${host}/iam/home#/${t.kind === 'user' ? 'users' : 'roles'}/details/${e(t.name)}`
        : undefined;
    }
    case 'bucket': {
      const host = consoleHost(t.region);
      return host && BUCKET.test(t.name) ? `${host}/s3/buckets/${e(t.name)}?region=${t.region}` : undefined;
    }
    case 'security-group': {
      const host = consoleHost(t.region);
      return host && SECURITY_GROUP.test(t.id)
        ? `${host}/ec2/home?region=${t.region}#SecurityGroup:groupId=${e(t.id)}`
        : undefined;
    }
  }
}

/**
 * The linker for a configuration: plain console links, or, with a portal, links that sign in through
 * the Identity Center access portal into the target's account (a 12-digit id) as the portal's role.
 */
export function consoleLinker(portal?: ConsolePortal): ConsoleLinker {
  return (t, where) => {
    const url = consoleUrl(t, where.region);
    if (!url || !portal) return url;
    if (!ACCOUNT.test(where.account)) return undefined;
    const q = new URLSearchParams({
      account_id: where.account,
      role_name: portal.roleName,
      destination: url,
    });
    return `${portal.startUrl.replace(/\/+$/, '')}/#/console?${q}`;
  };
}

/** The linker the configuration asks for: through the access portal when TRAIL_SSO_START_URL is set. */
export function linkerFor(
  config: Pick<Config, 'TRAIL_SSO_START_URL' | 'TRAIL_SSO_ROLE_NAME'>,
): ConsoleLinker {
  return consoleLinker(
    config.TRAIL_SSO_START_URL && config.TRAIL_SSO_ROLE_NAME
      ? { startUrl: config.TRAIL_SSO_START_URL, roleName: config.TRAIL_SSO_ROLE_NAME }
      : undefined,
  );
}

/** A target's text, linked to its console page when there is one. */
export function linked(
  links: ConsoleLinker,
  text: string,
  target: ConsoleTarget,
  where: { account: string; region: string },
  terse = false,
): Inline {
  // The text is shown as a link's label, outside a code span: only a plain name or id may be one.
  const url = /^[\w+=,.@:/-]{1,256}$/.test(text) ? links(target, where) : undefined;
  return url ? { link: { url, text }, ...(terse ? { terse } : {}) } : { lit: text };
}

/** What a deleted resource's kind links to, if anything. */
export function resourceTarget(kind: string, resource: string, region: string): ConsoleTarget | undefined {
  if (kind === 'S3 bucket') return { kind: 'bucket', name: resource, region };
  if (kind === 'IAM user') return { kind: 'user', name: resource };
  if (kind === 'IAM role') return { kind: 'role', name: resource };
  if (kind === 'security group') return { kind: 'security-group', id: resource, region };
  return undefined;
}
