// The posture reader's output: plain facts about the trails, their buckets and the organization, as
// AWS answered — no judgement. The rules (rules/) turn facts into findings.

/** An event selector as CloudTrail's GetEventSelectors gives it (basic form). */
export interface BasicSelector {
  ReadWriteType?: string | undefined;
  IncludeManagementEvents?: boolean | undefined;
  DataResources?: { Type?: string | undefined; Values?: string[] | undefined }[] | undefined;
}

/** An advanced event selector's field conditions. */
export interface AdvancedSelector {
  FieldSelectors?:
    | { Field?: string | undefined; Equals?: string[] | undefined; StartsWith?: string[] | undefined }[]
    | undefined;
}

/** One trail: its configuration, its status, its selectors and whether Insights is on. */
export interface TrailFacts {
  arn: string;
  name: string;
  homeRegion: string;
  multiRegion: boolean;
  organizationTrail: boolean;
  logFileValidation: boolean;
  kmsKeyId?: string | undefined;
  cloudWatchLogsLogGroupArn?: string | undefined;
  s3Bucket?: string | undefined;
  isLogging: boolean;
  latestDelivery?: Date | undefined;
  latestDeliveryError?: string | undefined;
  selectors: { basic?: BasicSelector[] | undefined; advanced?: AdvancedSelector[] | undefined };
  insights: boolean;
}

/** A read the bot was refused (the bucket is often in a log-archive account): the action and why. */
export interface Refused {
  refused: true;
  action: string;
  reason: string;
}

/** A value as read, or the refusal. */
export type Read<T> = T | Refused;

/** Was this read refused? */
export const refused = <T>(r: Read<T>): r is Refused =>
  typeof r === 'object' && r !== null && (r as Refused).refused === true;

/** The public access block's four switches. */
export interface PublicAccessBlock {
  BlockPublicAcls?: boolean | undefined;
  IgnorePublicAcls?: boolean | undefined;
  BlockPublicPolicy?: boolean | undefined;
  RestrictPublicBuckets?: boolean | undefined;
}

/** A trail's bucket: each setting as read (undefined: not set), or refused. */
export interface BucketFacts {
  name: string;
  publicAccessBlock: Read<PublicAccessBlock | undefined>;
  policyIsPublic: Read<boolean>;
  versioning: Read<{ status?: string | undefined; mfaDelete?: string | undefined }>;
  /** Only read when Object Lock is required. */
  objectLock?: Read<boolean> | undefined;
  accessLogging: Read<boolean>;
  policy: Read<string | undefined>;
}

/** A metric alarm: its name and the ARNs its ALARM state notifies. */
export interface AlarmFacts {
  name: string;
  actions: string[];
}

/** A metric filter on a trail's log group: its pattern and, per metric it writes, the alarms on it. */
export interface MetricFilterFacts {
  name: string;
  pattern: string;
  metrics: { namespace: string; name: string; alarms: Read<AlarmFacts[]> }[];
}

/** A log group a multi-region, logging trail delivers to, and its metric filters. */
export interface LogGroupFacts {
  arn: string;
  name: string;
  region: string;
  /** The trails that deliver to it. */
  trails: string[];
  filters: Read<MetricFilterFacts[]>;
}

/**
 * What the CIS 4.x monitoring rules judge: the log groups multi-region trails deliver to, their
 * filters and alarms, and for each SNS topic an alarm notifies, how many confirmed subscriptions it has.
 */
export interface MonitoringFacts {
  logGroups: LogGroupFacts[];
  topicSubscribers: Record<string, Read<number>>;
}

/** Everything the posture rules judge. */
export interface PostureFacts {
  /** The account asked about, or the one whose trails these are. */
  account: string;
  regions: string[];
  trails: TrailFacts[];
  buckets: BucketFacts[];
  /** The organization, when Organizations was asked and is in use. */
  organization?: { id?: string | undefined; managementAccount?: string | undefined } | undefined;
  /** The metric filters and alarms on the trails' log groups (absent: not read). */
  monitoring?: MonitoringFacts | undefined;
  checkedAt: Date;
}

/** What the rules are told besides the facts (from config). */
export interface RuleOptions {
  /** A trail that has not delivered for longer is a finding. */
  maxDeliveryAgeHours: number;
  /** Buckets whose object-level (data) events must be recorded. */
  sensitiveBuckets: string[];
  /** Require Object Lock (or MFA delete) on the trail's bucket. */
  requireObjectLock: boolean;
}
