// Benchmark: IAM hygiene. (1) AWS API calls per account as users grow (10, 1,000, 10,000): the
// credential-report path Trailbot takes, beside the per-user path a naive tool takes (ListUsers, then
// for each user GetUser, GetLoginProfile, ListMFADevices, ListAccessKeys and GetAccessKeyLastUsed per
// key), both counted against a mocked IAM (aws-sdk-client-mock). (2) Time and memory to parse and check
// a 10,000-user report: median of 7 runs, heap and RSS growth measured around one run.
// Usage: npx tsx bench/hygiene.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { runChecks } from '../src/hygiene/checks.js';
import { fetchAccountDetails, fetchCredentialReport, liveUserRow } from '../src/hygiene/iam.js';
import { parseCredentialReport } from '../src/hygiene/report.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function report(users: number): string {
  const lines = [
    HEADER,
    '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  ];
  for (let i = 0; i < users; i++) {
    const used = i % 3 === 0 ? 'N/A' : '2026-10-01T00:00:00+00:00';
    lines.push(
      `user${i},arn:aws:iam::123456789012:user/user${i},2024-01-01T00:00:00+00:00,${i % 2 ? 'true' : 'false'},${i % 2 ? '2026-11-20T00:00:00+00:00' : 'N/A'},N/A,N/A,${i % 4 ? 'false' : 'true'},true,2025-01-01T00:00:00+00:00,${used},us-east-1,s3,${i % 10 === 0 ? 'true' : 'false'},2025-06-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A`,
    );
  }
  return lines.join('\n');
}

const iam = mockClient(IAMClient);
const client = new IAMClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const calls = () => iam.calls().length;

async function reportPath(users: number): Promise<number> {
  iam.reset();
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam
    .on(GetCredentialReportCommand)
    .resolves({ Content: Buffer.from(report(users)), GeneratedTime: new Date() });
  iam.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 14 } });
  const pages = Math.max(1, Math.ceil(users / 1000));
  for (let p = 0; p < pages; p++) {
    iam
      .on(GetAccountAuthorizationDetailsCommand, p === 0 ? { Marker: undefined } : { Marker: `m${p}` })
      .resolves({
        UserDetailList: Array.from({ length: Math.min(1000, users - p * 1000) }, (_, i) => ({
          UserName: `user${p * 1000 + i}`,
        })),
        IsTruncated: p < pages - 1,
        ...(p < pages - 1 ? { Marker: `m${p + 1}` } : {}),
      });
  }
  await fetchCredentialReport(client, { retries: 1, minTimeoutMs: 1 });
  await fetchAccountDetails(client);
  return calls();
}

async function naivePath(users: number): Promise<number> {
  iam.reset();
  const pages = Math.max(1, Math.ceil(users / 1000));
  for (let p = 0; p < pages; p++) {
    iam.on(ListUsersCommand, p === 0 ? { Marker: undefined } : { Marker: `m${p}` }).resolves({
      Users: Array.from({ length: Math.min(1000, users - p * 1000) }, (_, i) => ({
        UserName: `user${p * 1000 + i}`,
        Arn: '',
        UserId: '',
        Path: '/',
        CreateDate: new Date(),
      })),
      IsTruncated: p < pages - 1,
      ...(p < pages - 1 ? { Marker: `m${p + 1}` } : {}),
    });
  }
  iam
    .on(GetUserCommand)
    .resolves({ User: { UserName: 'u', Arn: '', UserId: '', Path: '/', CreateDate: new Date() } });
  iam.on(GetLoginProfileCommand).resolves({});
  iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
  iam
    .on(ListAccessKeysCommand)
    .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIA1', Status: 'Active', CreateDate: new Date() }] });
  iam
    .on(GetAccessKeyLastUsedCommand)
    .resolves({ AccessKeyLastUsed: { LastUsedDate: new Date(), ServiceName: 's3', Region: 'us-east-1' } });
  for await (const page of paginateListUsers({ client, pageSize: 1000 }, {})) {
    for (const u of page.Users ?? []) await liveUserRow(client, u.UserName ?? '');
  }
  return calls();
}

const apiCalls: { users: number; reportPath: number; naivePerUserPath: number }[] = [];
for (const users of [10, 1000, 10_000]) {
  apiCalls.push({ users, reportPath: await reportPath(users), naivePerUserPath: await naivePath(users) });
}
iam.restore();

// (2) Analysis of a 10,000-user report, as of a fixed date.
const csv = report(10_000);
const now = new Date('2026-11-30T00:00:00Z');
const times: number[] = [];
let findings = 0;
for (let i = 0; i < 7; i++) {
  const t = performance.now();
  findings = runChecks(parseCredentialReport(csv, '123456789012', now), now).length;
  times.push(performance.now() - t);
}
global.gc?.();
const heap0 = process.memoryUsage();
const kept = runChecks(parseCredentialReport(csv, '123456789012', now), now);
const heap1 = process.memoryUsage();
const result = {
  method:
    'API calls counted on a mocked IAM client; analysis = parse (csv-parse) + every check, median of 7 runs, memory around one run with its result kept',
  apiCalls,
  analysis10kUsers: {
    findings,
    medianMs: Number([...times].sort((a, b) => a - b)[3]?.toFixed(1)),
    heapGrowthMb: Number(((heap1.heapUsed - heap0.heapUsed) / 1048576).toFixed(1)),
    rssMb: Math.round(heap1.rss / 1048576),
    keptFindings: kept.length,
  },
  target: 'analysis < 1 s',
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/hygiene.json', JSON.stringify(result, null, 2));
