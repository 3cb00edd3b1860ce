// Benchmark: LookupEvents economy. A simulated CloudTrail endpoint on 127.0.0.1 holds events in 4
// regions and enforces 2 requests per second per region, answering ThrottlingException above it. We ask
// `activity alice` and `who-deleted bucket-x` across the 4 regions through the real SDK clients (adaptive
// retries, our rate limiter) and count API calls per region, throttling errors surfaced to the user, and
// wall time beside the slowest single region asked alone.
// Usage: npx tsx bench/lookup-economy.ts

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cloudTrailClients } from '../src/aws/clients.js';
import { DELETION_EVENT_NAMES } from '../src/trail/deletions.js';
import { lookupLimiters } from '../src/trail/limiter.js';
import type { TrailQuery } from '../src/trail/query.js';
import { LookupSource } from '../src/trail/sources/lookup.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
const NOW = new Date();
/** Matching events per region: different sizes so one region is the slowest. */
const ALICE = { 'us-east-1': 230, 'eu-west-1': 120, 'us-west-2': 60, 'ap-southeast-2': 10 } as Record<
  string,
  number
>;
const BUCKET = { 'us-east-1': 3, 'eu-west-1': 0, 'us-west-2': 1, 'ap-southeast-2': 0 } as Record<
  string,
  number
>;

function events(region: string, n: number, name: string, params: Record<string, unknown>, user: string) {
  return Array.from({ length: n }, (_, i) => {
    const t = new Date(NOW.getTime() - (i + 1) * 60_000);
    const rec = {
      eventTime: `${t.toISOString().slice(0, 19)}Z`,
      eventName: name,
      eventSource: name === 'DeleteBucket' ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
      awsRegion: region,
      eventID: `${region}-${name}-${i}`,
      recipientAccountId: '111122223333',
      userIdentity: { type: 'IAMUser', userName: user, arn: `arn:aws:iam::111122223333:user/${user}` },
      requestParameters: params,
    };
    return {
      EventId: rec.eventID,
      EventName: name,
      EventTime: t.getTime() / 1000,
      CloudTrailEvent: JSON.stringify(rec),
    };
  });
}
const data = new Map<string, ReturnType<typeof events>>();
for (const r of REGIONS) {
  data.set(`${r} Username alice`, events(r, ALICE[r] ?? 0, 'DescribeInstances', {}, 'alice'));
  data.set(
    `${r} ResourceName bucket-x`,
    events(r, BUCKET[r] ?? 0, 'DeleteBucket', { bucketName: 'bucket-x' }, 'bob'),
  );
}

const calls = new Map<string, number>();
const throttled = new Map<string, number>();
const recent = new Map<string, number[]>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const region =
      /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? 'unknown';
    calls.set(region, (calls.get(region) ?? 0) + 1);
    const now = performance.now();
    const window = (recent.get(region) ?? []).filter((t) => now - t < 1000);
    if (window.length >= 2) {
      throttled.set(region, (throttled.get(region) ?? 0) + 1);
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      return;
    }
    recent.set(region, [...window, now]);
    const input = JSON.parse(body) as {
      LookupAttributes?: { AttributeKey: string; AttributeValue: string }[];
      NextToken?: string;
    };
    const a = input.LookupAttributes?.[0];
    const all = data.get(`${region} ${a?.AttributeKey} ${a?.AttributeValue}`) ?? [];
    const from = Number(input.NextToken ?? 0);
    const page = all.slice(from, from + 50);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(
      JSON.stringify({ Events: page, ...(from + 50 < all.length ? { NextToken: String(from + 50) } : {}) }),
    );
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function ask(label: string, q: TrailQuery, regions: string[]) {
  calls.clear();
  throttled.clear();
  recent.clear();
  const source = new LookupSource({
    clientFor: cloudTrailClients({
      endpoint,
      limiters: lookupLimiters(),
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    }),
    regions,
    maxPages: 100,
    now: () => NOW,
  });
  const t = performance.now();
  let surfaced = 0;
  let matched = 0;
  try {
    matched = (await source.search(q)).matched;
  } catch {
    surfaced++;
  }
  return {
    label,
    seconds: +((performance.now() - t) / 1000).toFixed(2),
    matched,
    callsPerRegion: Object.fromEntries(regions.map((r) => [r, calls.get(r) ?? 0])),
    throttledPerRegion: Object.fromEntries(regions.map((r) => [r, throttled.get(r) ?? 0])),
    throttlingErrorsSurfaced: surfaced,
  };
}

const week = { start: new Date(NOW.getTime() - 7 * 86_400_000), end: NOW, defaulted: false };
const activity: TrailQuery = { range: week, principal: { kind: 'user', name: 'alice' }, limit: 10_000 };
const whoDeleted: TrailQuery = {
  range: week,
  eventNames: DELETION_EVENT_NAMES,
  resource: 'bucket-x',
  limit: 1000,
};
const runs = [
  await ask('activity alice, 4 regions', activity, REGIONS),
  await ask('activity alice, slowest region alone', activity, ['us-east-1']),
  await ask('who-deleted bucket-x, 4 regions', whoDeleted, REGIONS),
];
const bound = (n: number) => Math.ceil(n / 50) + 1;
const result = {
  method:
    'simulated LookupEvents on 127.0.0.1: 2 requests/s per region enforced with ThrottlingException; real SDK ' +
    'clients (adaptive retries) with the account-region limiter; one run each',
  runs,
  callBounds: {
    activity: Object.fromEntries(REGIONS.map((r) => [r, bound(ALICE[r] ?? 0)])),
    whoDeleted: Object.fromEntries(REGIONS.map((r) => [r, bound(BUCKET[r] ?? 0)])),
  },
};
mkdirSync(join('bench', 'out'), { recursive: true });
writeFileSync(join('bench', 'out', 'lookup-economy.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
server.close();
