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
  /** An IAM user's long-term key; a role's key is its session's (see session()). */
  key: string;
  /** How often this principal calls, relative to the others. */
  weight: number;
}

// User agents as CloudTrail records them: today's SDKs and the CLI append their metadata and the command.
const CLI =
  'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.3.0 md/arch#arm64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off';
const BOTO =
  'Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.5.0-1014-aws md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51';
const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 api/';
const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';

const PEOPLE: readonly Person[] = [
  { kind: 'user', name: 'alice', ip: '203.0.113.10', agent: CLI, key: 'AKIAEXAMPLEALICE0001', weight: 5 },
  { kind: 'user', name: 'bob', ip: '198.51.100.23', agent: BOTO, key: 'AKIAEXAMPLEBOB000002', weight: 5 },
  { kind: 'role', name: 'ci-deploy', ip: '192.0.2.44', agent: TERRAFORM, key: '', weight: 5 },
  { kind: 'role', name: 'Admin', ip: '203.0.113.77', agent: BROWSER, key: '', weight: 4 },
  {
    kind: 'service',
    name: 'config.amazonaws.com',
    ip: 'config.amazonaws.com',
    agent: 'config.amazonaws.com',
    key: '',
    weight: 4,
  },
  {
    kind: 'user',
    name: 'dave',
    ip: '198.51.100.140',
    agent: BROWSER,
    key: 'AKIAEXAMPLEDAVE00005',
    weight: 1,
  },
];
const ROOT: Person = { kind: 'root', name: 'root', ip: '203.0.113.200', agent: BROWSER, key: '', weight: 0 };
const WEIGHTS = PEOPLE.reduce((n, p) => n + p.weight, 0);
function person(r: Rand): Person {
  let x = r() * WEIGHTS;
  for (const p of PEOPLE) {
    x -= p.weight;
    if (x < 0) return p;
  }
  return PEOPLE[0] as Person;
}

/** What one call adds to its record: parameters, response, the resources it named. */
interface Call {
  params: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  resources?: { type: string; ARN: string }[];
}
type Routine = readonly [string, string, boolean, (r: Rand, account: string, region: string) => Call];

const BUCKETS = ['acme-payments-archive', 'acme-web-assets', 'acme-logs', 'acme-data-lake'] as const;
const PARAMETERS = ['/app/prod/db-url', '/app/prod/api-key', '/app/staging/db-url', '/shared/feature-flags'];
const instanceId = (r: Rand) => `i-0${hex(r, 16)}`;
const kmsKey = (r: Rand, account: string, region: string): Call['resources'] => [
  { type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${region}:${account}:key/${pick(r, KEYS)}` },
];
const KEYS = ['1f2e3d4c-5b6a-4789-8abc-def012345678', '9a8b7c6d-5e4f-4321-9fed-cba987654321'];

// Routine management activity: [eventSource, eventName, readOnly, call]
const ROUTINE: readonly Routine[] = [
  ['s3.amazonaws.com', 'ListBuckets', true, () => ({ params: { Host: 's3.amazonaws.com' } })],
  [
    's3.amazonaws.com',
    'GetBucketAcl',
    true,
    (r) => {
      const b = pick(r, BUCKETS);
      return {
        params: { bucketName: b, Host: `${b}.s3.amazonaws.com`, acl: '' },
        resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` }],
      };
    },
  ],
  [
    's3.amazonaws.com',
    'CreateBucket',
    false,
    (r) => {
      const b = `scratch-${hex(r, 6)}`;
      return {
        params: { bucketName: b, Host: `${b}.s3.amazonaws.com`, 'x-amz-acl': 'private' },
        resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` }],
      };
    },
  ],
  [
    'ec2.amazonaws.com',
    'DescribeInstances',
    true,
    (r) => ({
      params: {
        instancesSet: { items: [{ instanceId: instanceId(r) }] },
        filterSet: { items: [{ name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } }] },
      },
    }),
  ],
  [
    'ec2.amazonaws.com',
    'DescribeSecurityGroups',
    true,
    (r) => ({
      params: {
        securityGroupSet: {},
        securityGroupIdSet: { items: [{ groupId: `sg-0${hex(r, 16)}` }] },
        filterSet: {},
      },
    }),
  ],
  [
    'ec2.amazonaws.com',
    'RunInstances',
    false,
    (r) => {
      const id = instanceId(r);
      const type = pick(r, ['t3.micro', 'm6i.large']);
      return {
        params: {
          instancesSet: { items: [{ imageId: `ami-0${hex(r, 16)}`, minCount: 1, maxCount: 1 }] },
          instanceType: type,
          subnetId: `subnet-0${hex(r, 16)}`,
        },
        response: {
          requestId: uuid(r),
          reservationId: `r-0${hex(r, 16)}`,
          instancesSet: {
            items: [
              {
                instanceId: id,
                instanceType: type,
                privateIpAddress: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
              },
            ],
          },
        },
      };
    },
  ],
  ['sts.amazonaws.com', 'GetCallerIdentity', true, () => ({ params: null })],
  [
    'sts.amazonaws.com',
    'AssumeRole',
    false,
    (r, account) => {
      const session = `gh-${hex(r, 6)}`;
      return {
        params: {
          roleArn: `arn:aws:iam::${account}:role/ci-deploy`,
          roleSessionName: session,
          durationSeconds: 3600,
        },
        response: {
          credentials: {
            accessKeyId: `ASIA${hex(r, 16).toUpperCase()}`,
            sessionToken: base64(r, 320),
            expiration: 'Oct 1, 2026, 1:00:00 PM',
          },
          assumedRoleUser: {
            assumedRoleId: `AROAEXAMPLECI-DEPLOY:${session}`,
            arn: `arn:aws:sts::${account}:assumed-role/ci-deploy/${session}`,
          },
        },
        resources: [{ type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${account}:role/ci-deploy` }],
      };
    },
  ],
  ['iam.amazonaws.com', 'ListUsers', true, () => ({ params: null })],
  ['iam.amazonaws.com', 'GetRole', true, () => ({ params: { roleName: 'ci-deploy' } })],
  ['lambda.amazonaws.com', 'ListFunctions20150331', true, () => ({ params: null })],
  [
    'kms.amazonaws.com',
    'Decrypt',
    true,
    (r, account, region) => ({
      params: {
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        encryptionContext: {
          'aws:lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:orders-${pick(r, ['api', 'worker'])}`,
        },
      },
      resources: kmsKey(r, account, region),
    }),
  ],
  [
    'kms.amazonaws.com',
    'GenerateDataKey',
    true,
    (r, account, region) => ({
      params: {
        keyId: 'alias/aws/secretsmanager',
        keySpec: 'AES_256',
        encryptionContext: {
          SecretARN: `arn:aws:secretsmanager:${region}:${account}:secret:prod/db-${hex(r, 6)}`,
          SecretVersionId: uuid(r).toUpperCase(),
        },
      },
      resources: kmsKey(r, account, region),
    }),
  ],
  [
    'ssm.amazonaws.com',
    'GetParameter',
    true,
    (r) => ({ params: { name: pick(r, PARAMETERS), withDecryption: true } }),
  ],
  [
    'secretsmanager.amazonaws.com',
    'GetSecretValue',
    true,
    (r, account, region) => ({
      params: { secretId: `arn:aws:secretsmanager:${region}:${account}:secret:prod/db-${hex(r, 6)}` },
    }),
  ],
  [
    'logs.amazonaws.com',
    'CreateLogStream',
    false,
    (r) => ({
      params: {
        logGroupName: '/aws/lambda/orders-worker',
        logStreamName: `2026/10/01/[$LATEST]${hex(r, 32)}`,
      },
    }),
  ],
  ['cloudtrail.amazonaws.com', 'LookupEvents', true, () => ({ params: { maxResults: 50 } })],
  ['dynamodb.amazonaws.com', 'DescribeTable', true, () => ({ params: { tableName: 'orders' } })],
];

/** Changes to IAM, a few a day: who can do what. */
const IAM_CHANGES: readonly Routine[] = [
  [
    'iam.amazonaws.com',
    'CreateAccessKey',
    false,
    (r) => ({
      params: { userName: 'dave' },
      response: {
        accessKey: {
          userName: 'dave',
          accessKeyId: `AKIA${hex(r, 16).toUpperCase()}`,
          status: 'Active',
          createDate: 'Oct 1, 2026, 9:00:00 AM',
        },
      },
    }),
  ],
  [
    'iam.amazonaws.com',
    'AttachRolePolicy',
    false,
    () => ({ params: { roleName: 'ci-deploy', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } }),
  ],
  [
    'iam.amazonaws.com',
    'PutUserPolicy',
    false,
    () => ({
      params: {
        userName: 'bob',
        policyName: 'inline-s3',
        policyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
      },
    }),
  ],
];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const base64 = (r: Rand, n: number) => Array.from({ length: n }, () => BASE64[Math.floor(r() * 64)]).join('');

/** The demo's bucket, deleted by bob on the middle day. */
export const DEMO_BUCKET = 'acme-payments-archive';

/** A role's session changes every hour: its name, its temporary key, when it was made. */
function session(p: Person, t: Date): { name: string; key: string; created: string } {
  const hour = Math.floor(t.getTime() / 3_600_000);
  const h = prng(hour ^ (p.name.length * 7919));
  const created = new Date(hour * 3_600_000);
  return {
    name: p.name === 'Admin' ? 'carol@acme.example' : `gh-${hex(h, 6)}`,
    key: `ASIA${hex(h, 16).toUpperCase()}`,
    created: iso(created),
  };
}

function identity(p: Person, account: string, t: Date): Record<string, unknown> {
  if (p.kind === 'service') return { type: 'AWSService', invokedBy: p.name };
  if (p.kind === 'root')
    return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account };
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
  const s = session(p, t);
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${p.name.toUpperCase()}:${s.name}`,
    arn: `arn:aws:sts::${account}:assumed-role/${p.name}/${s.name}`,
    accountId: account,
    accessKeyId: s.key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${p.name.toUpperCase()}`,
        arn: `arn:aws:iam::${account}:role/${p.name}`,
        accountId: account,
        userName: p.name,
      },
      webIdFederationData: {},
      attributes: { creationDate: s.created, mfaAuthenticated: String(p.name === 'Admin') },
    },
  };
}

/** A refusal as each service words it. */
function denial(
  r: Rand,
  p: Person,
  account: string,
  t: Date,
  source: string,
  name: string,
): Record<string, unknown> {
  const service = source.split('.')[0] as string;
  if (service === 'ec2')
    return {
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: `You are not authorized to perform this operation. User: ${String(identity(p, account, t).arn)} is not authorized to perform: ec2:${name} because no identity-based policy allows the ec2:${name} action. Encoded authorization failure message: ${base64(r, 400)}`,
    };
  return {
    errorCode: 'AccessDenied',
    errorMessage: `User: ${String(identity(p, account, t).arn)} is not authorized to perform: ${service}:${name} because no identity-based policy allows the ${service}:${name} action`,
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
  call: Call,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const global = source === 'iam.amazonaws.com' || source === 'sts.amazonaws.com';
  const host = `${source.split('.')[0]}.${global ? 'amazonaws.com' : `${region}.amazonaws.com`}`;
  return {
    eventVersion: '1.09',
    userIdentity: identity(p, account, t),
    eventTime: iso(t),
    eventSource: source,
    eventName: name,
    awsRegion: global ? 'us-east-1' : region,
    sourceIPAddress: p.ip,
    // The CLI names the command it ran; Terraform the API.
    userAgent:
      p.agent === CLI
        ? `${p.agent} md/command#${source.split('.')[0]}.${name.toLowerCase()}`
        : p.agent === TERRAFORM
          ? `${p.agent}${source.split('.')[0]}#1.0`
          : p.agent,
    requestParameters: call.params,
    responseElements: call.response ?? null,
    // S3 request ids are 16 hex digits; the other services' are UUIDs.
    requestID: source === 's3.amazonaws.com' ? hex(r, 16).toUpperCase() : uuid(r),
    eventID: uuid(r),
    readOnly,
    ...(call.resources ? { resources: call.resources.map((x) => ({ accountId: account, ...x })) } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: r() < 0.8 ? 'TLSv1.3' : 'TLSv1.2',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: host,
    },
    ...extra,
  };
}

/** A console sign-in: most succeed, some are refused. */
function consoleLogin(r: Rand, t: Date, account: string, p: Person): Record<string, unknown> {
  const failed = r() < 0.2;
  return {
    ...record(r, t, account, 'us-east-1', p, 'signin.amazonaws.com', 'ConsoleLogin', false, {
      params: null,
      response: { ConsoleLogin: failed ? 'Failure' : 'Success' },
    }),
    eventType: 'AwsConsoleSignIn',
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
      MobileVersion: 'No',
      MFAUsed: p.kind === 'root' ? 'Yes' : 'No',
    },
    ...(failed ? { errorMessage: 'Failed authentication' } : {}),
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'signin.aws.amazon.com',
    },
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
          const p = person(r);
          const x = r();
          if (x < 0.0005 && p.kind === 'user') {
            records.push(consoleLogin(r, t, account, p));
            continue;
          }
          if (x >= 0.0005 && x < 0.0006) {
            records.push(
              x < 0.00055
                ? consoleLogin(r, t, account, ROOT)
                : record(r, t, account, region, ROOT, 'iam.amazonaws.com', 'GetAccountSummary', true, {
                    params: null,
                  }),
            );
            continue;
          }
          const iamChange = x < 0.002 && p.kind === 'role';
          const [source, name, ro, call] = pick(r, iamChange ? IAM_CHANGES : ROUTINE);
          // A few calls in a hundred are refused, and a few in a thousand throttled, as in real trails.
          const y = p.kind === 'service' ? 1 : r();
          const outcome =
            y < 0.03
              ? denial(r, p, account, t, source, name)
              : y < 0.035
                ? { errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' }
                : undefined;
          const c = call(r, account, region);
          records.push(
            record(r, t, account, region, p, source, name, ro, outcome ? { params: c.params } : c, outcome),
          );
        }
        if (account === account0 && region === region0) {
          const bucket = { bucketName: DEMO_BUCKET, Host: `${DEMO_BUCKET}.s3.amazonaws.com` };
          if (failedAt.getTime() >= t0 && failedAt.getTime() < t0 + stepMs) {
            records.push(
              record(
                r,
                failedAt,
                account,
                region,
                bob,
                's3.amazonaws.com',
                'DeleteBucket',
                false,
                { params: bucket },
                {
                  errorCode: 'BucketNotEmpty',
                  errorMessage: 'The bucket you tried to delete is not empty',
                },
              ),
            );
          }
          if (deleteAt.getTime() >= t0 && deleteAt.getTime() < t0 + stepMs) {
            records.push({
              ...record(r, deleteAt, account, region, bob, 's3.amazonaws.com', 'DeleteBucket', false, {
                params: bucket,
              }),
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
