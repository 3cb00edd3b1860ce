import ipaddr from 'ipaddr.js';

/** What a message names that Trailbot can ask about. */
export interface Indicators {
  /** ARNs of principals: IAM users and roles, assumed-role sessions, the root user. */
  principals: string[];
  /** Access key ids (AKIA…, ASIA…). */
  keys: string[];
  /** IPv4 and IPv6 addresses (public or not: the question says what CloudTrail recorded). */
  ips: string[];
  /** S3 bucket names, from s3:// URLs, bucket ARNs and bucket host names. */
  buckets: string[];
  /** Other resource ARNs (a table, a key, a function …): who deleted them. */
  resources: string[];
}

const ARN = /\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:[^\s"'<>`|,;()[\]{}]+/g;
const KEY = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const BUCKET_NAME = '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';
const S3_URL = new RegExp(`\\bs3://(${BUCKET_NAME})`, 'g');
const S3_HOST = new RegExp(`\\b(${BUCKET_NAME})\\.s3(?:[.-][a-z0-9-]+)?\\.amazonaws\\.com\\b`, 'g');
/** Candidates for addresses: dotted quads and runs of hex digits and colons; each is checked after. */
const IP_CANDIDATE = /(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]{2,})(?![\w.:])/g;

/** Slack's mrkdwn as text: links <url|label> as their URL, entities decoded. */
function plainSlackText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|[^<>]*>/g, ' $1 ')
    .replace(/<([^<>]+)>/g, ' $1 ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * Find what a message names: ARNs (principals apart from other resources), access key ids, IP
 * addresses, bucket names. Each kind once, in the order found; nothing is guessed from a partial match.
 */
export function findIndicators(message: string): Indicators {
  const text = plainSlackText(message);
  const arns = unique([...text.matchAll(ARN)].map((m) => m[0].replace(/[.:]+$/, '')));
  const principal = (a: string) =>
    /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(user|role|assumed-role|root)\b/.test(a);
  const bucketArn = (a: string) => /^arn:aws[a-z-]*:s3:::[^/]+$/.test(a);
  const buckets = unique([
    ...arns.filter(bucketArn).map((a) => a.split(':::')[1] as string),
    ...[...text.matchAll(S3_URL)].map((m) => m[1] as string),
    ...[...text.matchAll(S3_HOST)].map((m) => m[1] as string),
  ]).filter((b) => new RegExp(`^${BUCKET_NAME}$`).test(b));
  const ips = unique(
    [...text.matchAll(IP_CANDIDATE)]
      .map((m) => m[0])
      .filter((c) => ipaddr.isValid(c) && (c.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(c)))
      .filter((c) => !c.includes(':') || ipaddr.IPv6.isValid(c)),
  );
  return {
    principals: arns.filter(principal),
    keys: unique([...text.matchAll(KEY)].map((m) => m[0])),
    ips,
    buckets,
    resources: arns.filter((a) => !principal(a) && !bucketArn(a)),
  };
}
