import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmMessage, CHANNEL, notification, TOPIC, tempStore } from '../helpers/alerts.js';
import { startBot } from '../helpers/bot-process.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { SNS_TEST_CERT_PEM, signSns } from '../helpers/sns-sign.js';

const N = 300;

/** Start the bot in its own process; resolves with it and its port. */

describe('durability: kill -9 in the middle of a burst', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    await slack.start();
    ch = fakeChannels(slack);
    env = {
      SLACK_BOT_TOKEN: 'xoxb-durability',
      SLACK_SIGNING_SECRET: 'durability-secret',
      SLACK_API_URL: `${slack.url}/api/`,
      PORT: '0',
      HOST: '127.0.0.1',
      TRAIL_SNS_TOPICS: TOPIC,
      TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
      TRAIL_STORE_PATH: tempStore().path,
      TRAIL_ALERT_GROUP_BY: 'fingerprint',
      TRAIL_ALERT_GROUP_WAIT: '0s',
      TEST_CERT_PEM: SNS_TEST_CERT_PEM,
      TEST_CHANNEL_INTERVAL_MS: '2',
    };
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await slack.stop();
  });

  it('posts every notification that got a 200 exactly once, after kills at random points and a restart', async () => {
    const accepted = new Set<string>();
    // Three bursts, each cut by kill -9 at a random point; then a clean start that must finish the work.
    for (let round = 0; round < 3; round++) {
      const bot = await startBot(env);
      child = bot.child;
      const killAt = Math.floor(N / 5 + Math.random() * ((3 * N) / 5));
      let answered = 0;
      let killed = false;
      const send = async (i: number) => {
        const name = `Burst${round}x${i}`;
        try {
          const r = await fetch(`http://127.0.0.1:${bot.port}/sns`, {
            method: 'POST',
            body: signSns(notification(`burst-${round}-${i}`, alarmMessage(name, 'ALARM'))),
          });
          if (r.status === 200) accepted.add(name);
        } catch {
          // The process is gone: this one was never acknowledged.
        }
        if (++answered >= killAt && !killed) {
          killed = true;
          bot.child.kill('SIGKILL');
        }
      };
      for (let i = 0; i < N; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => send(i + k)));
      if (bot.child.exitCode === null && bot.child.signalCode === null) await once(bot.child, 'exit');
      expect(bot.child.signalCode, `round ${round} killed at ${killAt}`).toBe('SIGKILL');
    }
    expect(accepted.size).toBeGreaterThan(N / 2);

    const last = await startBot(env);
    child = last.child;
    const deadline = Date.now() + 90_000;
    const names = () => ch.posts().map((m) => /Burst\d+x\d+/.exec(m.text)?.[0]);
    while ([...accepted].some((a) => !names().includes(a)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    // Graceful stop: SIGTERM stops intake, drains the outbox, closes the store, exits 0.
    last.child.kill('SIGTERM');
    await once(last.child, 'exit');
    expect(last.child.exitCode).toBe(0);
    child = undefined;

    const counts = new Map<string, number>();
    for (const n of names()) if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
    for (const a of accepted) expect(counts.get(a), `${a} posted once`).toBe(1);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  }, 180_000);
});
