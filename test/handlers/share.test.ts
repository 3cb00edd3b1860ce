import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type TrailApp } from '../../handlers/app.js';
import { Secret } from '../../src/config.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { buttonClickBody, postSigned, slashCommandBody } from '../helpers/signed.js';
import { texts } from '../helpers/slack.js';

const SECRET = 'share-secret';
const QUESTION = 'who-deleted stratus-red-team-ctes-bucket-qyxyekjbtk --since 2023-07-01 --until 2023-07-31';
type Block = { type: string; elements?: { action_id: string; value: string }[] };

describe('private answers and Share in channel, through the Bolt app', () => {
  const slack = new FakeSlack();
  let trail: TrailApp;
  let url: string;
  let deps: ReturnType<typeof testDeps>;
  let n = 0;
  const responseUrl = () => {
    const path = `/response/share-${++n}`;
    slack.on(path, () => ({ body: { ok: true } }));
    return { path, url: `${slack.url}${path}` };
  };

  beforeAll(async () => {
    await slack.start();
    slack.on('/api/auth.test', () => ({
      body: { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0001' },
    }));
    // C0QUIET answers privately by default; elsewhere --private asks for it.
    deps = testDeps({ TRAIL_LOGS_DIR: INVICTUS_DIR, TRAIL_PRIVATE_CHANNELS: 'C0QUIET01' });
    trail = buildApp(deps, {
      botToken: new Secret('xoxb-share'),
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

  const ask = async (text: string, channelId?: string) => {
    const r = responseUrl();
    const body = slashCommandBody({ text, responseUrl: r.url, ...(channelId ? { channelId } : {}) });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    await slack.waitFor(r.path);
    return slack.callsTo(r.path)[0]?.body as { response_type: string; blocks: Block[]; text: string };
  };
  const click = async (value: string | undefined, userId: string) => {
    const r = responseUrl();
    const body = buttonClickBody({ actionId: ACTION_IDS.shareAnswer, value, userId, responseUrl: r.url });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    await slack.waitFor(r.path);
    await new Promise((res) => setTimeout(res, 100));
    return slack.callsTo(r.path).map((c) => c.body as Record<string, unknown>);
  };
  const shareButton = (blocks: Block[]) =>
    blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_IDS.shareAnswer);

  it('answers --private to the asker alone with Share; Share posts the same answer for everyone', async () => {
    const answer = await ask(`${QUESTION} --private`);
    expect(answer.response_type).toBe('ephemeral');
    expect(texts(answer.blocks).join('\n')).toContain('`bert-jan` deleted');
    const share = shareButton(answer.blocks);
    expect(share).toBeDefined();

    // Someone else's click (the value copied) shares nothing.
    const foreign = await click(share?.value, 'U0MALLORY');
    expect(foreign).toHaveLength(1);
    expect(foreign[0]?.response_type).toBe('ephemeral');
    expect(texts(foreign[0]?.blocks as unknown[]).join('\n')).toContain('Only the person who asked');

    const shared = await click(share?.value, 'U0ALICE');
    expect(shared[0]).toMatchObject({ response_type: 'in_channel', replace_original: false });
    // The same answer, without its Share button; then the private copy is removed.
    const sharedBlocks = shared[0]?.blocks as Block[];
    expect(shareButton(sharedBlocks)).toBeUndefined();
    expect(sharedBlocks).toEqual(answer.blocks.filter((b) => !shareButton([b])));
    expect(shared[1]).toEqual({ delete_original: true });

    const audit = await deps.store().audit.auditEntries({ since: new Date(0), limit: 50 });
    expect(audit.map((e) => [e.kind, e.user, e.what, e.result])).toEqual(
      expect.arrayContaining([
        ['command', 'U0ALICE', QUESTION, 'answer'],
        ['refusal', 'U0MALLORY', ACTION_IDS.shareAnswer, 'refused'],
        ['button', 'U0ALICE', ACTION_IDS.shareAnswer, `shared "${QUESTION}"`],
      ]),
    );
  });

  it('answers privately in a channel set so, and in the channel elsewhere', async () => {
    const quiet = await ask(QUESTION, 'C0QUIET01');
    expect(quiet.response_type).toBe('ephemeral');
    expect(shareButton(quiet.blocks)).toBeDefined();
    const open = await ask(QUESTION, 'C0SECURITY');
    expect(open.response_type).toBe('in_channel');
    expect(shareButton(open.blocks)).toBeUndefined();
  });

  it('refuses a forged or unknown Share value', async () => {
    const forged = await click('{"v":1,"k":"share","a":"not-an-id"}', 'U0ALICE');
    expect(texts(forged[0]?.blocks as unknown[]).join('\n')).toContain('not one of Trailbot’s');
    const gone = await click('{"v":1,"k":"share","a":"00000000-0000-4000-8000-000000000000"}', 'U0ALICE');
    expect(texts(gone[0]?.blocks as unknown[]).join('\n')).toContain('no longer kept');
  });
});
