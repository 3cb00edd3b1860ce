import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { readAlertAction } from '../../src/slack/buttons.js';
import { ACTION_IDS, ASK_IDS } from '../../src/slack/ids.js';
import { openSqliteStores } from '../../src/store/sqlite/index.js';
import { alarmMessage, CHANNEL, notification, TOPIC, tempStorePath } from '../helpers/alerts.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { captureLogger } from '../helpers/deps.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { buttonClickBody, postSigned, slashCommandBody } from '../helpers/signed.js';
import { texts } from '../helpers/slack.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

const SECRET = 'home-secret';
type Button = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; text?: { text: string }; elements?: Button[] };
type View = { type: string; blocks: Block[] };

describe('the Home tab', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  // Alice is in the alerts channel; Mallory is not.
  const member: Record<string, string[]> = { U0ALICE: [CHANNEL, 'C0OTHER01'], U0MALLORY: ['C0OTHER01'] };
  const views: { user: string; view: View }[] = [];
  const path = tempStorePath();
  const status = async (group: string) => {
    const s = openSqliteStores(path);
    try {
      return (await s.alerts.alertsOfGroup(group))[0]?.status;
    } finally {
      s.close();
    }
  };

  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
    slack.on('/api/users.conversations', (b) => ({
      body: {
        ok: true,
        channels: (member[String(b.user)] ?? []).map((id) => ({ id })),
        response_metadata: {},
      },
    }));
    slack.on('/api/views.publish', (b) => {
      views.push({ user: String(b.user_id), view: b.view as View });
      return { body: { ok: true } };
    });
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-home',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${slack.url}/api/`,
      PORT: '0',
      HOST: '127.0.0.1',
      TRAIL_SNS_TOPICS: TOPIC,
      TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
      TRAIL_STORE_PATH: path,
      TRAIL_ALERT_GROUP_BY: 'fingerprint',
      TRAIL_ALERT_GROUP_WAIT: '0s',
      TRAIL_LOGS_DIR: INVICTUS_DIR,
    });
    server = await startServer(config, {
      fetchCert: async () => SNS_TEST_CERT_PEM,
      logger: captureLogger().logger,
      pollMs: 20,
      channelIntervalMs: 100,
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.stop(1000);
    await slack.stop();
  });

  const until = async <T>(what: string, f: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const open = async (user: string) => {
    const before = views.length;
    const body = JSON.stringify({
      token: 't',
      team_id: 'T0001',
      api_app_id: 'A0TRAILBOT',
      type: 'event_callback',
      event_id: `Ev${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1.2' },
    });
    const r = await postSigned(`${base}/slack/events`, body, {
      secret: SECRET,
      contentType: 'application/json',
    });
    expect(r.status).toBe(200);
    return until('the view', () => (views.length > before ? views.at(-1) : undefined));
  };
  const clickFromHome = async (actionId: string, value: string, user: string) => {
    const payload = {
      type: 'block_actions',
      user: { id: user, username: 'x', team_id: 'T0001' },
      api_app_id: 'A0TRAILBOT',
      token: 't',
      team: { id: 'T0001', domain: 'acme' },
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home', blocks: [] },
      trigger_id: '1.2.3',
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1.2' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return postSigned(`${base}/slack/events`, body, { secret: SECRET });
  };
  const all = (v: View) => texts(v.blocks).join('\n');
  const buttons = (v: View) => v.blocks.flatMap((b) => b.elements ?? []);

  it('shows open alerts in the user’s channels with their buttons, their questions, and no digest yet', async () => {
    slack.on('/response/h1', () => ({ body: { ok: true } }));
    await postSigned(
      `${base}/slack/events`,
      slashCommandBody({
        text: 'root --since 2023-07-01 --until 2023-07-31',
        responseUrl: `${slack.url}/response/h1`,
      }),
      { secret: SECRET },
    );
    await slack.waitFor('/response/h1');
    await fetch(`${base}/sns`, {
      method: 'POST',
      body: signSns(notification('home-1', alarmMessage('HomeDisk', 'ALARM'))),
    });
    await until('the post', () => ch.posts().find((m) => m.text.includes('HomeDisk')));
    const { view, user } = await open('U0ALICE');
    expect(user).toBe('U0ALICE');
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(all(view)).toContain('HomeDisk');
    expect(buttons(view).map((b) => b.action_id)).toContain(ACTION_IDS.alertAck);
    expect(all(view)).toContain('`/trail root --since 2023-07-01 --until 2023-07-31`');
    expect(buttons(view).filter((b) => (ASK_IDS as readonly string[]).includes(b.action_id))).toHaveLength(1);
    expect(all(view)).toContain('No digest yet.');
    // Mallory is not in the alert's channel: her tab does not show it.
    expect(all((await open('U0MALLORY')).view)).not.toContain('HomeDisk');
  });

  it('acknowledges from the tab for a member of the channel, refreshing it; refuses anyone else', async () => {
    const { view } = await open('U0ALICE');
    const ack = buttons(view).find((b) => b.action_id === ACTION_IDS.alertAck) as Button;
    const group = readAlertAction(ack.value).alertId;
    // Mallory, with a copied value, is refused: she is not in the alert's channel.
    const before = views.length;
    expect((await clickFromHome(ACTION_IDS.alertAck, ack.value, 'U0MALLORY')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(views.length).toBe(before);
    expect(await status(group)).toBe('open');
    expect((await clickFromHome(ACTION_IDS.alertAck, ack.value, 'U0ALICE')).status).toBe(200);
    const refreshed = await until('the refresh', () => (views.length > before ? views.at(-1) : undefined));
    expect(await status(group)).toBe('acknowledged');
    const text = all(refreshed.view);
    expect(text.indexOf('HomeDisk')).toBeGreaterThan(text.indexOf('Acknowledged by you'));
  });

  it('refreshes the clicker’s tab after a click on the channel message too', async () => {
    await fetch(`${base}/sns`, {
      method: 'POST',
      body: signSns(notification('home-2', alarmMessage('HomeCpu', 'ALARM'))),
    });
    const post = await until('the post', () => ch.posts().find((m) => m.text.includes('HomeCpu')));
    const ack = (post.blocks as Block[])
      .flatMap((b) => b.elements ?? [])
      .find((b) => b.action_id === ACTION_IDS.alertAck) as Button;
    slack.on('/response/h2', () => ({ body: { ok: true } }));
    const before = views.length;
    const body = buttonClickBody({
      actionId: ACTION_IDS.alertAck,
      value: ack.value,
      userId: 'U0ALICE',
      responseUrl: `${slack.url}/response/h2`,
      on: { channel: CHANNEL, ts: post.ts },
    });
    expect((await postSigned(`${base}/slack/events`, body, { secret: SECRET })).status).toBe(200);
    const refreshed = await until('the refresh', () => (views.length > before ? views.at(-1) : undefined));
    expect(refreshed.user).toBe('U0ALICE');
    const text = all(refreshed.view);
    expect(text.indexOf('HomeCpu')).toBeGreaterThan(text.indexOf('Acknowledged by you'));
  });
});
