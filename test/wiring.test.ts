import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalIdFor, fanOutAccounts, roleArnFor, sessionIdentity } from '../src/accounts.js';
import { cloudTrailClients } from '../src/aws/clients.js';
import { loadConfig } from '../src/config.js';
import { LimiterRegistry } from '../src/trail/limiter.js';
import { sourceNameOf } from '../src/trail/sources/local-provider.js';
import { LookupSource } from '../src/trail/sources/lookup.js';
import { baseDeps, localOnly } from '../src/wiring.js';
import { tempStorePath } from './helpers/alerts.js';
import { CLOUDTRAIL_DATA } from './helpers/data.js';

/** STS (query protocol) and CloudTrail (JSON protocol) on one local endpoint, recording what they got. */
describe('clients acting in another account', () => {
  let server: Server;
  let endpoint = '';
  const assumed: URLSearchParams[] = [];
  const lookupAuth: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (String(req.headers['x-amz-target'] ?? '').endsWith('LookupEvents')) {
          lookupAuth.push(String(req.headers.authorization));
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end('{"Events":[]}');
          return;
        }
        assumed.push(new URLSearchParams(body));
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAASSUMEDKEY000001</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/TrailbotRead/trailbot</Arn><AssumedRoleId>AROAX:trailbot</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('assumes the configured role with the external id, once, and signs with what it got', async () => {
    const clientFor = cloudTrailClients({
      endpoint,
      credentials: { accessKeyId: 'AKIABASEKEY000000001', secretAccessKey: 'base' },
      limiters: new LimiterRegistry(100, 1000),
      assume: { roleArnFor: (a) => `arn:aws:iam::${a}:role/TrailbotRead`, externalIdFor: () => 'ext-123' },
    });
    const now = new Date();
    const source = new LookupSource({
      clientFor: (region) => clientFor(region, '222222222222'),
      regions: ['us-east-1'],
      accountId: '222222222222',
      maxPages: 2,
      now: () => now,
    });
    const q = { range: { start: new Date(now.getTime() - 3600_000), end: now, defaulted: false }, limit: 10 };
    await source.search(q);
    await source.search(q);
    expect(assumed).toHaveLength(1); // cached until it expires
    expect(assumed[0]?.get('Action')).toBe('AssumeRole');
    expect(assumed[0]?.get('RoleArn')).toBe('arn:aws:iam::222222222222:role/TrailbotRead');
    expect(assumed[0]?.get('ExternalId')).toBe('ext-123');
    expect(lookupAuth).toHaveLength(2);
    for (const a of lookupAuth) expect(a).toContain('Credential=ASIAASSUMEDKEY000001/');
  });

  it('assumes it as the person who asked: their SourceIdentity and session name, credentials kept per person', async () => {
    const before = assumed.length;
    const forWho = (identity: string) =>
      cloudTrailClients({
        endpoint,
        credentials: { accessKeyId: 'AKIABASEKEY000000001', secretAccessKey: 'base' },
        limiters: new LimiterRegistry(100, 1000),
        assume: { roleArnFor: (a) => `arn:aws:iam::${a}:role/TrailbotRead`, identity },
      })('us-east-1', '222222222222');
    for (const who of ['slack-U0123ABCD', 'trailbot-digest'])
      await forWho(who).send(new LookupEventsCommand({ MaxResults: 1 }));
    const calls = assumed.slice(before);
    expect(calls.map((c) => [c.get('RoleSessionName'), c.get('SourceIdentity')])).toEqual([
      ['slack-U0123ABCD', 'slack-U0123ABCD'],
      ['trailbot-digest', 'trailbot-digest'],
    ]);
  });
});

describe('who asked, in the target account’s CloudTrail', () => {
  it('names the person or job on every role assumed: SourceIdentity and session name, as STS accepts them', async () => {
    expect(sessionIdentity({ front: 'slack', userId: 'U0123ABCD' })).toBe('slack-U0123ABCD');
    expect(sessionIdentity({ front: 'terminal', userId: 'ana maría' })).toBe('terminal-ana_mar_a');
    expect(sessionIdentity({ front: 'system', userId: 'trailbot-digest' })).toBe('trailbot-digest');
    expect(sessionIdentity({ front: 'terminal', userId: 'x'.repeat(100) })).toHaveLength(64);
  });
});

describe('which role in which account', () => {
  it('takes a role ARN named for an account before the common role name', () => {
    const c = loadConfig({
      TRAIL_ACCOUNTS: '111111111111,222222222222',
      TRAIL_ASSUME_ROLE_NAME: 'TrailbotRead',
      TRAIL_ASSUME_ROLE_ARNS:
        'arn:aws:iam::222222222222:role/security/Special,arn:aws:iam::333333333333:role/Other',
    });
    const arn = roleArnFor(c);
    expect(arn('111111111111')).toBe('arn:aws:iam::111111111111:role/TrailbotRead');
    expect(arn('222222222222')).toBe('arn:aws:iam::222222222222:role/security/Special');
    expect(fanOutAccounts(c)).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(fanOutAccounts(loadConfig({}))).toBeUndefined();
    expect(roleArnFor(loadConfig({}))('111111111111')).toBeUndefined();
  });

  it('takes an account’s own external id before the common one, and keeps them out of logs', () => {
    const c = loadConfig({
      TRAIL_ASSUME_EXTERNAL_ID: 'common-id',
      TRAIL_ASSUME_EXTERNAL_IDS: '222222222222=own-id,333333333333=x:y',
    });
    const ext = externalIdFor(c);
    expect(ext('222222222222')).toBe('own-id');
    expect(ext('333333333333')).toBe('x:y');
    expect(ext('111111111111')).toBe('common-id');
    expect(JSON.stringify(c)).not.toMatch(/own-id|common-id/);
    expect(() => loadConfig({ TRAIL_ASSUME_EXTERNAL_IDS: 'nope' })).toThrow(
      /TRAIL_ASSUME_EXTERNAL_IDS: must be account=external-id pairs/,
    );
  });
});

describe('a question read from log files, in the terminal', () => {
  it('gets the local source, and any reach for AWS is refused rather than loading the SDK', async () => {
    const config = loadConfig({ TRAIL_STORE_PATH: tempStorePath(), LOG_LEVEL: 'silent' });
    const deps = await localOnly(config, baseDeps(config));
    const source = deps.sources.get({ logs: CLOUDTRAIL_DATA });
    expect(source.describe()).toBe(`CloudTrail log files in ${CLOUDTRAIL_DATA}`);
    expect(sourceNameOf({ logs: CLOUDTRAIL_DATA }, config)).toBe('local');
    expect(sourceNameOf({}, loadConfig({ TRAIL_SOURCE: 'lookup' }))).toBe('lookup');
    expect(() => deps.hygiene.iamFor()).toThrow(/reached for an AWS client/);
    expect(deps.forIdentity).toBeUndefined();
  });
});
