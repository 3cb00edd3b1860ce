import { createHash } from 'node:crypto';
import { z } from 'zod';
import { REGION } from '../aws/names.js';
import type { Place } from '../geo/place.js';
import type { Severity } from '../severity.js';
import { IAM_CHANGES, TAMPERING } from '../trail/catalog.js';
import { baseEventName, isFailure, parseRecord, withoutSessionToken } from '../trail/event.js';
import { resourceCandidates } from '../trail/resources.js';
import { type Person, personOf } from './actor.js';

/** How urgent an alert is, across every source's own scale (the one scale of src/severity.ts). */
export type { Severity };

/** Where an alert came from. */
export type AlertSource =
  | 'cloudwatch'
  | 'guardduty'
  | 'securityhub'
  | 'cloudtrail'
  | 'health'
  | 'insight'
  | 'custom'
  | 'raw';

/** One alert, whatever published it: what the channel message and the lifecycle need. */
export interface Alert {
  title: string;
  severity: Severity;
  source: AlertSource;
  account?: string | undefined;
  region?: string | undefined;
  resource?: string | undefined;
  /** Who did it, when the source says (a CloudTrail principal, a GuardDuty user). */
  actor?: string | undefined;
  /** The person behind it, when it is one (asked "was this you?" by the rules that ask). */
  person?: Person | undefined;
  /** Where the call came from, as the source says (an IP, "AWS Internal", a service name). */
  sourceIp?: string | undefined;
  /** The call failed (an error code, or a console login that failed). */
  failed?: boolean | undefined;
  /** Where that is (country and network), set when places are on. */
  place?: Place | undefined;
  /** Trailbot's own detection that raised it (new-place, impossible-travel); unset for outside alerts. */
  rule?: string | undefined;
  /** The event name, for routing CloudTrail calls. */
  eventName?: string | undefined;
  /** A console link, built from the alert's own ids. */
  link?: string | undefined;
  /** Repeats of the same problem share it: deduplication and grouping key. */
  fingerprint: string;
  /** CloudWatch alarms: ALARM, OK, INSUFFICIENT_DATA; CloudTrail Insights: Start, End. */
  state?: string | undefined;
  /** This message ends the problem (an alarm back to OK, an Insight's End): it resolves the open alert. */
  closes?: boolean | undefined;
  /** Source-specific figures worth showing (an Insight's baseline and insight values). */
  details?: { label: string; value: string }[] | undefined;
  /** Text to show as it is: a plain-text message, pretty-printed JSON, a custom notification's description. */
  body?: string | undefined;
  time: Date;
  /** The message as received, kept whole. */
  raw: string;
}

/** What the SNS envelope says about a message. */
export interface Envelope {
  subject?: string | undefined;
  receivedAt: Date;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const console_ = (region: string | undefined) =>
  `https://${region ? `${region}.` : ''}console.aws.amazon.com`;
const validRegion = (r: unknown) => (typeof r === 'string' && REGION.test(r) ? r : undefined);
const validAccount = (a: unknown) => (typeof a === 'string' && /^\d{12}$/.test(a) ? a : undefined);

/** CloudWatch alarm states to severities: an alarm firing is high; back to OK is information. */
const ALARM_SEVERITY: Record<string, Severity> = { ALARM: 'high', INSUFFICIENT_DATA: 'low', OK: 'info' };

function cloudWatch(
  a: { name: string; state: string; reason?: string; account?: string; region?: string },
  env: Envelope,
  raw: string,
): Alert {
  return {
    title: `${a.name} is ${a.state}${a.reason ? `: ${a.reason}` : ''}`,
    severity: ALARM_SEVERITY[a.state] ?? 'medium',
    source: 'cloudwatch',
    account: a.account,
    region: a.region,
    resource: a.name,
    link: `${console_(a.region)}/cloudwatch/home${a.region ? `?region=${a.region}` : ''}#alarmsV2:alarm/${encodeURIComponent(a.name)}`,
    // An alarm is its name, account and region: the same alarm firing again is the same alert.
    fingerprint: `cloudwatch:${a.account ?? '-'}:${a.region ?? '-'}:${a.name}`,
    state: a.state,
    closes: a.state === 'OK',
    time: env.receivedAt,
    raw,
  };
}

/** GuardDuty's bands: 9+ critical, 7–8.9 high, 4–6.9 medium, below low. */
function guardDutySeverity(n: number): Severity {
  return n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : 'low';
}

const SECURITY_HUB_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  INFORMATIONAL: 'info',
};

const finding = z.looseObject({
  Id: z.string(),
  Title: z.string().optional(),
  AwsAccountId: z.string().optional(),
  Region: z.string().optional(),
  Severity: z.looseObject({ Label: z.string().optional() }).optional(),
  Resources: z.array(z.looseObject({ Id: z.string().optional() })).optional(),
  ProductArn: z.string().optional(),
});

function securityHub(f: z.infer<typeof finding>, env: Envelope, raw: string): Alert {
  const region = validRegion(f.Region);
  return {
    title: f.Title ?? 'Security Hub finding',
    severity: SECURITY_HUB_SEVERITY[f.Severity?.Label ?? ''] ?? 'medium',
    source: 'securityhub',
    account: validAccount(f.AwsAccountId),
    region,
    resource: f.Resources?.[0]?.Id,
    link: `${console_(region)}/securityhub/home${region ? `?region=${region}` : ''}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${encodeURIComponent(encodeURIComponent(f.Id))}`,
    // Security Hub sends a finding again when it is updated: its id is the alert.
    fingerprint: `securityhub:${f.Id}`,
    time: env.receivedAt,
    raw,
  };
}

const guardDutyFinding = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  title: z.string().optional(),
  severity: z.number(),
  accountId: z.string().optional(),
  region: z.string().optional(),
  resource: z
    .looseObject({
      resourceType: z.string().optional(),
      accessKeyDetails: z
        .looseObject({
          accessKeyId: z.string().optional(),
          userName: z.string().optional(),
          userType: z.string().optional(),
        })
        .optional(),
      instanceDetails: z.looseObject({ instanceId: z.string().optional() }).optional(),
    })
    .optional(),
  service: z.looseObject({ action: z.record(z.string(), z.unknown()).optional() }).optional(),
});

/** The remote address a GuardDuty finding's action names (an API call, a connection, a probe, a login). */
function guardDutyRemoteIp(f: z.infer<typeof guardDutyFinding>): string | undefined {
  for (const action of Object.values(f.service?.action ?? {})) {
    const a = action as {
      remoteIpDetails?: { ipAddressV4?: unknown; ipAddressV6?: unknown };
      portProbeDetails?: { remoteIpDetails?: { ipAddressV4?: unknown } }[];
    } | null;
    const ip =
      a?.remoteIpDetails?.ipAddressV4 ??
      a?.remoteIpDetails?.ipAddressV6 ??
      a?.portProbeDetails?.[0]?.remoteIpDetails?.ipAddressV4;
    if (typeof ip === 'string' && ip.length <= 64) return ip;
  }
  return undefined;
}

function guardDuty(f: z.infer<typeof guardDutyFinding>, env: Envelope, raw: string): Alert {
  const region = validRegion(f.region);
  const r = f.resource;
  return {
    title: f.title ?? f.type ?? 'GuardDuty finding',
    severity: guardDutySeverity(f.severity),
    source: 'guardduty',
    account: validAccount(f.accountId),
    region,
    resource: r?.instanceDetails?.instanceId ?? r?.accessKeyDetails?.accessKeyId ?? r?.resourceType,
    actor: r?.accessKeyDetails?.userName,
    person: guardDutyPerson(r?.accessKeyDetails, validAccount(f.accountId)),
    sourceIp: guardDutyRemoteIp(f),
    link: `${console_(region)}/guardduty/home${region ? `?region=${region}` : ''}#/findings?fId=${encodeURIComponent(f.id)}`,
    // GuardDuty repeats an ongoing finding with the same id (every 6 hours by default).
    fingerprint: `guardduty:${f.id}`,
    time: env.receivedAt,
    raw,
  };
}

/** GuardDuty names the IAM user or the root user whose key acted; a role's session it does not. */
function guardDutyPerson(
  k: { userName?: string | undefined; userType?: string | undefined } | undefined,
  account: string | undefined,
): Person | undefined {
  if (k?.userType === 'Root') return { kind: 'root', name: 'root', account };
  if (k?.userType === 'IAMUser' && k.userName) return { kind: 'iam-user', name: k.userName, account };
  return undefined;
}

/** How urgent a CloudTrail call is: blinding the defenders is critical, IAM changes and root use high. */
function cloudTrailSeverity(name: string, rootUser: boolean, failed: boolean): Severity {
  if (TAMPERING.some((t) => t.event === name)) return 'critical';
  if (IAM_CHANGES.includes(name) || rootUser) return 'high';
  return failed ? 'medium' : 'low';
}

/**
 * A message as kept and shown: an EventBridge CloudTrail event without the session token its response
 * may record (`withoutSessionToken`: an alert on AssumeRole of a sensitive role is a common rule, and the
 * token is a live credential). Anything else as received.
 */
function withoutTokenIn(doc: Record<string, unknown>, text: string): [Record<string, unknown>, string] {
  const detail = doc.detail as Record<string, unknown> | undefined;
  const response = detail?.responseElements;
  if (!response || typeof response !== 'object' || Array.isArray(response)) return [doc, text];
  const kept = withoutSessionToken(response as Record<string, unknown>);
  if (kept === response) return [doc, text];
  const scrubbed = { ...doc, detail: { ...detail, responseElements: kept } };
  return [scrubbed, JSON.stringify(scrubbed)];
}

/**
 * Read one SNS message into alerts: CloudWatch alarms (the SNS alarm action and EventBridge's "CloudWatch
 * Alarm State Change"), EventBridge "AWS API Call via CloudTrail", GuardDuty findings, Security Hub
 * "Findings - Imported" (one alert per finding), AWS Health events, the AWS Chatbot custom-notification
 * schema, and anything else as raw text or pretty-printed JSON — never dropped.
 */
export function normalizeMessage(received: string, env: Envelope): Alert[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(received);
  } catch {
    return [rawAlert(received, received, env)];
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return [rawAlert(received, received, env)];
  const [d, message] = withoutTokenIn(parsed as Record<string, unknown>, received);
  const account = validAccount(d.account);
  const region = validRegion(d.region);
  const detail = (d.detail ?? {}) as Record<string, unknown>;
  // CloudWatch alarm action (SNS).
  if (typeof d.AlarmName === 'string' && typeof d.NewStateValue === 'string') {
    const arnRegion = typeof d.AlarmArn === 'string' ? validRegion(d.AlarmArn.split(':')[3]) : undefined;
    return [
      cloudWatch(
        {
          name: d.AlarmName,
          state: d.NewStateValue,
          reason: typeof d.NewStateReason === 'string' ? d.NewStateReason : undefined,
          account: validAccount(d.AWSAccountId),
          region: arnRegion,
        },
        env,
        message,
      ),
    ];
  }
  const type = d['detail-type'];
  if (type === 'CloudWatch Alarm State Change' && typeof detail.alarmName === 'string') {
    const state = (detail.state as { value?: string; reason?: string } | undefined) ?? {};
    return [
      cloudWatch(
        { name: detail.alarmName, state: state.value ?? 'UNKNOWN', reason: state.reason, account, region },
        env,
        message,
      ),
    ];
  }
  // Console sign-ins come as their own detail type, with the same CloudTrail record inside.
  if (type === 'AWS API Call via CloudTrail' || type === 'AWS Console Sign In via CloudTrail') {
    try {
      const e = parseRecord(detail, 'detail');
      const name = baseEventName(e.name);
      const resource = resourceCandidates(e)[0];
      return [
        {
          title: `${e.name} by ${e.principal.display}${e.errorCode ? ` (failed: ${e.errorCode})` : ''}`,
          severity: cloudTrailSeverity(name, e.principal.type === 'Root', e.errorCode !== undefined),
          source: 'cloudtrail',
          account: validAccount(e.account) ?? account,
          region: validRegion(e.region) ?? region,
          resource,
          actor: e.principal.arn ?? e.principal.display,
          person: personOf(e.principal),
          sourceIp: e.sourceIp,
          failed: e.errorCode !== undefined || isFailure(e),
          eventName: name,
          link: `${console_(validRegion(e.region))}/cloudtrailv2/home?region=${validRegion(e.region) ?? 'us-east-1'}#/events/${encodeURIComponent(e.id)}`,
          // A CloudTrail call is its event name, principal and resource.
          fingerprint: `cloudtrail:${name}:${e.principal.arn ?? e.principal.display}:${resource ?? '-'}`,
          time: e.time,
          raw: message,
        },
      ];
    } catch {
      return [rawAlert(message, JSON.stringify(d, null, 2), env)];
    }
  }
  if (type === 'AWS Insight via CloudTrail') {
    const a = insight(detail, account, region, env, message);
    if (a) return [a];
  }
  if (type === 'GuardDuty Finding' || (d.schemaVersion !== undefined && typeof d.severity === 'number')) {
    const f = guardDutyFinding.safeParse(type === 'GuardDuty Finding' ? detail : d);
    if (f.success) return [guardDuty(f.data, env, message)];
  }
  if (type === 'Security Hub Findings - Imported' && Array.isArray(detail.findings)) {
    const parsed = detail.findings.map((x) => finding.safeParse(x)).filter((r) => r.success);
    if (parsed.length) return parsed.map((p) => securityHub(p.data, env, message));
  }
  if (typeof d.SchemaVersion === 'string' && typeof d.ProductArn === 'string') {
    const f = finding.safeParse(d);
    if (f.success) return [securityHub(f.data, env, message)];
  }
  if (type === 'AWS Health Event') {
    const code = String(detail.eventTypeCode ?? 'AWS Health event');
    const category = String(detail.eventTypeCategory ?? '');
    return [
      {
        title: `${detail.service ?? 'AWS'}: ${code}${detail.statusCode ? ` (${detail.statusCode})` : ''}`,
        severity: category === 'issue' ? 'medium' : 'low',
        source: 'health',
        account,
        region,
        link: 'https://health.aws.amazon.com/health/home#/account/dashboard/open-issues',
        fingerprint: `health:${String(detail.eventArn ?? code)}`,
        time: env.receivedAt,
        raw: message,
      },
    ];
  }
  // AWS Chatbot's custom notifications, so publishers need not change.
  if (d.source === 'custom' && d.content && typeof d.content === 'object') {
    const c = d.content as { title?: unknown; description?: unknown };
    const meta = (d.metadata ?? {}) as { threadId?: unknown };
    const title = typeof c.title === 'string' ? c.title : (env.subject ?? 'Notification');
    return [
      {
        title,
        severity: 'info',
        source: 'custom',
        body: typeof c.description === 'string' ? c.description : undefined,
        fingerprint: `custom:${typeof meta.threadId === 'string' ? meta.threadId : sha(title)}`,
        time: env.receivedAt,
        raw: message,
      },
    ];
  }
  return [rawAlert(message, JSON.stringify(d, null, 2), env)];
}

const insightDetail = z.looseObject({
  eventSource: z.string().optional(),
  eventName: z.string(),
  insightType: z.string(),
  state: z.string(),
  errorCode: z.string().optional(),
  insightContext: z
    .looseObject({
      statistics: z
        .looseObject({
          baseline: z.looseObject({ average: z.number().optional() }).optional(),
          insight: z.looseObject({ average: z.number().optional() }).optional(),
          insightDuration: z.number().optional(),
          baselineDuration: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
});

const perMinute = (n: number | undefined) =>
  n === undefined ? 'unknown' : `${n < 10 ? n.toFixed(2) : n.toFixed(1)}/min`;

/**
 * A CloudTrail Insights event: an unusual rate of calls (ApiCallRateInsight) or of errors
 * (ApiErrorRateInsight) for one API, with its baseline and insight averages. Start opens the alert; End
 * resolves it. Blinding the defenders (DeleteTrail, StopLogging …) is high, anything else medium.
 */
function insight(
  detail: Record<string, unknown>,
  account: string | undefined,
  region: string | undefined,
  env: Envelope,
  raw: string,
): Alert | undefined {
  const parsed = insightDetail.safeParse((detail as { insightDetails?: unknown }).insightDetails);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  const stats = d.insightContext?.statistics;
  const errors = d.insightType === 'ApiErrorRateInsight';
  const what = errors ? `error rate${d.errorCode ? ` (${d.errorCode})` : ''}` : 'call rate';
  const name = baseEventName(d.eventName);
  const end = d.state === 'End';
  const tampering = TAMPERING.some((t) => t.event === name) || IAM_CHANGES.includes(name);
  return {
    title: `${end ? 'Back to normal' : 'Unusual'} ${d.eventName} ${what}: ${perMinute(stats?.insight?.average)} against a baseline of ${perMinute(stats?.baseline?.average)}`,
    severity: end ? 'info' : tampering ? 'high' : 'medium',
    source: 'insight',
    account,
    region,
    resource: d.eventSource,
    eventName: name,
    link: `${console_(region)}/cloudtrailv2/home${region ? `?region=${region}` : ''}#/insights`,
    // One Insight is its API, its type and (for error rates) its error code: Start and End meet on it.
    fingerprint: `insight:${account ?? '-'}:${region ?? '-'}:${d.eventSource ?? '-'}:${name}:${d.insightType}:${d.errorCode ?? '-'}`,
    state: d.state,
    closes: end,
    details: [
      { label: 'Insight', value: d.insightType },
      { label: 'Baseline', value: perMinute(stats?.baseline?.average) },
      { label: 'During the insight', value: perMinute(stats?.insight?.average) },
      ...(stats?.insightDuration ? [{ label: 'Duration', value: `${stats.insightDuration} min` }] : []),
    ],
    time: env.receivedAt,
    raw,
  };
}

/** Anything else: the subject as the title, the text (or pretty JSON) kept. */
function rawAlert(message: string, shown: string, env: Envelope): Alert {
  const json = shown !== message || /^\s*[[{]/.test(message);
  const firstLine = shown.split('\n').find((l) => l.trim()) ?? '';
  return {
    title: (env.subject ?? (json ? 'Notification (JSON)' : firstLine || 'Notification')).slice(0, 150),
    severity: 'info',
    source: 'raw',
    fingerprint: `raw:${sha(message)}`,
    time: env.receivedAt,
    body: shown,
    raw: message,
  };
}
