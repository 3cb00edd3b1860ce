import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DAY_MS } from '../time.js';

/** How big and where: the demo is small, the benchmark archive holds a million events. */
export interface ArchiveSpec {
  dir: string;
  seed: number;
  /** The first day (UTC midnight) of the archive. */
  start: Date;
  days: number;
  accounts: string[];
  regions: string[];
  /** Minutes between delivery files per account and region (CloudTrail delivers about every 5). */
  fileMinutes: number;
  eventsPerFile: number;
  /** Write under AWSLogs/o-<org>/… as an organization trail does. */
  orgId?: string | undefined;
}

/** The planted deletion the demo asks about, so its answer is known. */
export interface PlantedDeletion {
  bucket: string;
  userName: string;
  userArn: string;
  sourceIp: string;
  eventId: string;
  time: Date;
  failedAttemptTime: Date;
  account: string;
  region: string;
}

/** What was written. */
export interface ArchiveSummary {
  files: number;
  events: number;
  planted: PlantedDeletion;
}

/** mulberry32: a small seeded PRNG, so the same seed writes the same archive. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const hex = (r: Rand, n: number) =>
  Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const uuid = (r: Rand) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

interface Person {
  kind: 'user' | 'role' | 'root' | 'service';
  name: string;
  ip: string;
  agent: string;
  key: string;
}

const PEOPLE: readonly Person[] = [
  {
    kind: 'user',
    name: 'alice',
    ip: '203.0.113.10',
    agent: 'aws-cli/2.15.30 Python/3.11.8 Darwin/23.3.0',
    key: 'AKIAEXAMPLEALICE0001',
  },
  {
    kind: 'user',
    name: 'bob',
    ip: '198.51.100.23',
    agent: 'Boto3/1.34.51 Python/3.12.2 Linux/6.5.0',
    key: 'AKIAEXAMPLEBOB000002',
  },
  {
    kind: 'role',
    name: 'ci-deploy',
    ip: '192.0.2.44',
    agent: 'APN/1.0 HashiCorp/1.0 Terraform/1.7.4',
    key: 'ASIAEXAMPLECIDEPLOY3',
  },
  {
    kind: 'role',
    name: 'Admin',
    ip: '203.0.113.77',
    agent: 'Mozilla/5.0 (Macintosh) Chrome/122.0',
    key: 'ASIAEXAMPLEADMIN0004',
  },
  {
    kind: 'service',
    name: 'config.amazonaws.com',
    ip: 'config.amazonaws.com',
    agent: 'config.amazonaws.com',
    key: '',
  },
];

// Routine management activity: [eventSource, eventName, readOnly, requestParameters]
const ROUTINE: readonly [string, string, boolean, (r: Rand) => Record<string, unknown> | null][] = [
  ['s3.amazonaws.com', 'ListBuckets', true, () => null],
  ['s3.amazonaws.com', 'GetBucketAcl', true, (r) => ({ bucketName: pick(r, BUCKETS), acl: '' })],
  ['s3.amazonaws.com', 'CreateBucket', false, (r) => ({ bucketName: `scratch-${hex(r, 6)}` })],
  ['ec2.amazonaws.com', 'DescribeInstances', true, () => ({ instancesSet: {}, filterSet: {} })],
  [
    'ec2.amazonaws.com',
    'RunInstances',
    false,
    (r) => ({ instanceType: pick(r, ['t3.micro', 'm6i.large']), minCount: 1 }),
  ],
  ['sts.amazonaws.com', 'GetCallerIdentity', true, () => null],
  [
    'sts.amazonaws.com',
    'AssumeRole',
    false,
    (r) => ({ roleArn: 'arn:aws:iam::ACCOUNT:role/ci-deploy', roleSessionName: `gh-${hex(r, 6)}` }),
  ],
  ['iam.amazonaws.com', 'ListUsers', true, () => null],
  ['iam.amazonaws.com', 'GetRole', true, () => ({ roleName: 'ci-deploy' })],
  ['lambda.amazonaws.com', 'ListFunctions20150331', true, () => null],
  ['kms.amazonaws.com', 'Decrypt', true, () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' })],
  ['cloudtrail.amazonaws.com', 'LookupEvents', true, () => ({ maxResults: 50 })],
  ['dynamodb.amazonaws.com', 'DescribeTable', true, () => ({ tableName: 'orders' })],
];
const BUCKETS = ['acme-payments-archive', 'acme-web-assets', 'acme-logs', 'acme-data-lake'] as const;

/** The bucket the demo deletes. */
export const DEMO_BUCKET = 'acme-payments-archive';

function identity(p: Person, account: string): Record<string, unknown> {
  if (p.kind === 'service') return { type: 'AWSService', invokedBy: p.name };
  if (p.kind === 'user') {
    return {
      type: 'IAMUser',
      // An IAM user's unique id is the same in every event of that user.
      principalId: `AIDA${p.key.slice(4)}`,
      arn: `arn:aws:iam::${account}:user/${p.name}`,
      accountId: account,
      accessKeyId: p.key,
      userName: p.name,
    };
  }
  const session = p.name === 'Admin' ? 'carol@acme.example' : 'github-actions';
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${p.name.toUpperCase()}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${p.name}/${session}`,
    accountId: account,
    accessKeyId: p.key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${p.name.toUpperCase()}`,
        arn: `arn:aws:iam::${account}:role/${p.name}`,
        accountId: account,
        userName: p.name,
      },
      attributes: { creationDate: '2026-11-01T08:00:00Z', mfaAuthenticated: String(p.name === 'Admin') },
    },
  };
}

function record(
  r: Rand,
  t: Date,
  account: string,
  region: string,
  p: Person,
  source: string,
  name: string,
  readOnly: boolean,
  params: Record<string, unknown> | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const global = source === 'iam.amazonaws.com' || source === 'sts.amazonaws.com';
  return {
    eventVersion: '1.09',
    userIdentity: identity(p, account),
    eventTime: iso(t),
    eventSource: source,
    eventName: name,
    awsRegion: global ? 'us-east-1' : region,
    sourceIPAddress: p.ip,
    userAgent: p.agent,
    requestParameters: params,
    responseElements: null,
    requestID: hex(r, 16).toUpperCase(),
    eventID: uuid(r),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${source.split('.')[0]}.${region}.amazonaws.com`,
    },
    ...extra,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Write a deterministic CloudTrail archive in the S3 layout: gzipped `{"Records":[…]}` files under
 * AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/. Routine activity from a few principals, and — in the
 * first account and region, on the middle day — bob fails to delete a full bucket and then
 * deletes it.
 */
export async function generateArchive(spec: ArchiveSpec): Promise<ArchiveSummary> {
  const r = prng(spec.seed);
  const account0 = spec.accounts[0] as string;
  const region0 = spec.regions[0] as string;
  const bob = PEOPLE[1] as Person;
  const midDay = new Date(spec.start.getTime() + Math.floor(spec.days / 2) * DAY_MS);
  const deleteAt = new Date(midDay.getTime() + (14 * 60 + 37) * 60_000 + 12_000);
  const failedAt = new Date(deleteAt.getTime() - 95_000);
  const plantedId = uuid(prng(spec.seed ^ 0x5eed));
  const planted: PlantedDeletion = {
    bucket: DEMO_BUCKET,
    userName: bob.name,
    userArn: `arn:aws:iam::${account0}:user/${bob.name}`,
    sourceIp: bob.ip,
    eventId: plantedId,
    time: deleteAt,
    failedAttemptTime: failedAt,
    account: account0,
    region: region0,
  };
  let files = 0;
  let events = 0;
  const stepMs = spec.fileMinutes * 60_000;
  const endMs = spec.start.getTime() + spec.days * DAY_MS;
  const pending: Promise<void>[] = [];
  for (const account of spec.accounts) {
    for (const region of spec.regions) {
      for (let t0 = spec.start.getTime(); t0 < endMs; t0 += stepMs) {
        const records: Record<string, unknown>[] = [];
        for (let i = 0; i < spec.eventsPerFile; i++) {
          const t = new Date(t0 + Math.floor(r() * stepMs));
          const [source, name, ro, params] = pick(r, ROUTINE);
          const p = pick(r, PEOPLE);
          const rp = params(r);
          if (rp && typeof rp.roleArn === 'string') rp.roleArn = rp.roleArn.replace('ACCOUNT', account);
          records.push(record(r, t, account, region, p, source, name, ro, rp));
        }
        if (account === account0 && region === region0) {
          const bucket = { bucketName: DEMO_BUCKET, Host: `${DEMO_BUCKET}.s3.amazonaws.com` };
          if (failedAt.getTime() >= t0 && failedAt.getTime() < t0 + stepMs) {
            records.push(
              record(r, failedAt, account, region, bob, 's3.amazonaws.com', 'DeleteBucket', false, bucket, {
                errorCode: 'BucketNotEmpty',
                errorMessage: 'The bucket you tried to delete is not empty',
              }),
            );
          }
          if (deleteAt.getTime() >= t0 && deleteAt.getTime() < t0 + stepMs) {
            records.push({
              ...record(r, deleteAt, account, region, bob, 's3.amazonaws.com', 'DeleteBucket', false, bucket),
              eventID: plantedId,
              resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${DEMO_BUCKET}` }],
            });
          }
        }
        records.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
        // Delivered a few minutes after the last event, into the folder of the delivery day.
        const delivered = new Date(t0 + stepMs + 3 * 60_000);
        const y = delivered.getUTCFullYear();
        const m = pad(delivered.getUTCMonth() + 1);
        const d = pad(delivered.getUTCDate());
        const folder = join(
          spec.dir,
          'AWSLogs',
          ...(spec.orgId ? [spec.orgId] : []),
          account,
          'CloudTrail',
          region,
          String(y),
          m,
          d,
        );
        const stamp = `${y}${m}${d}T${pad(delivered.getUTCHours())}${pad(delivered.getUTCMinutes())}Z`;
        const file = join(folder, `${account}_CloudTrail_${region}_${stamp}_${hex(r, 16)}.json.gz`);
        const body = gzipSync(JSON.stringify({ Records: records }));
        pending.push(mkdir(folder, { recursive: true }).then(() => writeFile(file, body)));
        if (pending.length >= 64) await Promise.all(pending.splice(0));
        files++;
        events += records.length;
      }
    }
  }
  await Promise.all(pending);
  return { files, events, planted };
}
