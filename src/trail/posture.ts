import {
  type AdvancedEventSelector,
  type CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  type GetTrailStatusCommandOutput,
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
import { awsError, awsErrorName as errName } from '../aws-errors.js';
import { UpstreamDeniedError } from '../errors.js';
import { bySeverity, type Severity } from '../severity.js';
import { formatUtc } from '../time.js';

/** How bad a posture finding is. */
export type PostureSeverity = Severity;

/** The checks, each with the standard it cites. */
export const POSTURE_CHECKS = {
  'multi-region-logging': { standard: 'CIS AWS 3.1 / Security Hub CloudTrail.1', severity: 'critical' },
  'management-events': { standard: 'CIS AWS 3.1 / Security Hub CloudTrail.1', severity: 'high' },
  'delivery-stale': { standard: 'CIS AWS 3.1 / Security Hub CloudTrail.1', severity: 'high' },
  'region-not-covered': { standard: 'CIS AWS 3.1', severity: 'high' },
  'log-file-validation': { standard: 'CIS AWS 3.2 / Security Hub CloudTrail.4', severity: 'medium' },
  'kms-encryption': { standard: 'CIS AWS 3.5 / Security Hub CloudTrail.2', severity: 'medium' },
  'bucket-public': { standard: 'CIS AWS 3.3 / Security Hub CloudTrail.6', severity: 'critical' },
  'bucket-versioning': { standard: 'CIS AWS 3.3 (protect the logs from deletion)', severity: 'medium' },
  'bucket-object-lock': { standard: 'CIS AWS 3.3 / organisation policy', severity: 'medium' },
  'bucket-access-logging': { standard: 'CIS AWS 3.4 / Security Hub CloudTrail.7', severity: 'low' },
  'bucket-policy-writers': { standard: 'CIS AWS 3.3', severity: 'high' },
  'cloudwatch-logs': { standard: 'CIS AWS 3.4 (v1.x 3.4) / Security Hub CloudTrail.5', severity: 'low' },
  insights: { standard: 'AWS CloudTrail Insights (best practice)', severity: 'info' },
  's3-data-events': { standard: 'CIS AWS 3.10 / 3.11 (S3 object-level logging)', severity: 'medium' },
  'organization-trail': {
    standard: 'AWS Organizations best practice / Security Hub CloudTrail.1',
    severity: 'medium',
  },
} as const satisfies Record<string, { standard: string; severity: PostureSeverity }>;

export type PostureCheckId = keyof typeof POSTURE_CHECKS;

/** One finding about the trail. */
export interface PostureFinding {
  /** check:account:resource — stable from run to run. */
  id: string;
  check: PostureCheckId;
  account: string;
  resource: string;
  severity: PostureSeverity;
  title: string;
  evidence: string;
  standard: string;
  remediation: string;
}

/** A trail's delivery health, for the answer and the digest. */
export interface DeliveryHealth {
  trail: string;
  homeRegion: string;
  isLogging: boolean;
  latestDelivery?: Date | undefined;
  latestDeliveryError?: string | undefined;
}

/** A check not made: the finding id it would decide, and why. */
export interface NotChecked {
  id: string;
  reason: string;
}

/** The answer: the verdict's inputs, every finding, each trail's health. */
export interface PostureResult {
  account: string;
  regions: string[];
  trails: number;
  findings: PostureFinding[];
  delivery: DeliveryHealth[];
  /** Checks the bot could not make, and why (an action it may not call on a bucket in another account). */
  notChecked: NotChecked[];
  checkedAt: Date;
}

/** What the checks need; every client passed in. */
export interface PostureOptions {
  account: string;
  regions: string[];
  cloudTrailFor: (region: string) => CloudTrailClient;
  s3: S3Client;
  organizations?: OrganizationsClient | undefined;
  now: Date;
  /** A trail that has not delivered for longer is a finding. */
  maxDeliveryAgeHours: number;
  /** Buckets whose object-level (data) events must be recorded. */
  sensitiveBuckets: string[];
  /** Require Object Lock (or MFA delete) on the trail's bucket. */
  requireObjectLock: boolean;
}

function finding(
  check: PostureCheckId,
  account: string,
  resource: string,
  title: string,
  evidence: string,
  remediation: string,
): PostureFinding {
  return {
    id: `${check}:${account}:${resource}`,
    check,
    account,
    resource,
    severity: POSTURE_CHECKS[check].severity,
    title,
    evidence,
    standard: POSTURE_CHECKS[check].standard,
    remediation,
  };
}

/** Do the selectors record management events, both reads and writes (together, across selectors)? */
function managementReadWrite(
  basic: EventSelector[] | undefined,
  advanced: AdvancedEventSelector[] | undefined,
): boolean {
  let reads = false;
  let writes = false;
  if (advanced?.length) {
    for (const s of advanced) {
      const fields = s.FieldSelectors ?? [];
      if (!fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management'))) continue;
      const readOnly = fields.find((f) => f.Field === 'readOnly');
      if (!readOnly) reads = writes = true;
      else if (readOnly.Equals?.includes('true')) reads = true;
      else if (readOnly.Equals?.includes('false')) writes = true;
    }
  } else {
    for (const s of basic ?? []) {
      if (s.IncludeManagementEvents === false) continue;
      const rw = s.ReadWriteType ?? 'All';
      if (rw === 'All' || rw === 'ReadOnly') reads = true;
      if (rw === 'All' || rw === 'WriteOnly') writes = true;
    }
  }
  return reads && writes;
}

/** Does the trail record S3 object-level events for the bucket? */
function recordsDataEvents(
  bucket: string,
  basic: EventSelector[] | undefined,
  advanced: AdvancedEventSelector[] | undefined,
): boolean {
  const arn = `arn:aws:s3:::${bucket}/`;
  if (advanced?.length) {
    return advanced.some((s) => {
      const fields = s.FieldSelectors ?? [];
      const data = fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Data'));
      const s3 = fields.some((f) => f.Field === 'resources.type' && f.Equals?.includes('AWS::S3::Object'));
      const arns = fields.filter((f) => f.Field === 'resources.ARN');
      // Equals names single objects: only a prefix (StartsWith) or no ARN condition covers the bucket.
      const covers = !arns.length || arns.some((f) => f.StartsWith?.some((p) => arn.startsWith(p)));
      return data && s3 && covers;
    });
  }
  return (basic ?? []).some((s) =>
    (s.DataResources ?? []).some(
      (d) =>
        d.Type === 'AWS::S3::Object' &&
        (d.Values ?? []).some((v) => v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || arn.startsWith(v)),
    ),
  );
}

/** Only CloudTrail may write to the trail's bucket: any other principal allowed to PutObject is a finding. */
function otherWriters(policy: string | undefined): string[] {
  if (!policy) return [];
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return ['(unreadable policy)'];
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const out: string[] = [];
  for (const st of statements as { Effect?: string; Action?: string | string[]; Principal?: unknown }[]) {
    if (st.Effect !== 'Allow') continue;
    const actions = ([] as string[]).concat(st.Action ?? []);
    // IAM actions are case-insensitive and may be wildcards: s3:Put*, s3:*Object, s3:*, *.
    const grants = (a: string) =>
      new RegExp(
        `^${a
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      ).test('s3:PutObject');
    if (!actions.some(grants)) continue;
    const p = st.Principal;
    const services =
      p && typeof p === 'object' && 'Service' in (p as object)
        ? ([] as string[]).concat((p as { Service: string | string[] }).Service)
        : [];
    const onlyCloudTrail =
      services.length > 0 &&
      services.every((s) => s === 'cloudtrail.amazonaws.com') &&
      !('AWS' in (p as object));
    if (!onlyCloudTrail) out.push(JSON.stringify(p ?? '*'));
  }
  return out;
}

const SKIP = Symbol('not checked');

/**
 * The trail bucket's protection. Each read stands alone: one the bot may not make (the bucket is often in
 * a log-archive account) is listed as not checked, naming the action, and the other checks still run.
 */
async function bucketChecks(
  o: PostureOptions,
  bucket: string,
  notChecked: NotChecked[],
): Promise<PostureFinding[]> {
  const out: PostureFinding[] = [];
  const a = o.account;
  const s3 = o.s3;
  /** The finding each read decides, so a check not made keeps last week's finding open in the digest. */
  const decides: Record<string, PostureCheckId> = {
    's3:GetBucketPublicAccessBlock': 'bucket-public',
    's3:GetBucketPolicyStatus': 'bucket-public',
    's3:GetBucketVersioning': 'bucket-versioning',
    's3:GetBucketObjectLockConfiguration': 'bucket-object-lock',
    's3:GetBucketLogging': 'bucket-access-logging',
    's3:GetBucketPolicy': 'bucket-policy-writers',
  };
  // Only a refusal is skipped (the bucket is often in a log-archive account); throttling, network and
  // other failures fail the check as a whole, said plainly, rather than pass it quietly.
  const read = async <T>(action: string, fn: () => Promise<T>): Promise<T | typeof SKIP> => {
    try {
      return await fn();
    } catch (err) {
      const e = awsError(err, { service: 'S3', action, where: `bucket ${bucket}` });
      if (!(e instanceof UpstreamDeniedError)) throw e;
      notChecked.push({
        id: `${decides[action] ?? 'bucket-public'}:${a}:${bucket}`,
        reason: `${bucket}: ${e.message}`,
      });
      return SKIP;
    }
  };
  const pab = await read('s3:GetBucketPublicAccessBlock', () =>
    s3
      .send(new GetPublicAccessBlockCommand({ Bucket: bucket }))
      .then((r) => r.PublicAccessBlockConfiguration)
      .catch((err) =>
        errName(err) === 'NoSuchPublicAccessBlockConfiguration' ? undefined : Promise.reject(err),
      ),
  );
  const status = await read('s3:GetBucketPolicyStatus', () =>
    s3
      .send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))
      .then((r) => r.PolicyStatus?.IsPublic ?? false)
      .catch((err) => (errName(err) === 'NoSuchBucketPolicy' ? false : Promise.reject(err))),
  );
  const blocked =
    pab !== SKIP &&
    pab?.BlockPublicAcls &&
    pab.IgnorePublicAcls &&
    pab.BlockPublicPolicy &&
    pab.RestrictPublicBuckets;
  if (status === true || (pab !== SKIP && !blocked))
    out.push(
      finding(
        'bucket-public',
        a,
        bucket,
        status === true
          ? 'the trail’s bucket is public'
          : 'the trail’s bucket has no full public access block',
        status === true
          ? 'GetBucketPolicyStatus: IsPublic true'
          : `public access block: ${pab && pab !== SKIP ? JSON.stringify(pab) : 'none'}`,
        `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
      ),
    );
  const versioning = await read('s3:GetBucketVersioning', () =>
    s3.send(new GetBucketVersioningCommand({ Bucket: bucket })),
  );
  if (versioning !== SKIP && versioning.Status !== 'Enabled')
    out.push(
      finding(
        'bucket-versioning',
        a,
        bucket,
        'versioning is off on the trail’s bucket',
        `versioning ${versioning.Status ?? 'never enabled'}: a deleted or overwritten log is gone`,
        `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
      ),
    );
  if (o.requireObjectLock) {
    const lock = await read('s3:GetBucketObjectLockConfiguration', () =>
      s3
        .send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))
        .then((r) => r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled')
        .catch((err) =>
          errName(err) === 'ObjectLockConfigurationNotFoundError' ? false : Promise.reject(err),
        ),
    );
    if (lock === false && versioning !== SKIP && versioning.MFADelete !== 'Enabled')
      out.push(
        finding(
          'bucket-object-lock',
          a,
          bucket,
          'neither Object Lock nor MFA delete protects the logs',
          `Object Lock off; MFA delete ${versioning.MFADelete ?? 'Disabled'}`,
          `aws s3api put-object-lock-configuration --bucket ${bucket} --object-lock-configuration 'ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=365}}'`,
        ),
      );
  }
  const logging = await read('s3:GetBucketLogging', () =>
    s3.send(new GetBucketLoggingCommand({ Bucket: bucket })),
  );
  if (logging !== SKIP && !logging.LoggingEnabled)
    out.push(
      finding(
        'bucket-access-logging',
        a,
        bucket,
        'server access logging is off on the trail’s bucket',
        'GetBucketLogging: no LoggingEnabled',
        `aws s3api put-bucket-logging --bucket ${bucket} --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"${bucket}/"}}'`,
      ),
    );
  const policy = await read('s3:GetBucketPolicy', () =>
    s3
      .send(new GetBucketPolicyCommand({ Bucket: bucket }))
      .then((r) => r.Policy)
      .catch((err) => (errName(err) === 'NoSuchBucketPolicy' ? undefined : Promise.reject(err))),
  );
  const writers = policy === SKIP ? [] : otherWriters(policy);
  if (writers.length)
    out.push(
      finding(
        'bucket-policy-writers',
        a,
        bucket,
        'the bucket policy lets more than CloudTrail write',
        `PutObject allowed to ${writers.join(', ')}`,
        `aws s3api get-bucket-policy --bucket ${bucket}  # keep s3:PutObject for the cloudtrail.amazonaws.com service principal only`,
      ),
    );
  return out;
}

/**
 * Is the audit trail itself intact? DescribeTrails in every region (shadow trails included, deduplicated
 * by ARN), each trail's status, selectors and Insights from its home region, and its bucket's protection.
 */
export async function checkPosture(o: PostureOptions): Promise<PostureResult> {
  const trails = new Map<string, Trail>();
  for (const region of o.regions) {
    const r = await o.cloudTrailFor(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    for (const t of r.trailList ?? []) if (t.TrailARN && !trails.has(t.TrailARN)) trails.set(t.TrailARN, t);
  }
  // The account asked about; unknown, the one whose trails these are.
  const a =
    o.account ||
    /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:(\d{12}):/.exec([...trails.keys()][0] ?? '')?.[1] ||
    'this-account';
  const out: PostureFinding[] = [];
  const delivery: DeliveryHealth[] = [];
  const logging: { trail: Trail; status: GetTrailStatusCommandOutput; mgmt: boolean }[] = [];
  const buckets = new Set<string>();
  const dataCovered = new Set<string>();
  let insightsOn = false;
  for (const t of trails.values()) {
    const home = t.HomeRegion ?? (o.regions[0] as string);
    const ct = o.cloudTrailFor(home);
    const name = t.Name ?? t.TrailARN ?? 'trail';
    const status = await ct.send(new GetTrailStatusCommand({ Name: t.TrailARN }));
    const sel = await ct.send(new GetEventSelectorsCommand({ TrailName: t.TrailARN }));
    const mgmt = managementReadWrite(sel.EventSelectors, sel.AdvancedEventSelectors);
    for (const b of o.sensitiveBuckets)
      if (status.IsLogging && recordsDataEvents(b, sel.EventSelectors, sel.AdvancedEventSelectors))
        dataCovered.add(b);
    const insights = await ct
      .send(new GetInsightSelectorsCommand({ TrailName: t.TrailARN }))
      .then((r) => (r.InsightSelectors ?? []).length > 0)
      .catch((err) => (errName(err) === 'InsightNotEnabledException' ? false : Promise.reject(err)));
    // A trail that is not logging records nothing: its selectors cover no data events or Insights.
    insightsOn ||= insights && status.IsLogging === true;
    delivery.push({
      trail: name,
      homeRegion: home,
      isLogging: status.IsLogging ?? false,
      latestDelivery: status.LatestDeliveryTime,
      latestDeliveryError: status.LatestDeliveryError || undefined,
    });
    if (status.IsLogging) logging.push({ trail: t, status, mgmt });
    if (t.S3BucketName) buckets.add(t.S3BucketName);
    const age = status.LatestDeliveryTime
      ? (o.now.getTime() - status.LatestDeliveryTime.getTime()) / 3_600_000
      : undefined;
    if (status.IsLogging && (status.LatestDeliveryError || age === undefined || age > o.maxDeliveryAgeHours))
      out.push(
        finding(
          'delivery-stale',
          a,
          name,
          status.LatestDeliveryError
            ? `${name} fails to deliver`
            : `${name} has not delivered for ${age === undefined ? 'ever' : `${Math.floor(age)} hours`}`,
          `latest delivery ${status.LatestDeliveryTime ? formatUtc(status.LatestDeliveryTime) : 'never'}${status.LatestDeliveryError ? `; error ${status.LatestDeliveryError}` : ''}`,
          `aws cloudtrail get-trail-status --name ${name}  # check the bucket policy and KMS key policy let CloudTrail write`,
        ),
      );
    if (status.IsLogging && !mgmt)
      out.push(
        finding(
          'management-events',
          a,
          name,
          `${name} does not record all management events`,
          'no event selector with management events, read and write',
          `aws cloudtrail put-event-selectors --trail-name ${name} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`,
        ),
      );
    if (!t.LogFileValidationEnabled)
      out.push(
        finding(
          'log-file-validation',
          a,
          name,
          `log file validation is off on ${name}`,
          'LogFileValidationEnabled false: altered or deleted log files cannot be detected',
          `aws cloudtrail update-trail --name ${name} --enable-log-file-validation`,
        ),
      );
    if (!t.KmsKeyId)
      out.push(
        finding(
          'kms-encryption',
          a,
          name,
          `${name} is not encrypted with a KMS key`,
          'no KmsKeyId: logs use S3-managed keys only',
          `aws cloudtrail update-trail --name ${name} --kms-key-id <key arn>  # the key policy must allow CloudTrail`,
        ),
      );
    if (!t.CloudWatchLogsLogGroupArn)
      out.push(
        finding(
          'cloudwatch-logs',
          a,
          name,
          `${name} does not send to CloudWatch Logs`,
          'no CloudWatchLogsLogGroupArn: no metric-filter alarms on API activity',
          `aws cloudtrail update-trail --name ${name} --cloud-watch-logs-log-group-arn <log group arn> --cloud-watch-logs-role-arn <role arn>`,
        ),
      );
  }
  const good = logging.filter((l) => l.mgmt);
  if (!good.some((l) => l.trail.IsMultiRegionTrail))
    out.push(
      finding(
        'multi-region-logging',
        a,
        'account',
        'no multi-region trail is logging management events',
        `${trails.size} trail${trails.size === 1 ? '' : 's'} found; ${logging.length} logging; multi-region and logging: ${
          logging
            .filter((l) => l.trail.IsMultiRegionTrail)
            .map((l) => l.trail.Name)
            .join(', ') || 'none'
        }`,
        `aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> --is-multi-region-trail --enable-log-file-validation && aws cloudtrail start-logging --name org-trail`,
      ),
    );
  for (const region of o.regions) {
    const covered = good.some((l) => l.trail.IsMultiRegionTrail || l.trail.HomeRegion === region);
    if (!covered)
      out.push(
        finding(
          'region-not-covered',
          a,
          region,
          `${region} is not covered by a logging trail`,
          `no logging trail records management events in ${region}`,
          `aws cloudtrail update-trail --name <trail> --is-multi-region-trail`,
        ),
      );
  }
  if (!insightsOn && trails.size)
    out.push(
      finding(
        'insights',
        a,
        'account',
        'CloudTrail Insights is not enabled',
        'no trail has insight selectors: unusual call volumes and error rates go unnoticed',
        `aws cloudtrail put-insight-selectors --trail-name <trail> --insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'`,
      ),
    );
  for (const b of o.sensitiveBuckets)
    if (!dataCovered.has(b))
      out.push(
        finding(
          's3-data-events',
          a,
          b,
          `object-level events of ${b} are not recorded`,
          'no trail has a data event selector for it',
          `aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors '[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::${b}/"]}]}]'`,
        ),
      );
  if (o.organizations) {
    const org = await o.organizations
      .send(new DescribeOrganizationCommand({}))
      .then((r) => r.Organization)
      .catch((err) =>
        errName(err) === 'AWSOrganizationsNotInUseException' ? undefined : Promise.reject(err),
      );
    const management = org?.MasterAccountId === a;
    if (management && ![...trails.values()].some((t) => t.IsOrganizationTrail))
      out.push(
        finding(
          'organization-trail',
          a,
          org?.Id ?? 'organization',
          'this management account has no organization trail',
          'no trail with IsOrganizationTrail: member accounts can turn their own trails off',
          `aws cloudtrail update-trail --name <trail> --is-organization-trail`,
        ),
      );
  }
  const notChecked: NotChecked[] = [];
  for (const b of buckets) out.push(...(await bucketChecks({ ...o, account: a }, b, notChecked)));
  out.sort((x, y) => bySeverity(x.severity, y.severity) || x.id.localeCompare(y.id));
  return {
    account: a,
    regions: o.regions,
    trails: trails.size,
    findings: out,
    delivery,
    notChecked,
    checkedAt: o.now,
  };
}
