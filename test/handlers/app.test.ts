import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type TrailApp } from '../../handlers/app.js';
import { Secret } from '../../src/config.js';
import { cancelValue } from '../../src/slack/buttons.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { buttonClickBody, postSigned, slashCommandBody } from '../helpers/signed.js';
import { assertInert, outsideCode, texts } from '../helpers/slack.js';

const SECRET = 'test-signing-secret';
/** Slack's deadline for acknowledging a slash command. */
const ACK_DEADLINE_MS = 3000;

describe('the Slack app over HTTP on 127.0.0.1', () => {
  const slack = new FakeSlack();
  let trail: TrailApp;
  let url: string;
  let responses = 0;
  let deps: ReturnType<typeof testDeps>;

  beforeAll(async () => {
    await slack.start();
    slack.on('/api/auth.test', () => ({
      body: {
        ok: true,
        url: 'https://acme.slack.com/',
        team: 'Acme',
        user: 'trailbot',
        team_id: 'T0001',
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
      },
    }));
    deps = testDeps({ TRAIL_LOGS_DIR: INVICTUS_DIR });
    trail = buildApp(deps, {
      botToken: new Secret('xoxb-test-token'),
      signingSecret: new Secret(SECRET),
      slackApiUrl: `${slack.url}/api/`,
      port: 0,
      host: '127.0.0.1',
    });
    const { port } = await trail.start();
    url = `http://127.0.0.1:${port}/slack/events`;
  });

  afterAll(async () => {
    await trail.stop();
    await slack.stop();
  });

  const responseUrl = () => {
    const path = `/response/${++responses}`;
    slack.on(path, () => ({ body: { ok: true } }));
    return { path, url: `${slack.url}${path}` };
  };

  it('acks at once, then answers in the channel through response_url with the principal', async () => {
    const r = responseUrl();
    const body = slashCommandBody({
      text: 'who-deleted stratus-red-team-ctes-bucket-qyxyekjbtk --since 2023-07-01 --until 2023-07-31',
      responseUrl: r.url,
    });
    const ack = await postSigned(url, body, { secret: SECRET });
    const ackedAt = Date.now();
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(ACK_DEADLINE_MS);
    const ackBody = JSON.parse(ack.text);
    expect(ackBody.response_type).toBe('ephemeral');
    expect(ackBody.text).toBe('Looking for deletions of `stratus-red-team-ctes-bucket-qyxyekjbtk`…');

    await slack.waitFor(r.path);
    const [answer] = slack.callsTo(r.path);
    expect(answer?.at).toBeGreaterThanOrEqual(ackedAt - 5);
    expect(answer?.body.response_type).toBe('in_channel');
    const all = texts(answer?.body.blocks as unknown[]).join('\n');
    expect(all).toContain('*Answer: *`bert-jan` deleted `stratus-red-team-ctes-bucket-qyxyekjbtk`');
    expect(all).toContain('`arn:aws:iam::123837392027:user/bert-jan`');
    expect(all).toContain('BucketNotEmpty');
    expect(String(answer?.body.text)).toContain('`bert-jan` deleted');
  });

  it('answers a usage error in the ack itself, and sends nothing more', async () => {
    const r = responseUrl();
    const ack = await postSigned(url, slashCommandBody({ text: 'who-deleted', responseUrl: r.url }), {
      secret: SECRET,
    });
    expect(ack.status).toBe(200);
    const msg = JSON.parse(ack.text);
    expect(msg.response_type).toBe('ephemeral');
    const all = texts(msg.blocks).join('\n');
    expect(all).toContain('Name the resource');
    expect(all).toContain('Usage: `/trail who-deleted &lt;name or ARN&gt;');
    await new Promise((res) => setTimeout(res, 200));
    expect(slack.callsTo(r.path)).toHaveLength(0);
  });

  it('refuses --logs from Slack and escapes hostile words in its reply', async () => {
    const r = responseUrl();
    const ack = await postSigned(
      url,
      slashCommandBody({ text: 'who-deleted "<!channel>" --logs /etc', responseUrl: r.url }),
      { secret: SECRET },
    );
    const msg = JSON.parse(ack.text);
    expect(texts(msg.blocks).join('\n')).toContain('--logs is for the terminal');
    for (const t of [msg.text, ...texts(msg.blocks)]) assertInert(t);
  });

  it('shows words it does not know as literals: no link, no formatting', async () => {
    const r = responseUrl();
    const ack = await postSigned(
      url,
      slashCommandBody({ text: '*https://evil.example/login*', responseUrl: r.url }),
      {
        secret: SECRET,
      },
    );
    const msg = JSON.parse(ack.text);
    const all = [msg.text, ...texts(msg.blocks)];
    expect(all.join('\n')).toContain('There is no subcommand');
    for (const t of all) {
      expect(outsideCode(t)).not.toContain('evil.example');
      assertInert(t);
    }
  });

  it('answers help from the same command table', async () => {
    const r = responseUrl();
    const ack = await postSigned(url, slashCommandBody({ text: 'help', responseUrl: r.url }), {
      secret: SECRET,
    });
    expect(texts(JSON.parse(ack.text).blocks).join('\n')).toContain('/trail who-deleted');
  });

  it.each([
    ['unsigned', { signature: '' }],
    ['signed with another secret', { secret: 'not-the-secret' }],
    ['replayed from ten minutes ago', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
    ['stamped six minutes in the past', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ['stamped six minutes in the future', { timestamp: Math.floor(Date.now() / 1000) + 360 }],
  ])('refuses a request %s and runs nothing', async (_name, opts) => {
    const r = responseUrl();
    const body = slashCommandBody({ text: 'who-deleted x', responseUrl: r.url });
    const res = await postSigned(url, body, { secret: SECRET, ...opts });
    expect(res.status).toBe(401);
    await new Promise((res) => setTimeout(res, 100));
    expect(slack.callsTo(r.path)).toHaveLength(0);
  });

  it('posts a big answer to the channel with every event as a CSV file in its thread', async () => {
    const r = responseUrl();
    slack.on('/api/chat.postMessage', () => ({
      body: { ok: true, channel: 'C0SECURITY', ts: '1700000000.000100' },
    }));
    slack.on('/api/files.getUploadURLExternal', () => ({
      body: { ok: true, upload_url: `${slack.url}/upload/F1`, file_id: 'F1' },
    }));
    slack.on('/upload/F1', () => ({ body: 'OK' }));
    slack.on('/api/files.completeUploadExternal', () => ({ body: { ok: true, files: [{ id: 'F1' }] } }));
    const body = slashCommandBody({
      text: 'activity bert-jan --since 2023-07-01 --until 2023-07-31',
      responseUrl: r.url,
    });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    await slack.waitFor('/api/files.completeUploadExternal');
    const [post] = slack.callsTo('/api/chat.postMessage');
    expect(post?.body.channel).toBe('C0SECURITY');
    expect(texts(post?.body.blocks as unknown[]).join('\n')).toContain('`activity of IAM user bert-jan`');
    const [done] = slack.callsTo('/api/files.completeUploadExternal');
    expect(done?.body.channel_id).toBe('C0SECURITY');
    expect(done?.body.thread_ts).toBe('1700000000.000100');
    const [upload] = slack.callsTo('/upload/F1');
    expect(upload?.raw).toContain('time,event,service,region,account');
    expect(upload?.raw.split('\n').filter((l) => l.includes('bert-jan')).length).toBeGreaterThan(25);
    expect(slack.callsTo(r.path)).toHaveLength(0);
  });

  it('falls back to response_url, saying whom to invite, when the bot is not in the channel', async () => {
    const r = responseUrl();
    slack.on('/api/chat.postMessage', () => ({ body: { ok: false, error: 'not_in_channel' } }));
    const body = slashCommandBody({
      text: 'activity bert-jan --since 2023-07-01 --until 2023-07-31',
      responseUrl: r.url,
    });
    await postSigned(url, body, { secret: SECRET });
    await slack.waitFor(r.path);
    const [answer] = slack.callsTo(r.path);
    expect(answer?.body.response_type).toBe('in_channel');
    expect(texts(answer?.body.blocks as unknown[]).join('\n')).toContain('Invite the bot to this channel');
  });

  it('shows an Athena query’s progress with a Cancel button before the answer', async () => {
    const queryId = 'a1b2c3d4-0000-1111-2222-333344445555';
    const real = deps.sources;
    deps.sources = {
      get: () => ({
        name: 'athena',
        describe: () => 'Athena table security.cloudtrail_logs',
        search: async (_q, o) => {
          o?.onProgress?.({ examined: 0, note: 'Athena RUNNING, 1 s, 12.0 MB scanned', queryId });
          await new Promise((r) => setTimeout(r, 100));
          return {
            events: [],
            matched: 0,
            examined: 0,
            scope: {
              source: 'athena',
              regions: [],
              accounts: [],
              detail: 'Athena: 12.0 MB scanned, $0.0001',
            },
            warnings: [],
          };
        },
      }),
    };
    try {
      const r = responseUrl();
      await postSigned(url, slashCommandBody({ text: 'denied --source athena', responseUrl: r.url }), {
        secret: SECRET,
      });
      await slack.waitFor(r.path, 2);
      const [progress, answer] = slack.callsTo(r.path);
      expect(progress?.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
      const blocks = (progress?.body.blocks ?? []) as {
        type: string;
        elements?: { action_id: string; value: string }[];
      }[];
      const actions = blocks.find((b) => b.type === 'actions');
      expect(actions?.elements?.[0]?.action_id).toBe(ACTION_IDS.cancelQuery);
      expect(JSON.parse(actions?.elements?.[0]?.value ?? '{}')).toMatchObject({ q: queryId, u: 'U0ALICE' });
      expect(answer?.body.response_type).toBe('in_channel');
    } finally {
      deps.sources = real;
    }
  });

  it('stops an Athena query when the asker clicks Cancel, and refuses anyone else', async () => {
    const queryId = 'a1b2c3d4-0000-1111-2222-333344445555';
    const value = cancelValue({ queryId, userId: 'U0ALICE' });
    const mine = responseUrl();
    const click = await postSigned(
      url,
      buttonClickBody({ actionId: ACTION_IDS.cancelQuery, value, userId: 'U0ALICE', responseUrl: mine.url }),
      { secret: SECRET },
    );
    expect(click.status).toBe(200);
    await slack.waitFor(mine.path);
    expect(deps.stopped).toEqual([queryId]);
    expect(slack.callsTo(mine.path)[0]?.body.replace_original).toBe(true);
    expect(texts(slack.callsTo(mine.path)[0]?.body.blocks as unknown[]).join('')).toContain(
      'Cancelling the Athena query',
    );

    const theirs = responseUrl();
    await postSigned(
      url,
      buttonClickBody({
        actionId: ACTION_IDS.cancelQuery,
        value,
        userId: 'U0MALLORY',
        responseUrl: theirs.url,
      }),
      { secret: SECRET },
    );
    await slack.waitFor(theirs.path);
    expect(texts(slack.callsTo(theirs.path)[0]?.body.blocks as unknown[]).join('')).toContain(
      'Only the person who asked',
    );
    expect(deps.stopped).toHaveLength(1);

    const forged = responseUrl();
    await postSigned(
      url,
      buttonClickBody({
        actionId: ACTION_IDS.cancelQuery,
        value: '{"v":1,"k":"cancel","q":"x"}',
        userId: 'U0ALICE',
        responseUrl: forged.url,
      }),
      { secret: SECRET },
    );
    await slack.waitFor(forged.path);
    expect(texts(slack.callsTo(forged.path)[0]?.body.blocks as unknown[]).join('')).toContain(
      'not one of Trailbot’s',
    );
    expect(deps.stopped).toHaveLength(1);
  });

  it('serves its health route beside /slack/events', async () => {
    const res = await fetch(url.replace('/slack/events', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('made no call the fake Slack did not expect', () => {
    expect(slack.unexpected).toEqual([]);
  });
});

describe('the app factory', () => {
  it('uses Socket Mode when an app-level token is configured, and HTTP otherwise', () => {
    const deps = testDeps();
    const base = {
      botToken: new Secret('xoxb-1'),
      signingSecret: new Secret('s'),
      port: 0,
      host: '127.0.0.1',
    };
    expect(buildApp(deps, { ...base, appToken: new Secret('xapp-1') }).mode).toBe('socket');
    expect(buildApp(deps, base).mode).toBe('http');
  });
});
