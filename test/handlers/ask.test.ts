import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type TrailApp } from '../../handlers/app.js';
import { Secret } from '../../src/config.js';
import { readAskValue } from '../../src/slack/buttons.js';
import { ACTION_IDS, ASK_IDS } from '../../src/slack/ids.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { buttonClickBody, postSigned, slashCommandBody } from '../helpers/signed.js';
import { texts } from '../helpers/slack.js';

const SECRET = 'ask-secret';
type Button = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; elements?: Button[] };
const asks = (blocks: Block[]) =>
  blocks.flatMap((b) => b.elements ?? []).filter((e) => (ASK_IDS as readonly string[]).includes(e.action_id));

describe('the next question is a click away: help’s buttons and an answer’s follow-ups', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let trail: TrailApp;
  let url: string;
  let n = 0;
  const responseUrl = () => {
    const path = `/response/ask-${++n}`;
    slack.on(path, () => ({ body: { ok: true } }));
    return { path, url: `${slack.url}${path}` };
  };
  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
    trail = buildApp(testDeps({ TRAIL_LOGS_DIR: INVICTUS_DIR }, { now: new Date('2023-07-20T00:00:00Z') }), {
      botToken: new Secret('xoxb-ask'),
      signingSecret: new Secret(SECRET),
      slackApiUrl: `${slack.url}/api/`,
      port: 0,
      host: '127.0.0.1',
    });
    url = `http://127.0.0.1:${(await trail.start()).port}/slack/events`;
  });
  afterAll(async () => {
    await trail.stop();
    await slack.stop();
  });

  it('/trail with no words shows help with buttons for the common questions, and one answers in the channel', async () => {
    const r = responseUrl();
    const ack = await postSigned(url, slashCommandBody({ text: '', responseUrl: r.url }), { secret: SECRET });
    const help = JSON.parse(ack.text) as { blocks: Block[] };
    const buttons = asks(help.blocks);
    expect(buttons.map((b) => b.text.text)).toEqual([
      'Failed logins, 24 h',
      'Access denied, 24 h',
      'Root use, 7 days',
      'IAM changes, 24 h',
      'Tampering, 7 days',
    ]);
    // Every subcommand is named in the help.
    for (const name of ['who-deleted', 'activity', 'key', 'ip', 'logins', 'denied', 'root', 'iam-changes'])
      expect(texts(help.blocks).join('\n')).toContain(`*${name}*`);
    const click = responseUrl();
    const body = buttonClickBody({
      actionId: buttons[2]?.action_id as string,
      value: buttons[2]?.value,
      userId: 'U0ALICE',
      responseUrl: click.url,
    });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    await slack.waitFor(click.path);
    const answer = slack.callsTo(click.path)[0]?.body as { response_type: string; blocks: Block[] };
    expect(answer.response_type).toBe('in_channel');
    expect(texts(answer.blocks).join('\n')).toContain('root');
  });

  it('ends an answer with its follow-ups; one runs in the answer’s thread', async () => {
    const r = responseUrl();
    const text = 'who-deleted stratus-red-team-ctes-bucket-qyxyekjbtk --since 2023-07-01 --until 2023-07-31';
    await postSigned(url, slashCommandBody({ text, responseUrl: r.url }), { secret: SECRET });
    await slack.waitFor(r.path);
    const answer = slack.callsTo(r.path)[0]?.body as { blocks: Block[] };
    const follow = asks(answer.blocks);
    expect(follow.map((b) => b.text.text)).toEqual([
      'This actor ±1 h',
      'Other events on this resource',
      'Everything from this IP',
      'This access key',
    ]);
    expect(readAskValue(follow[1]?.value).words.slice(0, 4)).toEqual([
      'event',
      'any',
      '--resource',
      'stratus-red-team-ctes-bucket-qyxyekjbtk',
    ]);
    const actor = readAskValue(follow[0]?.value);
    expect(actor.inThread).toBe(true);
    expect(actor.words.slice(0, 2)).toEqual(['activity', 'arn:aws:iam::123837392027:user/bert-jan']);
    // The answer as posted in the channel (response_url gives no ts; Slack's payload carries it).
    const on = { channel: 'C0SECURITY', ts: '1689000000.000100' };
    const click = responseUrl();
    const body = buttonClickBody({
      actionId: follow[0]?.action_id as string,
      value: follow[0]?.value,
      userId: 'U0BOB',
      responseUrl: click.url,
      on,
    });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!ch.replies(on.ts).length && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 50));
    const [reply] = ch.replies(on.ts);
    expect(reply?.channel).toBe('C0SECURITY');
    expect(texts(reply?.blocks as unknown[]).join('\n')).toContain('bert-jan');
  });

  it('answers every event on the resource in the thread, with its file; Export CSV attaches a small answer’s events', async () => {
    let uploads = 0;
    slack.on('/api/files.getUploadURLExternal', () => ({
      body: { ok: true, upload_url: `${slack.url}/upload/F${++uploads}`, file_id: `F${uploads}` },
    }));
    slack.on('/upload/F1', () => ({ body: 'OK' }));
    slack.on('/upload/F2', () => ({ body: 'OK' }));
    slack.on('/api/files.completeUploadExternal', () => ({ body: { ok: true, files: [{ id: 'F1' }] } }));
    const r = responseUrl();
    const text = 'who-deleted stratus-red-team-ctes-bucket-qyxyekjbtk --since 2023-07-01 --until 2023-07-31';
    await postSigned(url, slashCommandBody({ text, responseUrl: r.url }), { secret: SECRET });
    await slack.waitFor(r.path);
    const answer = slack.callsTo(r.path)[0]?.body as { blocks: Block[] };
    const resource = asks(answer.blocks).find(
      (b) => b.text.text === 'Other events on this resource',
    ) as Button;
    const on = { channel: 'C0SECURITY', ts: '1689000000.000200' };
    const click = (b: Button) =>
      postSigned(
        url,
        buttonClickBody({
          actionId: b.action_id,
          value: b.value,
          userId: 'U0BOB',
          responseUrl: responseUrl().url,
          on,
        }),
        { secret: SECRET },
      );
    await click(resource);
    await slack.waitFor('/api/files.completeUploadExternal', 1);
    const [reply] = ch.replies(on.ts);
    expect(texts(reply?.blocks as unknown[]).join('\n')).toContain(
      'events on stratus-red-team-ctes-bucket-qyxyekjbtk',
    );
    // 34 events: every one of them is in the thread's file (reads, the failed and the done deletion).
    const resourceCsv = slack.callsTo('/upload/F1')[0]?.raw ?? '';
    expect(
      resourceCsv.split('\n').filter((l) => l.includes('stratus-red-team-ctes-bucket-qyxyekjbtk')).length,
    ).toBe(34);
    expect(resourceCsv).toContain('GetBucketAcl');

    // The who-deleted answer itself is small: it ends with Export CSV, which asks it again in the thread
    // of the message clicked, with its events as a file.
    const exportButton = answer.blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION_IDS.exportCsv) as Button;
    expect(exportButton.text.text).toBe('Export CSV');
    expect(readAskValue(exportButton.value)).toMatchObject({
      inThread: true,
      file: true,
      words: text.split(' '),
    });
    const exportOn = { channel: 'C0SECURITY', ts: '1689000000.000300' };
    await postSigned(
      url,
      buttonClickBody({
        actionId: exportButton.action_id,
        value: exportButton.value,
        userId: 'U0BOB',
        responseUrl: responseUrl().url,
        on: exportOn,
      }),
      { secret: SECRET },
    );
    await slack.waitFor('/api/files.completeUploadExternal', 2);
    expect(slack.callsTo('/api/files.completeUploadExternal')[1]?.body.thread_ts).toBe(exportOn.ts);
    const csv = slack.callsTo('/upload/F2')[0]?.raw ?? '';
    expect(csv).toContain('time,event,service,region,account');
    expect(csv).toContain('DeleteBucket');
    // The answer with its file carries no second Export CSV.
    const [again] = ch.replies(exportOn.ts);
    expect(
      ((again?.blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []).map((e) => e.action_id),
    ).not.toContain(ACTION_IDS.exportCsv);
  });
});

describe('the message shortcut "Investigate (Trailbot)"', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let trail: TrailApp;
  let url: string;
  let n = 0;
  const shortcut = async (text: string, channel = 'C0SECURITY') => {
    const path = `/response/shortcut-${++n}`;
    slack.on(path, () => ({ body: { ok: true } }));
    const payload = {
      type: 'message_action',
      callback_id: 'trail_investigate_message',
      trigger_id: '1.2.3',
      action_ts: '1700000000.000001',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: 'U0ALICE', name: 'alice', team_id: 'T0001' },
      channel: { id: channel, name: 'security' },
      message: { type: 'message', user: 'U0GUARD', ts: '1700000000.000500', text },
      response_url: `${slack.url}${path}`,
      token: 'legacy-verification-token',
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const r = await postSigned(url, body, { secret: SECRET });
    return { status: r.status, ms: r.ms, path };
  };
  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
    trail = buildApp(testDeps({ TRAIL_LOGS_DIR: INVICTUS_DIR }, { now: new Date('2023-07-20T00:00:00Z') }), {
      botToken: new Secret('xoxb-ask'),
      signingSecret: new Secret(SECRET),
      slackApiUrl: `${slack.url}/api/`,
      port: 0,
      host: '127.0.0.1',
    });
    url = `http://127.0.0.1:${(await trail.start()).port}/slack/events`;
  });
  afterAll(async () => {
    await trail.stop();
    await slack.stop();
  });
  const until = async <T>(f: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('offers the questions a message leads to in its thread; one click answers there', async () => {
    const text = 'Suspicious: arn:aws:iam::123837392027:user/bert-jan from 185.220.101.7 <!channel>';
    const r = await shortcut(text);
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    const offer = await until(() => ch.replies('1700000000.000500')[0]);
    expect(texts(offer.blocks).join('\n')).toContain('`arn:aws:iam::123837392027:user/bert-jan`');
    const buttons = asks(offer.blocks as Block[]);
    expect(buttons.map((b) => b.text.text)).toEqual(['Activity: bert-jan', 'From 185.220.101.7']);
    // The reply is in the thread: the click's payload says so, and the answer goes to the same thread.
    const click = `/response/shortcut-click`;
    slack.on(click, () => ({ body: { ok: true } }));
    const body = buttonClickBody({
      actionId: buttons[0]?.action_id as string,
      value: buttons[0]?.value,
      userId: 'U0BOB',
      responseUrl: `${slack.url}${click}`,
      on: { channel: 'C0SECURITY', ts: offer.ts },
    }).replace(
      encodeURIComponent(`"ts":"${offer.ts}"`),
      encodeURIComponent(`"ts":"${offer.ts}","thread_ts":"1700000000.000500"`),
    );
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    const answer = await until(() => ch.replies('1700000000.000500')[1]);
    expect(texts(answer.blocks).join('\n')).toContain('bert-jan');
  });

  it('says so when there is nothing to ask about, to the clicker alone', async () => {
    const r = await shortcut('lunch at noon?');
    await slack.waitFor(r.path);
    const reply = slack.callsTo(r.path)[0]?.body as { response_type: string; text: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Nothing here to investigate');
  });

  it('offers the questions to the clicker when it cannot post in the channel', async () => {
    ch.failNext('/api/chat.postMessage', { body: { ok: false, error: 'not_in_channel' } });
    const r = await shortcut('key AKIAIOSFODNN7EXAMPLE', 'C0ELSEWHERE');
    await slack.waitFor(r.path);
    const reply = slack.callsTo(r.path)[0]?.body as { response_type: string; blocks: Block[] };
    expect(reply.response_type).toBe('ephemeral');
    expect(asks(reply.blocks).map((b) => b.text.text)).toEqual(['Key AKIAIOSFODNN7EXAMPLE']);
  });
});
