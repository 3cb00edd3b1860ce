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

/** Everything the posture rules judge. */
export interface PostureFacts {
  /** The account asked about, or the one whose trails these are. */
  account: string;
  regions: string[];
  trails: TrailFacts[];
  buckets: BucketFacts[];
  /** The organization, when Organizations was asked and is in use. */
  organization?: { id?: string | undefined; managementAccount?: string | undefined } | undefined;
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
