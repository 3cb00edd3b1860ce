import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { readAlertAction } from '../../src/slack/buttons.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { initTable } from '../../src/store/dynamodb/table.js';
import { alarmMessage, CHANNEL, notification, TOPIC, tempStore } from '../helpers/alerts.js';
import { INVICTUS_DIR, SNS_DATA } from '../helpers/data.js';
import { captureLogger } from '../helpers/deps.js';
import { type FakeMessage, FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { MOTO_CREDENTIALS, startMoto } from '../helpers/moto.js';
import { buttonClickBody, postSigned } from '../helpers/signed.js';
import { texts } from '../helpers/slack.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

const SECRET = 'e2e-signing-secret';

async function until<T>(what: string, f: () => T | undefined | false, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Button = { action_id: string; value: string };
const buttonsOf = (blocks: unknown[]): Button[] =>
  (blocks as { type: string; elements?: Button[] }[]).find((b) => b.type === 'actions')?.elements ?? [];
const latest = (m: FakeMessage) => m.edits.at(-1) ?? m;
const textOf = (m: { text: string; blocks: unknown[] }) => texts(m.blocks).join('\n');

/** A running bot on 127.0.0.1 with the fake Slack, and how to talk to it. */
async function bot(slack: FakeSlack, env: Record<string, string> = {}) {
  const { logger, lines } = captureLogger();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-e2e',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: `${slack.url}/api/`,
    PORT: '0',
    HOST: '127.0.0.1',
    TRAIL_SNS_TOPICS: TOPIC,
    TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
    TRAIL_STORE_PATH: tempStore().path,
    TRAIL_ALERT_GROUP_BY: 'fingerprint',
    TRAIL_ALERT_GROUP_WAIT: '0s',
    TRAIL_LOGS_DIR: INVICTUS_DIR,
    ...env,
  });
  const server = await startServer(config, {
    fetchCert: async () => SNS_TEST_CERT_PEM,
    logger,
    pollMs: 20,
    channelIntervalMs: 100,
  });
  const base = `http://127.0.0.1:${server.port}`;
  let responses = 0;
  return {
    server,
    lines,
    sns: async (fields: Record<string, string>) => {
      const r = await fetch(`${base}/sns`, { method: 'POST', body: signSns(fields) });
      return { status: r.status, text: await r.text() };
    },
    click: async (
      button: Button | undefined,
      userId = 'U0ALICE',
      value?: string,
      on?: { channel: string; ts: string },
    ) => {
      const path = `/response/${++responses}`;
      slack.on(path, () => ({ body: { ok: true } }));
      const body = buttonClickBody({
        actionId: button?.action_id ?? ACTION_IDS.alertAck,
        value: value ?? button?.value,
        userId,
        responseUrl: `${slack.url}${path}`,
        on,
      });
      const r = await postSigned(`${base}/slack/events`, body, { secret: SECRET });
      return { status: r.status, ms: r.ms, path };
    },
  };
}

/**
 * The store the bot runs on: its own SQLite file, or a DynamoDB table made by `trail store init`'s
 * code on moto (the SDK pointed there by its standard AWS_ENDPOINT_URL).
 */
async function storeEnv(
  kind: 'sqlite' | 'dynamodb',
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  if (kind === 'sqlite') return { env: {}, stop: async () => {} };
  const moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: MOTO_CREDENTIALS,
  });
  await initTable(client, 'trailbot-e2e');
  client.destroy();
  return { env: { TRAIL_STORE: 'dynamodb', TRAIL_DYNAMODB_TABLE: 'trailbot-e2e' }, stop: () => moto.stop() };
}

describe.each(['sqlite', 'dynamodb'] as const)(
  'alerts end to end on %s: SNS over HTTP → channel message → buttons',
  (store) => {
    const slack = new FakeSlack();
    let ch: ReturnType<typeof fakeChannels>;
    let b: Awaited<ReturnType<typeof bot>>;
    let stopStore: () => Promise<void>;
    beforeAll(async () => {
      await slack.start();
      ch = fakeChannels(slack);
      const s = await storeEnv(store);
      stopStore = s.stop;
      b = await bot(slack, s.env);
    });
    afterAll(async () => {
      await b.server.stop(1000);
      await slack.stop();
      await stopStore();
    });

    it('posts a message with buttons; Acknowledge updates it in place and notes who in the thread', async () => {
      expect((await b.sns(notification('ack-1', alarmMessage('DiskFull', 'ALARM')))).status).toBe(200);
      const post = await until('the post', () => ch.posts().find((m) => m.text.includes('DiskFull')));
      expect(post.channel).toBe(CHANNEL);
      expect(post.metadata?.event_type).toBe('trailbot_alert');
      const buttons = buttonsOf(post.blocks);
      expect(buttons.map((x) => x.action_id)).toEqual([
        ACTION_IDS.alertAck,
        ACTION_IDS.alertResolve,
        ACTION_IDS.alertSnooze1h,
        ACTION_IDS.alertSnooze4h,
        ACTION_IDS.alertSnooze24h,
        ACTION_IDS.alertSnoozeUntilResolved,
      ]);
      const click = await b.click(buttons[0], 'U0ALICE', undefined, post);
      expect(click.status).toBe(200);
      expect(click.ms).toBeLessThan(3000);
      await until('the update', () => post.edits.length > 0);
      expect(textOf(latest(post))).toMatch(
        /Acknowledged by <@U0ALICE> at <!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|\d{4}-\d\d-\d\dT/,
      );
      expect(buttonsOf(latest(post).blocks).map((x) => x.action_id)).not.toContain(ACTION_IDS.alertAck);
      const note = await until('the thread note', () => ch.replies(post.ts)[0]);
      expect(textOf(note)).toContain('Acknowledged by <@U0ALICE>');
    });

    it('snoozes for an hour, saying until when', async () => {
      await b.sns(notification('snooze-1', alarmMessage('CpuHigh', 'ALARM')));
      const post = await until('the post', () => ch.posts().find((m) => m.text.includes('CpuHigh')));
      await b.click(
        buttonsOf(post.blocks).find((x) => x.action_id === ACTION_IDS.alertSnooze1h),
        'U0ALICE',
        undefined,
        post,
      );
      await until('the update', () => post.edits.length > 0);
      expect(textOf(latest(post))).toMatch(/Snoozed by <@U0ALICE> until <!date\^\d+\^/);
      await until('the note', () => ch.replies(post.ts).some((r) => textOf(r).includes('Snoozed until')));
    });

    it('resolves an alarm’s alert when it returns to OK, removing the buttons', async () => {
      await b.sns(notification('ok-1', alarmMessage('QueueDepth', 'ALARM')));
      const post = await until('the post', () => ch.posts().find((m) => m.text.includes('QueueDepth')));
      await b.sns(notification('ok-2', alarmMessage('QueueDepth', 'OK')));
      await until('the resolved update', () => textOf(latest(post)).includes('Resolved by AWS'));
      expect(buttonsOf(latest(post).blocks)).toEqual([]);
      await until('the note', () => ch.replies(post.ts).some((r) => textOf(r).includes('back to OK')));
      expect(ch.posts().filter((m) => m.text.includes('QueueDepth'))).toHaveLength(1);
    });

    it('recognises a redelivered MessageId, and counts a repeat on the original message', async () => {
      const first = await b.sns(notification('dup-1', alarmMessage('Throttles', 'ALARM')));
      const again = await b.sns(notification('dup-1', alarmMessage('Throttles', 'ALARM')));
      expect([first.text, again.text]).toEqual(['new', 'duplicate']);
      const post = await until('the post', () => ch.posts().find((m) => m.text.includes('Throttles')));
      await b.sns(notification('dup-2', alarmMessage('Throttles', 'ALARM')));
      await until('the count', () => textOf(latest(post)).includes('2 times'));
      await until('the note', () => ch.replies(post.ts).some((r) => textOf(r).includes('Seen 1 more time')));
      expect(ch.posts().filter((m) => m.text.includes('Throttles'))).toHaveLength(1);
    });

    it('honours a 429 with Retry-After: the post goes once, after the wait', async () => {
      ch.failNext('/api/chat.postMessage', {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { ok: false, error: 'ratelimited' },
      });
      const sent = Date.now();
      await b.sns(notification('rl-1', alarmMessage('RateLimited', 'ALARM')));
      const post = await until('the post', () => ch.posts().find((m) => m.text.includes('RateLimited')));
      const attempts = slack
        .callsTo('/api/chat.postMessage')
        .filter((c) => String(c.body.text).includes('RateLimited'));
      expect(attempts).toHaveLength(2);
      expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(950);
      expect(ch.posts().filter((m) => m.text.includes('RateLimited'))).toEqual([post]);
      expect(b.lines.some((l) => l.msg === 'Slack is rate limiting this channel; waiting')).toBe(true);
    });

    it('answers /healthz and /readyz: ready once started, with the outbox backlog', async () => {
      const base = `http://127.0.0.1:${b.server.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({
        ready: true,
        checks: { started: 'yes', stopping: 'no', outbox: expect.stringMatching(/waiting$/) },
      });
    });

    it('refuses a forged button value with an ephemeral message and changes nothing', async () => {
      const click = await b.click(undefined, 'U0ALICE', '{"v":1,"k":"resolve","a":"../../etc"}');
      await slack.waitFor(click.path);
      const reply = slack.callsTo(click.path)[0]?.body ?? {};
      expect(reply.response_type).toBe('ephemeral');
      expect(JSON.stringify(reply)).toContain('not one of Trailbot’s');
    });

    it('Investigate runs the activity question for the alert’s actor and answers in the thread', async () => {
      const event = readFileSync(join(SNS_DATA, 'eventbridge-cloudtrail-api-call.json'), 'utf8');
      await b.sns(notification('ct-1', event, 'CloudTrail'));
      const post = await until('the post', () => ch.posts().find((m) => m.text.includes('CreateBucket')));
      const investigate = buttonsOf(post.blocks).find((x) => x.action_id === ACTION_IDS.alertInvestigate);
      expect(investigate && readAlertAction(investigate.value).kind).toBe('investigate');
      const click = await b.click(investigate, 'U0ALICE', undefined, post);
      await slack.waitFor(click.path);
      expect(JSON.stringify(slack.callsTo(click.path)[0]?.body)).toContain(
        'answer will be in the alert’s thread',
      );
      const answer = await until('the answer', () => ch.replies(post.ts)[0]);
      expect(textOf(answer)).toContain('arn:aws:iam::123456789012:root');
      expect(textOf(answer)).toMatch(/2016-02-20/);
    });
  },
);

describe('alert buttons with roles configured', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let b: Awaited<ReturnType<typeof bot>>;
  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
    b = await bot(slack, { TRAIL_ROLES: JSON.stringify({ responder: { users: ['U0BOB'] } }) });
  });
  afterAll(async () => {
    await b.server.stop(0);
    await slack.stop();
  });

  it('refuses a click by someone without the respond permission, ephemerally, and changes nothing', async () => {
    await b.sns(notification('perm-1', alarmMessage('Guarded', 'ALARM')));
    const post = await until('the post', () => ch.posts().find((m) => m.text.includes('Guarded')));
    const click = await b.click(buttonsOf(post.blocks)[0], 'U0MALLORY', undefined, post);
    await slack.waitFor(click.path);
    const reply = slack.callsTo(click.path)[0]?.body ?? {};
    expect(reply.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply)).toContain('respond permission');
    const ok = await b.click(buttonsOf(post.blocks)[0], 'U0BOB', undefined, post);
    expect(ok.status).toBe(200);
    await until('the update', () => post.edits.length > 0);
    expect(textOf(latest(post))).toContain('Acknowledged by <@U0BOB>');
  });

  it('refuses, and audits, a click whose value names an alert of another message or channel', async () => {
    await b.sns(notification('bind-1', alarmMessage('Bound', 'ALARM')));
    const post = await until('the post', () => ch.posts().find((m) => m.text.includes('Bound')));
    const ack = buttonsOf(post.blocks)[0];
    for (const elsewhere of [
      { channel: 'C0OTHERCH1', ts: post.ts },
      { channel: post.channel, ts: '1700000999.000100' },
    ]) {
      const click = await b.click(ack, 'U0BOB', undefined, elsewhere);
      await slack.waitFor(click.path);
      const reply = slack.callsTo(click.path)[0]?.body ?? {};
      expect(reply.response_type).toBe('ephemeral');
      expect(JSON.stringify(reply)).toContain('does not belong to the message it was clicked on');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(post.edits).toHaveLength(0);
    const refusals = b.lines.filter(
      (l) => (l.audit as { kind?: string; result?: string } | undefined)?.kind === 'refusal',
    );
    expect(refusals.map((l) => (l.audit as { channel?: string }).channel)).toEqual(
      expect.arrayContaining(['C0OTHERCH1', post.channel]),
    );
  });
});
