import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { awsErrorName as errName } from '../aws-errors.js';
import type { BucketFacts, PostureFacts, TrailFacts } from './facts.js';
import { type MonitoringClients, readMonitoring } from './monitoring-reader.js';
import { readOrRefused } from './read.js';

/** The account label when no question, trail or credential names the account. */
export const UNKNOWN_ACCOUNT = 'unknown-account';

/** What the reader asks AWS with; every client passed in. */
export interface ReaderOptions {
  account: string;
  regions: string[];
  cloudTrailFor: (region: string) => CloudTrailClient;
  s3: S3Client;
  organizations?: OrganizationsClient | undefined;
  now: Date;
  /** The bot's own account (STS), asked only when neither the question nor a trail names one. */
  callerAccount?: (() => Promise<string | undefined>) | undefined;
  /** Read the buckets' Object Lock configuration (only when it is required). */
  readObjectLock: boolean;
  /** The clients of the CIS 4.x monitoring reads; without them the metric filters are not read. */
  monitoring?: MonitoringClients | undefined;
}

/**
 * The trails as AWS describes them: DescribeTrails in every region (shadow trails included, deduplicated
 * by ARN), each trail's status, selectors and Insights from its home region, its bucket's settings, and
 * the organization. Facts only; rules/ judge them.
 */
export async function readPosture(o: ReaderOptions): Promise<PostureFacts> {
  const described = new Map<string, Trail>();
  for (const region of o.regions) {
    const r = await o.cloudTrailFor(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    for (const t of r.trailList ?? [])
      if (t.TrailARN && !described.has(t.TrailARN)) described.set(t.TrailARN, t);
  }
  // The account asked about; else the one whose trails these are; else the bot's own (STS). Never a
  // made-up label: when none of those answers, it says so.
  const account =
    o.account ||
    /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:(\d{12}):/.exec([...described.keys()][0] ?? '')?.[1] ||
    (await o.callerAccount?.()) ||
    UNKNOWN_ACCOUNT;
  const trails: TrailFacts[] = [];
  for (const t of described.values()) {
    const home = t.HomeRegion ?? (o.regions[0] as string);
    const ct = o.cloudTrailFor(home);
    const status = await ct.send(new GetTrailStatusCommand({ Name: t.TrailARN }));
    const sel = await ct.send(new GetEventSelectorsCommand({ TrailName: t.TrailARN }));
    const insights = await ct
      .send(new GetInsightSelectorsCommand({ TrailName: t.TrailARN }))
      .then((r) => (r.InsightSelectors ?? []).length > 0)
      .catch((err) => (errName(err) === 'InsightNotEnabledException' ? false : Promise.reject(err)));
    trails.push({
      arn: t.TrailARN as string,
      name: t.Name ?? t.TrailARN ?? 'trail',
      homeRegion: home,
      multiRegion: t.IsMultiRegionTrail === true,
      organizationTrail: t.IsOrganizationTrail === true,
      logFileValidation: t.LogFileValidationEnabled === true,
      kmsKeyId: t.KmsKeyId,
      cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn,
      s3Bucket: t.S3BucketName,
      isLogging: status.IsLogging === true,
      latestDelivery: status.LatestDeliveryTime,
      latestDeliveryError: status.LatestDeliveryError || undefined,
      selectors: { basic: sel.EventSelectors, advanced: sel.AdvancedEventSelectors },
      insights,
    });
  }
  const organization = o.organizations
    ? await o.organizations
        .send(new DescribeOrganizationCommand({}))
        .then(
          (r) =>
            r.Organization && { id: r.Organization.Id, managementAccount: r.Organization.MasterAccountId },
        )
        .catch((err) =>
          errName(err) === 'AWSOrganizationsNotInUseException' ? undefined : Promise.reject(err),
        )
    : undefined;
  const bucketNames = [...new Set(trails.map((t) => t.s3Bucket).filter((b): b is string => !!b))];
  const buckets: BucketFacts[] = [];
  for (const b of bucketNames) buckets.push(await readBucket(o.s3, b, o.readObjectLock));
  const monitoring = o.monitoring ? await readMonitoring(o.monitoring, trails) : undefined;
  return { account, regions: o.regions, trails, buckets, organization, monitoring, checkedAt: o.now };
}

/**
 * A trail bucket's settings. Each read stands alone: one the bot may not make (the bucket is often in a
 * log-archive account) is kept as refused, naming the action, and the others still run. Only a refusal
 * is kept: throttling, network and other failures fail the whole read, said plainly.
 */
async function readBucket(s3: S3Client, bucket: string, readObjectLock: boolean): Promise<BucketFacts> {
  const read = <T>(action: string, fn: () => Promise<T>) =>
    readOrRefused('S3', action, `bucket ${bucket}`, fn);
  const publicAccessBlock = await read('s3:GetBucketPublicAccessBlock', () =>
    s3
      .send(new GetPublicAccessBlockCommand({ Bucket: bucket }))
      .then((r) => r.PublicAccessBlockConfiguration)
      .catch((err) =>
        errName(err) === 'NoSuchPublicAccessBlockConfiguration' ? undefined : Promise.reject(err),
      ),
  );
  const policyIsPublic = await read('s3:GetBucketPolicyStatus', () =>
    s3
      .send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))
      .then((r) => r.PolicyStatus?.IsPublic ?? false)
      .catch((err) => (errName(err) === 'NoSuchBucketPolicy' ? false : Promise.reject(err))),
  );
  const versioning = await read('s3:GetBucketVersioning', () =>
    s3
      .send(new GetBucketVersioningCommand({ Bucket: bucket }))
      .then((r) => ({ status: r.Status, mfaDelete: r.MFADelete })),
  );
  const objectLock = readObjectLock
    ? await read('s3:GetBucketObjectLockConfiguration', () =>
        s3
          .send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))
          .then((r) => r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled')
          .catch((err) =>
            errName(err) === 'ObjectLockConfigurationNotFoundError' ? false : Promise.reject(err),
          ),
      )
    : undefined;
  const accessLogging = await read('s3:GetBucketLogging', () =>
    s3.send(new GetBucketLoggingCommand({ Bucket: bucket })).then((r) => Boolean(r.LoggingEnabled)),
  );
  const policy = await read('s3:GetBucketPolicy', () =>
    s3
      .send(new GetBucketPolicyCommand({ Bucket: bucket }))
      .then((r) => r.Policy)
      .catch((err) => (errName(err) === 'NoSuchBucketPolicy' ? undefined : Promise.reject(err))),
  );
  return { name: bucket, publicAccessBlock, policyIsPublic, versioning, objectLock, accessLogging, policy };
}
