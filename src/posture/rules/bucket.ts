import { finding, type NotChecked, type PostureCheckId, type PostureFinding } from '../checks.js';
import { type BucketFacts, refused } from '../facts.js';
import type { PostureRule } from './types.js';

/** The finding each bucket read decides, so a read refused keeps last week's finding open in the digest. */
const DECIDES: Record<string, PostureCheckId> = {
  's3:GetBucketPublicAccessBlock': 'bucket-public',
  's3:GetBucketPolicyStatus': 'bucket-public',
  's3:GetBucketVersioning': 'bucket-versioning',
  's3:GetBucketObjectLockConfiguration': 'bucket-object-lock',
  's3:GetBucketLogging': 'bucket-access-logging',
  's3:GetBucketPolicy': 'bucket-policy-writers',
};

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

/**
 * The trail's bucket protects the logs (CIS 3.3/3.4): not public, versioned, locked when required, access
 * logged, writable by CloudTrail alone. A setting the bot was refused is listed as not checked.
 */
export const bucketRules: PostureRule = (facts, opts) => {
  const findings: PostureFinding[] = [];
  const notChecked: NotChecked[] = [];
  for (const b of facts.buckets) {
    for (const r of [
      b.publicAccessBlock,
      b.policyIsPublic,
      b.versioning,
      b.objectLock,
      b.accessLogging,
      b.policy,
    ])
      if (r !== undefined && refused(r))
        notChecked.push({
          id: `${DECIDES[r.action] ?? 'bucket-public'}:${facts.account}:${b.name}`,
          reason: r.reason,
        });
    findings.push(...bucketFindings(facts.account, b, opts.requireObjectLock));
  }
  return { findings, notChecked };
};

function bucketFindings(a: string, b: BucketFacts, requireObjectLock: boolean): PostureFinding[] {
  const out: PostureFinding[] = [];
  const bucket = b.name;
  const pab = b.publicAccessBlock;
  const isPublic = b.policyIsPublic === true;
  const blocked =
    !refused(pab) &&
    pab?.BlockPublicAcls &&
    pab.IgnorePublicAcls &&
    pab.BlockPublicPolicy &&
    pab.RestrictPublicBuckets;
  if (isPublic || (!refused(pab) && !blocked))
    out.push(
      finding(
        'bucket-public',
        a,
        bucket,
        isPublic ? 'the trail’s bucket is public' : 'the trail’s bucket has no full public access block',
        isPublic
          ? 'GetBucketPolicyStatus: IsPublic true'
          : `public access block: ${pab && !refused(pab) ? JSON.stringify(pab) : 'none'}`,
        `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
      ),
    );
  const v = b.versioning;
  if (!refused(v) && v.status !== 'Enabled')
    out.push(
      finding(
        'bucket-versioning',
        a,
        bucket,
        'versioning is off on the trail’s bucket',
        `versioning ${v.status ?? 'never enabled'}: a deleted or overwritten log is gone`,
        `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
      ),
    );
  if (requireObjectLock && b.objectLock === false && !refused(v) && v.mfaDelete !== 'Enabled')
    out.push(
      finding(
        'bucket-object-lock',
        a,
        bucket,
        'neither Object Lock nor MFA delete protects the logs',
        `Object Lock off; MFA delete ${v.mfaDelete ?? 'Disabled'}`,
        `aws s3api put-object-lock-configuration --bucket ${bucket} --object-lock-configuration 'ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=365}}'`,
      ),
    );
  if (b.accessLogging === false)
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
  const writers = refused(b.policy) ? [] : otherWriters(b.policy);
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
