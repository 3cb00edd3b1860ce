import { z } from 'zod';
import type { Place } from '../geo/place.js';

const str = z.string().optional().nullable();

const sessionIssuer = z.looseObject({ type: str, principalId: str, arn: str, accountId: str, userName: str });

/** The part of userIdentity Trailbot reads; the rest is kept in `raw`. */
const userIdentitySchema = z.looseObject({
  type: str,
  principalId: str,
  arn: str,
  accountId: str,
  accessKeyId: str,
  userName: str,
  invokedBy: str,
  sessionContext: z
    .looseObject({ sessionIssuer: sessionIssuer.optional().nullable(), sourceIdentity: str })
    .optional()
    .nullable(),
  onBehalfOf: z.looseObject({ userId: str }).optional().nullable(),
});

const resourceSchema = z.looseObject({ ARN: str, arn: str, type: str, accountId: str });

/** A raw CloudTrail record as delivered in log files, by LookupEvents and by EventBridge. */
export const rawRecordSchema = z.looseObject({
  eventVersion: str,
  eventTime: z.string(),
  eventSource: z.string(),
  eventName: z.string(),
  awsRegion: z.string().optional().nullable(),
  eventID: z.string().optional().nullable(),
  recipientAccountId: str,
  userIdentity: userIdentitySchema.optional().nullable(),
  sourceIPAddress: str,
  userAgent: str,
  errorCode: str,
  errorMessage: str,
  readOnly: z.union([z.boolean(), z.string()]).optional().nullable(),
  requestParameters: z.record(z.string(), z.unknown()).optional().nullable(),
  responseElements: z.unknown().optional(),
  additionalEventData: z.unknown().optional(),
  resources: z.array(resourceSchema).optional().nullable(),
  eventType: str,
});

/** A raw record, as zod reads it. */
export type RawRecord = z.infer<typeof rawRecordSchema>;

/** Who made a call, normalised across identity types. */
export interface Principal {
  type: string;
  arn?: string | undefined;
  userName?: string | undefined;
  accessKeyId?: string | undefined;
  accountId?: string | undefined;
  /** For assumed roles: the role's ARN (sessionIssuer) and the session name. */
  roleArn?: string | undefined;
  sessionName?: string | undefined;
  /** The SourceIdentity the session was started with (a person's name or email, set by the identity provider). */
  sourceIdentity?: string | undefined;
  invokedBy?: string | undefined;
  /** How a person reads it: "alice", "Admin/alice@corp", "root", "lambda.amazonaws.com". */
  display: string;
}

/** One resource an event touched. */
export interface EventResource {
  arn?: string | undefined;
  type?: string | undefined;
}

/** The normalised CloudTrail event every source returns and every subcommand reads. */
export interface TrailEvent {
  id: string;
  time: Date;
  name: string;
  source: string;
  region: string;
  account: string;
  principal: Principal;
  sourceIp?: string | undefined;
  userAgent?: string | undefined;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  resources: EventResource[];
  readOnly?: boolean | undefined;
  requestParameters: Record<string, unknown>;
  /** What the service answered, when it is an object (ConsoleLogin: Success or Failure). */
  responseElements?: Record<string, unknown> | undefined;
  /** Extra facts some events carry (ConsoleLogin: MFAUsed). */
  additionalEventData?: Record<string, unknown> | undefined;
  /** Where sourceIPAddress is (country, network, or what kind of value it is), when places are on. */
  place?: Place | undefined;
  /** AwsApiCall, AwsConsoleSignIn, AwsServiceEvent … */
  eventType?: string | undefined;
}

const objectOrUndefined = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * CloudTrail records the session token it hands out in the response of AssumeRole, GetSessionToken,
 * GetFederationToken and their kin (`credentials.sessionToken`; the secret key it hides itself): a live
 * credential for up to 36 hours. No question reads it, so no event Trailbot holds or indexes carries it.
 */
export function withoutSessionToken(
  response: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const credentials = objectOrUndefined(response?.credentials);
  if (!response || !credentials || !('sessionToken' in credentials)) return response;
  const { sessionToken: _, ...rest } = credentials;
  return { ...response, credentials: rest };
}

const u = (v: string | null | undefined): string | undefined => (v === null || v === '' ? undefined : v);

function principalOf(r: RawRecord): Principal {
  const id = r.userIdentity ?? {};
  const type = u(id.type) ?? 'Unknown';
  const arn = u(id.arn);
  const issuer = id.sessionContext?.sessionIssuer ?? undefined;
  const base = {
    type,
    arn,
    accessKeyId: u(id.accessKeyId),
    accountId: u(id.accountId),
    invokedBy: u(id.invokedBy),
    sourceIdentity: u(id.sessionContext?.sourceIdentity),
  };
  if (type === 'AssumedRole') {
    // arn:aws:sts::123456789012:assumed-role/RoleName/session-name
    const parts = arn?.split(':').slice(5).join(':').split('/') ?? [];
    const roleName = u(issuer?.userName) ?? parts[1];
    const sessionName = parts.length >= 3 ? parts.slice(2).join('/') : undefined;
    return {
      ...base,
      userName: roleName,
      roleArn: u(issuer?.arn),
      sessionName,
      display: [roleName ?? 'unknown-role', sessionName].filter(Boolean).join('/'),
    };
  }
  if (type === 'Root') return { ...base, userName: u(id.userName), display: 'root' };
  if (type === 'AWSService') return { ...base, display: u(id.invokedBy) ?? 'AWS service' };
  if (type === 'IdentityCenterUser')
    return { ...base, display: u(id.onBehalfOf?.userId) ?? 'Identity Center user' };
  if (type === 'FederatedUser') {
    const name = arn?.split('/').slice(1).join('/');
    return { ...base, userName: name, display: name ?? u(id.principalId) ?? 'federated user' };
  }
  const userName = u(id.userName);
  return { ...base, userName, display: userName ?? arn ?? u(id.invokedBy) ?? u(id.principalId) ?? type };
}

function readOnlyOf(v: boolean | string | null | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.toLowerCase() === 'true';
  return undefined;
}

/** Normalise a raw record already checked by `rawRecordSchema`. */
export function normalizeRecord(r: RawRecord): TrailEvent {
  const principal = principalOf(r);
  return {
    id: u(r.eventID) ?? `${r.eventTime}:${r.eventName}`,
    time: new Date(r.eventTime),
    name: r.eventName,
    source: r.eventSource,
    region: u(r.awsRegion) ?? 'unknown',
    account: u(r.recipientAccountId) ?? principal.accountId ?? 'unknown',
    principal,
    sourceIp: u(r.sourceIPAddress),
    userAgent: u(r.userAgent),
    errorCode: u(r.errorCode),
    errorMessage: u(r.errorMessage),
    resources: (r.resources ?? []).map((x) => ({ arn: u(x.ARN) ?? u(x.arn), type: u(x.type) })),
    readOnly: readOnlyOf(r.readOnly),
    requestParameters: r.requestParameters ?? {},
    responseElements: withoutSessionToken(objectOrUndefined(r.responseElements)),
    additionalEventData: objectOrUndefined(r.additionalEventData),
    eventType: u(r.eventType),
  };
}

/** Where a record failed to parse, e.g. "Records[3].eventTime: expected string". */
export class RecordParseError extends Error {}

/** Parse and normalise one raw record (an object or its JSON text); `where` names it in errors. */
export function parseRecord(input: unknown, where = 'record'): TrailEvent {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new RecordParseError(`${where}: not JSON`, { cause: err });
    }
  }
  const parsed = rawRecordSchema.safeParse(value);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new RecordParseError(`${where}.${i?.path.join('.')}: ${i?.message}`, { cause: parsed.error });
  }
  const ev = normalizeRecord(parsed.data);
  if (Number.isNaN(ev.time.getTime())) throw new RecordParseError(`${where}.eventTime: not a time`);
  return ev;
}

/**
 * The API version some services append to event names: Lambda's DeleteFunction20150331 (and
 * UpdateFunctionCode20150331v2), CloudFront's DeleteDistribution2020_05_31. One pattern, used by the
 * matcher here and by the local source's SQL (RE2 reads it the same way).
 */
export const EVENT_VERSION_SUFFIX = '(\\d{8}|\\d{4}_\\d{2}_\\d{2})(v\\d+)?$';
const versionSuffix = new RegExp(EVENT_VERSION_SUFFIX);

/** The base name of an event, without the API version some services append. */
export function baseEventName(name: string): string {
  return name.replace(versionSuffix, '');
}

/**
 * The one definition of "this event failed", used by every subcommand and source (docs/investigations.md):
 * - it carries an errorCode (AccessDenied, Client.UnauthorizedOperation, …); or
 * - it is a console sign-in whose outcome is "Failure": CloudTrail records those without an errorCode,
 *   with responseElements.ConsoleLogin "Failure" and errorMessage "Failed authentication"; or
 * - it is a console sign-in recorded without an outcome but with an errorMessage (a sign-in refused
 *   before the password step, e.g. "No username found in supplied account").
 * A failed attempt is still evidence of intent.
 */
export function isFailure(e: TrailEvent): boolean {
  if (e.errorCode !== undefined) return true;
  if (baseEventName(e.name) !== 'ConsoleLogin') return false;
  const outcome = e.responseElements?.ConsoleLogin;
  return outcome === 'Failure' || (outcome === undefined && e.errorMessage !== undefined);
}
