import { readFileSync } from 'node:fs';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { ACTION_IDS, VIEW_IDS } from '../../src/slack/ids.js';
import { openSqliteStores } from '../../src/store/sqlite/index.js';
import { CHANNEL, notification, TOPIC, tempStorePath } from '../helpers/alerts.js';
import { captureLogger } from '../helpers/deps.js';
import { type FakeMessage, FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from '../helpers/moto.js';
import { buttonClickBody, postSigned } from '../helpers/signed.js';
import { texts } from '../helpers/slack.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

const SECRET = 'actor-secret';
const ONCALL = 'S0ONCALL';
const FIXTURE = new URL('../fixtures/sns/eventbridge-cloudtrail-api-call.json', import.meta.url);
const rootCall = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { detail: Record<string, unknown> };
type Button = { action_id: string; value: string };

/** The fixture's root call as `eventName` on `bucket`, by `identity` (the root user unless said). */
function callMessage(eventName: string, bucket: string, identity?: Record<string, unknown>): string {
  return JSON.stringify({
    ...rootCall,
    detail: {
      ...rootCall.detail,
      eventName,
      eventID: `${eventName}-${bucket}`,
      requestParameters: { bucketName: bucket },
      ...(identity ? { userIdentity: identity } : {}),
    },
  });
}
const iamUser = (name: string) => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::123456789012:user/${name}`,
  userName: name,
  accountId: '123456789012',
});

describe('asking the actor “was this you?”', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let moto: Moto;
  let base: string;
  let offsetMs = 0;
  const path = tempStorePath();
  const opened: Record<string, unknown>[] = [];
  const responses: Record<string, unknown>[] = [];
  let sent = 0;

  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });
    await iam.send(
      new CreateUserCommand({ UserName: 'dave', Tags: [{ Key: 'email', Value: 'dave@example.com' }] }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    await slack.start();
    ch = fakeChannels(slack);
    slack.on('/api/views.open', (b) => {
      opened.push(b);
      return { body: { ok: true, view: { id: 'V0REASON' } } };
    });
    slack.on('/api/users.lookupByEmail', (b) =>
      b.email === 'dave@example.com'
        ? { body: { ok: true, user: { id: 'U0DAVE' } } }
        : { body: { ok: false, error: 'users_not_found' } },
    );
    slack.on('/response/actor', (b) => {
      responses.push(b);
      return { body: { ok: true } };
    });
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-actor',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${slack.url}/api/`,
      PORT: '0',
      HOST: '127.0.0.1',
      TRAIL_SNS_TOPICS: TOPIC,
      TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
      TRAIL_STORE_PATH: path,
      TRAIL_ALERT_GROUP_BY: 'fingerprint',
      TRAIL_ALERT_GROUP_WAIT: '0s',
      TRAIL_ONCALL_GROUP: ONCALL,
      TRAIL_ASK_ACTOR_TIMEOUT: '10m',
      TRAIL_ASK_ACTOR_MAP: JSON.stringify({ '123456789012:root': 'U0ALICE' }),
    });
    server = await startServer(config, {
      fetchCert: async () => SNS_TEST_CERT_PEM,
      logger: captureLogger().logger,
      pollMs: 20,
      tickMs: 50,
      channelIntervalMs: 50,
      now: () => new Date(Date.now() + offsetMs),
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.stop(1000);
    await slack.stop();
    await moto?.stop();
  });

  const until = async <T>(what: string, f: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const publish = async (message: string) => {
    const r = await fetch(`${base}/sns`, {
      method: 'POST',
      body: signSns(notification(`m-${++sent}`, message)),
    });
    expect(r.status).toBe(200);
  };
  const text = (m: FakeMessage) => [m.text, ...texts(m.blocks as never)].join('\n');
  const lastText = (m: FakeMessage) => {
    const e = m.edits.at(-1);
    return e ? [e.text, ...texts(e.blocks as never)].join('\n') : text(m);
  };
  const dmTo = (user: string, n: number) =>
    until(`direct message ${n} to ${user}`, () => ch.messages.filter((m) => m.channel === user)[n - 1]);
  const postAbout = (bucket: string) =>
    until(`the alert on ${bucket}`, () =>
      ch.posts().find((m) => m.channel === CHANNEL && text(m).includes(bucket)),
    );
  const threadOf = (post: FakeMessage) => ch.messages.filter((m) => m.thread_ts === post.ts).map(text);
  const buttonsOf = (m: FakeMessage) =>
    (m.blocks as { elements?: Button[] }[]).flatMap((b) => b.elements ?? []).filter((e) => e.action_id);
  const click = (actionId: string, value: string, userId: string, dm: FakeMessage) =>
    postSigned(
      `${base}/slack/events`,
      buttonClickBody({
        actionId,
        value,
        userId,
        responseUrl: `${slack.url}/response/actor`,
        on: { channel: 'D0ALICE01', ts: dm.ts },
      }),
      { secret: SECRET },
    );
  const submitReason = (userId: string, privateMetadata: string, reason: string) => {
    const payload = {
      type: 'view_submission',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: userId, username: 'x', team_id: 'T0001' },
      api_app_id: 'A0TRAILBOT',
      token: 't',
      trigger_id: '1.2.3',
      view: {
        id: 'V0REASON',
        type: 'modal',
        callback_id: VIEW_IDS.actorReason,
        private_metadata: privateMetadata,
        state: { values: { reason: { reason: { type: 'plain_text_input', value: reason } } } },
      },
    };
    return postSigned(
      `${base}/slack/events`,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      { secret: SECRET },
    );
  };
  const asks = async () => {
    const s = openSqliteStores(path);
    try {
      return await s.asks.dueAsks(new Date('2100-01-01'));
    } finally {
      s.close();
    }
  };

  it('asks the mapped actor in a direct message, bound to them: a foreign click changes nothing; Yes records the reason', async () => {
    await publish(callMessage('CreateBucket', 'yes-bucket'));
    const post = await postAbout('yes-bucket');
    const dm = await dmTo('U0ALICE', 1);
    // The question: what, when (a date token), on what, from where; no request parameters.
    expect(text(dm)).toContain('Was this you?');
    expect(text(dm)).toContain('<!date^');
    expect(text(dm)).toContain('100.100.100.100');
    const [yes, no] = buttonsOf(dm);
    expect([yes?.action_id, no?.action_id]).toEqual([ACTION_IDS.actorYes, ACTION_IDS.actorNo]);
    await until('the asked note', () => threadOf(post).find((t) => t.includes('Asked <@U0ALICE>')));

    // Mallory got hold of the button: refused, audited, nothing opened or changed.
    await click(ACTION_IDS.actorYes, yes?.value as string, 'U0MALLORY', dm);
    const refusal = await until('the refusal', () =>
      responses.find((r) => JSON.stringify(r).includes('for someone else')),
    );
    expect(refusal.response_type).toBe('ephemeral');
    await click(ACTION_IDS.actorNo, no?.value as string, 'U0MALLORY', dm);
    await until('the second refusal', () =>
      responses.filter((r) => JSON.stringify(r).includes('for someone else')).length === 2 ? true : undefined,
    );
    expect(opened).toHaveLength(0);
    expect((await asks()).map((a) => a.state)).toEqual(['asked']);

    // Alice: Yes opens the reason modal; an empty reason is refused in the form; a reason is recorded.
    await click(ACTION_IDS.actorYes, yes?.value as string, 'U0ALICE', dm);
    const modal = await until('the modal', () => opened[0]);
    expect(modal.trigger_id).toBe('1.2.3');
    const view = modal.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW_IDS.actorReason);
    const empty = await submitReason('U0ALICE', view.private_metadata, '   ');
    expect(JSON.parse(empty.text)).toMatchObject({ response_action: 'errors' });
    // Someone else submitting the same form is refused too.
    const foreign = await submitReason('U0MALLORY', view.private_metadata, 'me!');
    expect(JSON.parse(foreign.text).errors.reason).toContain('for someone else');
    const ok = await submitReason('U0ALICE', view.private_metadata, 'Creating the\nlog bucket <!channel>');
    expect(ok.status).toBe(200);
    const note = await until('the confirmed note', () =>
      threadOf(post).find((t) => t.includes('says it was them')),
    );
    // The reason is one line, and outside text: escaped, never a mention.
    expect(note).toContain('Creating the log bucket &lt;!channel&gt;');
    await until('the alert marked confirmed', () =>
      lastText(post).includes('confirmed by the actor') ? true : undefined,
    );
    const update = await until('the direct message updated', () =>
      slack.callsTo('/api/chat.update').find((c) => c.body.channel === 'D0ALICE01'),
    );
    expect(JSON.stringify(update.body)).toContain('recorded that it was you');
    expect(await asks()).toEqual([]);
  });

  it('escalates a No at once: the channel and the on-call group called, the severity raised', async () => {
    await publish(callMessage('DeleteBucketPolicy', 'no-bucket'));
    const post = await postAbout('no-bucket');
    expect(text(post)).toContain('HIGH');
    const dm = await dmTo('U0ALICE', 2);
    const no = buttonsOf(dm).find((b) => b.action_id === ACTION_IDS.actorNo) as Button;
    const before = responses.length;
    await click(ACTION_IDS.actorNo, no.value, 'U0ALICE', dm);
    const note = await until('the escalation', () => threadOf(post).find((t) => t.includes('says this was')));
    expect(note).toContain('<!channel>');
    expect(note).toContain(`<!subteam^${ONCALL}>`);
    expect(note).toContain('<@U0ALICE> says this was *not* them');
    await until('the alert raised', () =>
      lastText(post).includes('CRITICAL') && lastText(post).includes('denied by the actor')
        ? true
        : undefined,
    );
    const replaced = await until('the direct message replaced', () => responses.slice(before)[0]);
    expect(replaced.replace_original).toBe(true);
    // A second click is told the answer is in; nothing is escalated twice.
    await click(ACTION_IDS.actorNo, no.value, 'U0ALICE', dm);
    await new Promise((r) => setTimeout(r, 300));
    expect(threadOf(post).filter((t) => t.includes('<!channel>'))).toHaveLength(1);
  });

  it('escalates when no answer comes in time', async () => {
    await publish(callMessage('PutBucketPolicy', 'quiet-bucket'));
    const post = await postAbout('quiet-bucket');
    await dmTo('U0ALICE', 3);
    await until('the asked note', () => threadOf(post).find((t) => t.includes('Asked <@U0ALICE>')));
    expect(threadOf(post).some((t) => t.includes('No answer'))).toBe(false);
    offsetMs += 11 * 60_000;
    const note = await until('the timeout', () => threadOf(post).find((t) => t.includes('No answer from')));
    expect(note).toContain('<@U0ALICE> within 10 min');
    expect(note).toContain('<!channel>');
    await until('the alert raised', () => (lastText(post).includes('CRITICAL') ? true : undefined));
  });

  it('finds an IAM user through their email tag, and says so on the alert when nobody can be found', async () => {
    await publish(callMessage('CreateAccessKey', 'dave-key', iamUser('dave')));
    const daves = await postAbout('CreateAccessKey');
    const dm = await dmTo('U0DAVE', 1);
    expect(text(dm)).toContain('CreateAccessKey');
    await until('the asked note', () =>
      threadOf(daves).find((t) => t.includes('Asked <@U0DAVE>') && t.includes('its IAM tag email')),
    );
    await publish(callMessage('AttachUserPolicy', 'erin-policy', iamUser('erin')));
    const erins = await postAbout('AttachUserPolicy');
    const note = await until('the unmapped note', () =>
      threadOf(erins).find((t) => t.includes('Nobody was asked')),
    );
    expect(note).toContain('no slack or email tag on the IAM user');
    await until('the alert says so', () => (lastText(erins).includes('not asked') ? true : undefined));
    expect(ch.messages.filter((m) => m.channel === 'U0ERIN')).toHaveLength(0);
  });

  it('audits every question, answer, refusal and timeout', async () => {
    const s = openSqliteStores(path);
    const entries = await s.audit.auditEntries({ limit: 200 }).finally(() => s.close());
    const line = (e: (typeof entries)[number]) => `${e.kind} ${e.user} ${e.what}: ${e.result}`;
    const lines = entries.map(line);
    expect(lines.filter((l) => l.startsWith('ask trailbot ask actor: asked U0ALICE'))).toHaveLength(3);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ask trailbot ask actor: asked U0DAVE \(its IAM tag email, email\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ask trailbot ask actor: not asked: .*no slack or email tag/),
    );
    expect(lines).toContainEqual('ask trailbot actor timeout: no answer from U0ALICE in time: escalated');
    expect(lines.filter((l) => l.startsWith(`refusal U0MALLORY ${ACTION_IDS.actorYes}`))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(`refusal U0MALLORY ${ACTION_IDS.actorNo}`))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(`refusal U0MALLORY ${VIEW_IDS.actorReason}`))).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^button U0ALICE ${VIEW_IDS.actorReason}: confirmed ask`)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^button U0ALICE ${ACTION_IDS.actorNo}: denied ask`)),
    );
  });
});
