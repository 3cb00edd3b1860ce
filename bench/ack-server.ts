// A Slack app for the ack benchmark, in its own process: `trailbot` (the real app on the demo archive)
// or `bare` (a Bolt app whose /trail only acks). Prints {"port": N} once listening.
// Usage: tsx bench/ack-server.ts <trailbot|bare> <slack api url> <archive dir> <signing secret>
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { buildApp } from '../handlers/app.js';
import { loadConfig, Secret } from '../src/config.js';
import { buildDeps } from '../src/wiring.js';

const [mode, slackApiUrl, dir, BENCH_SECRET = ''] = process.argv.slice(2);

if (mode === 'bare') {
  const receiver = new HTTPReceiver({ signingSecret: BENCH_SECRET, processBeforeResponse: false });
  const app = new App({ token: 'xoxb-bench', receiver, clientOptions: { slackApiUrl } });
  app.command('/trail', async ({ ack }) => {
    await ack();
  });
  const server = await receiver.start({ port: 0, host: '127.0.0.1' });
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
} else {
  const config = loadConfig({ ...process.env, TRAIL_LOGS_DIR: dir, LOG_LEVEL: 'warn' });
  const trail = buildApp(await buildDeps(config), {
    botToken: new Secret('xoxb-bench'),
    signingSecret: new Secret(BENCH_SECRET),
    slackApiUrl,
    port: 0,
    host: '127.0.0.1',
  });
  const { port } = await trail.start();
  console.log(JSON.stringify({ port }));
}
