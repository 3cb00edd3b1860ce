import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type TrailApp } from '../../handlers/app.js';
import { SnsVerifier } from '../../src/alerts/sns.js';
import { Secret } from '../../src/config.js';
import { openSqliteStores } from '../../src/store/sqlite/index.js';
import type { Stores } from '../../src/store/stores.js';
import { testDeps } from '../helpers/deps.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
const SUBSCRIBE = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=t`;

describe('the SNS intake on the real HTTP server', () => {
  const slack = new FakeSlack();
  let trail: TrailApp;
  let url = '';
  let store: Stores;
  const confirmed: string[] = [];
  beforeAll(async () => {
    await slack.start();
    const deps = testDeps();
    store = openSqliteStores(join(mkdtempSync(join(tmpdir(), 'trailbot-sns-')), 'trailbot.db'));
    trail = buildApp(deps, {
      botToken: new Secret('xoxb-test'),
      signingSecret: new Secret('s'),
      slackApiUrl: `${slack.url}/api/`,
      port: 0,
      host: '127.0.0.1',
      intake: {
        verifier: new SnsVerifier({ allowedTopics: [TOPIC], fetchCert: async () => SNS_TEST_CERT_PEM }),
        store,
        confirm: async (u) => void confirmed.push(u),
        logger: deps.logger,
        now: () => new Date('2026-11-25T12:00:00Z'),
      },
    });
    const { port } = await trail.start();
    url = `http://127.0.0.1:${port}/sns`;
  });
  afterAll(async () => {
    await trail.stop();
    store.close();
    await slack.stop();
  });

  const post = async (body: string) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
      body,
    });
    return { status: r.status, text: await r.text() };
  };
  const note = (id: string, message = '{"AlarmName":"root-login","NewStateValue":"ALARM"}') =>
    signSns({
      Type: 'Notification',
      MessageId: id,
      TopicArn: TOPIC,
      Subject: 'ALARM',
      Message: message,
      Timestamp: '2026-11-25T12:00:00.000Z',
    });

  it('stores a verified notification before answering 200, and knows it when SNS sends it again', async () => {
    expect(await post(note('m-1'))).toEqual({ status: 200, text: 'new' });
    expect(await post(note('m-1'))).toEqual({ status: 200, text: 'duplicate' });
    expect((await store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['m-1']);
  });

  it('refuses forged, malformed and oversized bodies with a 4xx, storing nothing', async () => {
    const forged = JSON.parse(note('m-2'));
    forged.Message = '{"AlarmName":"root-login","NewStateValue":"OK"}';
    expect((await post(JSON.stringify(forged))).status).toBe(403);
    expect((await post('{"Type":')).status).toBe(400);
    expect((await post('x'.repeat(400 * 1024))).status).toBe(413);
    expect((await store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['m-1']);
  });

  it('answers 300 random and truncated bodies with a 4xx each, and keeps serving', async () => {
    const valid = note('fuzz-1');
    const bodies = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b).toString('latin1')),
        fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n)),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      300,
    );
    for (const b of bodies) expect([400, 403, 413]).toContain((await post(b)).status);
    expect((await store.inbox.pendingMessages(1000)).some((m) => m.messageId === 'fuzz-1')).toBe(false);
    expect((await post(note('after-fuzz'))).status).toBe(200);
  });

  it('confirms a subscription to an allowed topic, and only at an SNS address', async () => {
    const confirmation = (subscribeUrl: string) =>
      signSns({
        Type: 'SubscriptionConfirmation',
        MessageId: 'c-1',
        Token: 't',
        TopicArn: TOPIC,
        Message: 'You have chosen to subscribe.',
        SubscribeURL: subscribeUrl,
        Timestamp: '2026-11-25T12:00:00.000Z',
      });
    expect(await post(confirmation(SUBSCRIBE))).toEqual({ status: 200, text: 'confirmed' });
    expect((await post(confirmation('https://evil.example/?Action=ConfirmSubscription&x=1'))).status).toBe(
      400,
    );
    expect(confirmed).toEqual([SUBSCRIBE]);
  });
});

describe('the SNS intake when it cannot take a message now', () => {
  it('answers 5xx — so SNS delivers it again — when the store fails or the certificate cannot be had', async () => {
    const deps = testDeps();
    const store = openSqliteStores(join(mkdtempSync(join(tmpdir(), 'trailbot-sns-')), 'trailbot.db'));
    let storeDown = true;
    let certDown = false;
    const flaky = {
      ...store,
      inbox: new Proxy(store.inbox, {
        get(t, k) {
          if (k === 'acceptMessages' && storeDown)
            return () => {
              throw new Error('SQLITE_IOERR: disk I/O error');
            };
          const v = Reflect.get(t, k);
          return typeof v === 'function' ? v.bind(t) : v;
        },
      }),
    };
    const trail = buildApp(deps, {
      botToken: new Secret('xoxb-test'),
      signingSecret: new Secret('s'),
      port: 0,
      host: '127.0.0.1',
      intake: {
        verifier: new SnsVerifier({
          allowedTopics: [TOPIC],
          fetchCert: async () => {
            if (certDown) throw new Error('getaddrinfo EAI_AGAIN');
            return SNS_TEST_CERT_PEM;
          },
        }),
        store: flaky,
        confirm: async () => {},
        logger: deps.logger,
        now: () => new Date('2026-11-25T12:00:00Z'),
      },
    });
    const { port } = await trail.start();
    const post = (id: string, certUrl?: string) =>
      fetch(`http://127.0.0.1:${port}/sns`, {
        method: 'POST',
        body: signSns({
          Type: 'Notification',
          MessageId: id,
          TopicArn: TOPIC,
          Message: '{"AlarmName":"x","NewStateValue":"ALARM"}',
          Timestamp: '2026-11-25T12:00:00.000Z',
          ...(certUrl ? { SigningCertURL: certUrl } : {}),
        }),
      });
    try {
      expect((await post('down-1')).status).toBe(500);
      storeDown = false;
      expect((await post('down-1')).status).toBe(200);
      certDown = true;
      const fresh =
        'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-ffffffffffffffffffffffffffffffff.pem';
      expect((await post('down-2', fresh)).status).toBe(503);
      expect((await store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['down-1']);
    } finally {
      await trail.stop();
      store.close();
    }
  });
});
