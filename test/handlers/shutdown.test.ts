import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alarmMessage, CHANNEL, notification, TOPIC, tempStore } from '../helpers/alerts.js';
import { startBot } from '../helpers/bot-process.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

// SIGTERM ends the bot within 10 s whatever it is doing — idle, waiting out an SQS backoff, or stuck
// on a Slack that does not answer — and nothing it accepted is lost: a restart posts it.
const LIMIT_MS = 10_000;

/** SIGTERM, then how long until the process exited, and its exit code. */
async function terminate(child: ChildProcess): Promise<{ ms: number; code: number | null }> {
  const exited = once(child, 'exit');
  const t = performance.now();
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return { ms: performance.now() - t, code };
}

/** A loopback port nothing listens on: SQS calls there fail at once. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('SIGTERM in every state', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let child: ChildProcess | undefined;
  const base = () => ({
    SLACK_BOT_TOKEN: 'xoxb-shutdown',
    SLACK_SIGNING_SECRET: 'shutdown-secret',
    SLACK_API_URL: `${slack.url}/api/`,
    PORT: '0',
    HOST: '127.0.0.1',
    TRAIL_SNS_TOPICS: TOPIC,
    TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
    TRAIL_ALERT_GROUP_BY: 'fingerprint',
    TRAIL_ALERT_GROUP_WAIT: '0s',
    TEST_CERT_PEM: SNS_TEST_CERT_PEM,
    TEST_CHANNEL_INTERVAL_MS: '2',
  });
  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
  });
  afterEach(() => child?.kill('SIGKILL'));
  afterAll(async () => slack.stop());

  it('idle: exits 0 at once', async () => {
    ({ child } = await startBot({ ...base(), TRAIL_STORE_PATH: tempStore().path }, { logs: 'drop' }));
    const r = await terminate(child);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(LIMIT_MS);
  });

  it('in an SQS receive backoff: exits 0 without waiting the backoff out', async () => {
    const queue = `http://127.0.0.1:${await closedPort()}/111122223333/alerts`;
    ({ child } = await startBot(
      {
        ...base(),
        TRAIL_STORE_PATH: tempStore().path,
        TRAIL_SQS_QUEUE_URL: queue,
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
      },
      { logs: 'drop' },
    ));
    // Failures at 0, 1 and 3 s: by 4 s it is inside a 4 s backoff (and they double up to a minute).
    await new Promise((r) => setTimeout(r, 4_000));
    const r = await terminate(child);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(LIMIT_MS);
  });

  it('mid-drain on a Slack that never answers: exits within the limit, and a restart posts everything', async () => {
    const path = tempStore().path;
    slack.stall('/api/chat.postMessage');
    let port: number;
    ({ child, port } = await startBot({ ...base(), TRAIL_STORE_PATH: path }, { logs: 'drop' }));
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/sns`, {
        method: 'POST',
        body: signSns(notification(`stall-${i}`, alarmMessage(`Stalled${i}`, 'ALARM'))),
      });
      if (r.status === 200) accepted.push(`Stalled${i}`);
    }
    expect(accepted).toHaveLength(5);
    await slack.waitFor('/api/chat.postMessage');
    const r = await terminate(child);
    expect(r.ms).toBeLessThan(LIMIT_MS);
    slack.unstall();
    ({ child } = await startBot({ ...base(), TRAIL_STORE_PATH: path }, { logs: 'drop' }));
    for (let t = 0; t < 200 && ch.posts().length < 5; t++) await new Promise((res) => setTimeout(res, 50));
    expect(
      ch
        .posts()
        .map((m) => m.text.match(/Stalled\d/)?.[0])
        .sort(),
    ).toEqual(accepted);
    await terminate(child);
  });
});
