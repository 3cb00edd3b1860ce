import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailClients } from '../../../src/aws/clients.js';
import { SourceCannotAnswerError, UpstreamDeniedError, UpstreamThrottledError } from '../../../src/errors.js';
import { DELETION_EVENT_NAMES } from '../../../src/trail/deletions.js';
import { LimiterRegistry } from '../../../src/trail/limiter.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { LookupSource, lookupAttributesFor } from '../../../src/trail/sources/lookup.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const range = { start: new Date('2026-11-18T12:00:00Z'), end: NOW, defaulted: false };
const whoDeletedX: TrailQuery = { range, eventNames: DELETION_EVENT_NAMES, resource: 'bucket-x', limit: 100 };

let n = 0;
/** A LookupEvents result entry as the API returns it: the full record as a JSON string. */
function entry(eventName: string, bucketName: string, time: string, extra: Record<string, unknown> = {}) {
  const id = `ev-${++n}`;
  const record = {
    eventVersion: '1.09',
    eventTime: time,
    eventSource: 's3.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    eventID: id,
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
    requestParameters: { bucketName },
    ...extra,
  };
  return {
    EventId: id,
    EventName: eventName,
    EventTime: new Date(time),
    CloudTrailEvent: JSON.stringify(record),
  };
}

let ct: AwsClientStub<CloudTrailClient>;

function lookup(
  opts: { regions?: string[]; maxPages?: number; client?: (region: string) => CloudTrailClient } = {},
) {
  const client = new CloudTrailClient({ region: 'us-east-1' });
  return new LookupSource({
    clientFor: opts.client ?? (() => client),
    regions: opts.regions ?? ['us-east-1'],
    accountId: '111122223333',
    maxPages: opts.maxPages ?? 20,
    now: () => NOW,
  });
}

describe('the lookup source', () => {
  beforeAll(() => {
    ct = mockClient(CloudTrailClient);
  });
  beforeEach(() => ct.reset());
  afterAll(() => ct.restore());

  it('pages on the token with start and end fixed, empty pages included, and filters on the client', async () => {
    ct.on(LookupEventsCommand)
      .resolvesOnce({ Events: [entry('DeleteBucket', 'bucket-x', '2026-11-24T10:00:00Z')], NextToken: 't1' })
      .resolvesOnce({ Events: [], NextToken: 't2' })
      .resolvesOnce({
        Events: [
          entry('CreateBucket', 'bucket-x', '2026-11-20T10:00:00Z'),
          entry('DeleteBucket', 'bucket-x-logs', '2026-11-20T09:00:00Z'),
          entry('DeleteBucket', 'bucket-x', '2026-11-19T10:00:00Z', { errorCode: 'BucketNotEmpty' }),
        ],
      });
    const r = await lookup().search(whoDeletedX);
    const inputs = ct
      .commandCalls(LookupEventsCommand)
      .map((c) => c.args[0].input as LookupEventsCommandInput);
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 't1', 't2']);
    for (const i of inputs) {
      expect(i.StartTime).toEqual(range.start);
      expect(i.EndTime).toEqual(range.end);
      expect(i.LookupAttributes).toEqual([{ AttributeKey: 'ResourceName', AttributeValue: 'bucket-x' }]);
    }
    expect(r.events.map((e) => [e.name, e.requestParameters.bucketName, e.errorCode])).toEqual([
      ['DeleteBucket', 'bucket-x', undefined],
      ['DeleteBucket', 'bucket-x', 'BucketNotEmpty'],
    ]);
    expect(r.examined).toBe(4);
  });

  it('asks LookupEvents for the root user by the Username it records, "root"', () => {
    expect(
      lookupAttributesFor({
        ...whoDeletedX,
        resource: undefined,
        principal: { kind: 'arn', arn: 'arn:aws:iam::111122223333:root' },
      }),
    ).toEqual([{ AttributeKey: 'Username', AttributeValue: 'root' }]);
  });

  it('refuses data events and says where they are', async () => {
    const err = await lookup()
      .search({ ...whoDeletedX, resource: undefined, eventNames: ['GetObject'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SourceCannotAnswerError);
    expect(err.message).toMatch(/no data events \(GetObject\).*--source athena/);
  });

  it('stops each lookup once it has enough, and says more match', async () => {
    ct.on(LookupEventsCommand).resolves({
      Events: [
        entry('DeleteBucket', 'bucket-x', '2026-11-24T10:00:00Z'),
        entry('DeleteBucket', 'bucket-x', '2026-11-24T09:00:00Z'),
      ],
      NextToken: 'more',
    });
    const r = await lookup().search({ ...whoDeletedX, limit: 2 });
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(1);
    expect(r.warnings).toEqual(['us-east-1: more than 2 events match; the newest were read.']);
  });

  it('looks an ARN up by the ARN and by its bare name', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    await lookup().search({ ...whoDeletedX, resource: 'arn:aws:s3:::bucket-x' });
    const values = ct
      .commandCalls(LookupEventsCommand)
      .map((c) => c.args[0].input.LookupAttributes?.[0]?.AttributeValue);
    expect(values).toEqual(['arn:aws:s3:::bucket-x', 'bucket-x']);
  });

  it('stops at the page cap and says so', async () => {
    ct.on(LookupEventsCommand).resolves({
      Events: [entry('CreateBucket', 'bucket-x', '2026-11-20T10:00:00Z')],
      NextToken: 'more',
    });
    const r = await lookup({ maxPages: 3 }).search(whoDeletedX);
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(3);
    expect(r.warnings.join(' ')).toMatch(/us-east-1: stopped after 3 pages/);
  });

  it('refuses a range beyond 90 days, saying why and what to use instead', async () => {
    const old = { ...whoDeletedX, range: { ...range, start: new Date('2026-07-01T00:00:00Z') } };
    const err = await lookup()
      .search(old)
      .catch((e) => e);
    expect(err).toBeInstanceOf(SourceCannotAnswerError);
    expect(err.message).toMatch(/only the last 90 days/);
    expect(err.message).toMatch(/--source local --logs/);
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('reads "the last 90 days" as the whole retention, starting at its edge', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    const start = new Date(NOW.getTime() - 90 * 86_400_000 - 1000);
    await lookup().search({ ...whoDeletedX, range: { ...range, start } });
    const input = ct.commandCalls(LookupEventsCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(new Date(NOW.getTime() - 90 * 86_400_000));
  });

  it('says when the region of global events was left out', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    const r = await lookup({ regions: ['eu-west-1'] }).search(whoDeletedX);
    expect(r.warnings).toEqual([
      expect.stringMatching(/IAM, STS and CloudFront events are recorded in us-east-1/),
    ]);
    expect((await lookup().search(whoDeletedX)).warnings).toEqual([]);
  });

  it('queries configured regions in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    ct.on(LookupEventsCommand).callsFake(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 50));
      inFlight--;
      return { Events: [] };
    });
    const r = await lookup({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }).search(whoDeletedX);
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(3);
    expect(maxInFlight).toBe(3);
    expect(r.scope.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
  });

  it('maps AccessDenied to the IAM action the role lacks', async () => {
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const err = await lookup()
      .search(whoDeletedX)
      .catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamDeniedError);
    expect(err.message).toContain('cloudtrail:LookupEvents');
  });

  it('answers from the regions that worked and names the one that failed', async () => {
    ct.on(LookupEventsCommand).resolves({
      Events: [entry('DeleteBucket', 'bucket-x', '2026-11-24T10:00:00Z')],
    });
    const good = new CloudTrailClient({ region: 'us-east-1' });
    const failing = {
      send: async () => {
        throw Object.assign(new Error('boom'), { name: 'InternalServerError' });
      },
    } as unknown as CloudTrailClient;
    const r = await lookup({
      regions: ['us-east-1', 'eu-west-1'],
      client: () => good,
    }).search(whoDeletedX);
    expect(r.events).toHaveLength(1);
    const partial = await new LookupSource({
      clientFor: (region) => (region === 'eu-west-1' ? failing : good),
      regions: ['us-east-1', 'eu-west-1'],
      maxPages: 5,
      now: () => NOW,
    }).search(whoDeletedX);
    expect(partial.events).toHaveLength(1);
    expect(partial.warnings).toEqual([
      expect.stringMatching(
        /^eu-west-1: not searched — CloudTrail LookupEvents failed in eu-west-1 \(InternalServerError\)/,
      ),
    ]);
  });
});

describe('the lookup source against a CloudTrail endpoint on 127.0.0.1', () => {
  let server: Server;
  let endpoint: string;
  /** Answer with ThrottlingException to these request numbers (1-based). */
  let throttle: (n: number) => boolean = () => false;
  let stamps: number[] = [];
  beforeEach(async () => {
    stamps = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        stamps.push(performance.now());
        expect(req.headers['x-amz-target']).toMatch(/LookupEvents$/);
        if (throttle(stamps.length)) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        // Two pages a question: the deletion and a token, then an empty last page.
        const input = JSON.parse(body) as { NextToken?: string };
        const e = entry('DeleteBucket', 'bucket-x', '2026-11-24T10:00:00Z');
        const page = input.NextToken
          ? { Events: [] }
          : { Events: [{ ...e, EventTime: e.EventTime.getTime() / 1000 }], NextToken: 'page-2' };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(page));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const realClients = (maxAttempts: number, limiters = new LimiterRegistry(100, 1000)) =>
    cloudTrailClients({
      endpoint,
      maxAttempts,
      limiters,
      accountId: '111122223333',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    });

  it('retries throttling with the SDK and answers', async () => {
    throttle = (n) => n <= 2;
    const r = await lookup({ client: realClients(4) }).search(whoDeletedX);
    expect(stamps).toHaveLength(4); // two throttled attempts, then two pages
    expect(r.events.map((e) => e.name)).toEqual(['DeleteBucket']);
  });

  it('gives up on persistent throttling with a clear message', async () => {
    throttle = () => true;
    const err = await lookup({ client: realClients(2) })
      .search(whoDeletedX)
      .catch((e) => e);
    expect(stamps).toHaveLength(2);
    expect(err).toBeInstanceOf(UpstreamThrottledError);
    expect(err.message).toBe('CloudTrail is throttling this account; try again in a minute.');
  });

  it('keeps every request of an account and region under 2 a second, retries and several questions included', async () => {
    // Every third request is throttled, so the SDK retries some of them.
    throttle = (n) => n % 3 === 0;
    const clients = realClients(6, new LimiterRegistry(2, 1000));
    const answers = await Promise.all([1, 2, 3].map(() => lookup({ client: clients }).search(whoDeletedX)));
    expect(answers.every((a) => a.events.length === 1)).toBe(true);
    expect(stamps.length).toBeGreaterThanOrEqual(8); // six pages and at least two retries
    for (let i = 2; i < stamps.length; i++) {
      // Any three consecutive requests the server saw span about a second at least: the limiter spaces
      // the sends exactly (test/trail/limiter.test.ts); arrival on a loaded machine jitters by tens of ms
      // (975 ms seen in a clean-clone CI run), so the server side gets 50 ms of slack.
      expect((stamps[i] as number) - (stamps[i - 2] as number)).toBeGreaterThanOrEqual(950);
    }
  }, 20_000);
});
