// Benchmark: an alert storm. 10,000 SNS notifications in 60 s (open loop, evenly spaced) over 50
// fingerprints — 50 CloudWatch alarms in 5 accounts — all routed to one channel, through the whole bot
// (compiled, in its own process, default grouping and Slack's pace) into a fake Slack that timestamps
// every call. Reports messages posted, updates and thread notes, the highest number of sends to the
// channel in any one-second window, and alerts lost (every notification must be counted on an alert
// whose message was posted). Usage: node bin/build.mjs --bench && npx tsx bench/alert-storm.ts
// BENCH_CPU_BURNERS=N runs N busy-looping processes beside it for the whole run (CPU load: the pacing
// must hold when the bot is slow).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { alarmMessage, notification } from '../test/helpers/alerts.js';
import { FakeSlack, fakeChannels } from '../test/helpers/fake-slack.js';
import { signSns } from '../test/helpers/sns-sign.js';
import { CHANNEL, memoryOf, startAlertBot } from './alert-bot.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const FINGERPRINTS = 50;

const BURNERS = Number(process.env.BENCH_CPU_BURNERS ?? 0);
const burners = Array.from({ length: BURNERS }, () =>
  spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
);
const slack = await new FakeSlack().start();
const ch = fakeChannels(slack);
const store = join(mkdtempSync(join(tmpdir(), 'trailbot-storm-')), 'trailbot.db');
const { child, port } = await startAlertBot({ SLACK_API_URL: `${slack.url}/api/`, TRAIL_STORE_PATH: store });
const url = `http://127.0.0.1:${port}/sns`;
const account = (i: number) => `1111222233${String(30 + (i % 5)).padStart(2, '0')}`;
const bodies = Array.from({ length: N }, (_, i) =>
  signSns(
    notification(`storm-${i}`, alarmMessage(`Storm${i % FINGERPRINTS}`, 'ALARM', account(i % FINGERPRINTS))),
  ),
);

let accepted = 0;
let refused = 0;
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, memoryOf(child.pid as number).rssMb);
}, 250);
const t0 = performance.now();
const inflight: Promise<void>[] = [];
for (let i = 0; i < N; i++) {
  const wait = t0 + (i * SECONDS * 1000) / N - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inflight.push(
    fetch(url, { method: 'POST', body: bodies[i] }).then(async (r) => {
      await r.text();
      if (r.status === 200) accepted++;
      else refused++;
    }),
  );
}
await Promise.all(inflight);
const sentIn = (performance.now() - t0) / 1000;

// Wait for the outbox to finish: past the group wait, then no Slack call for 5 s (3 minutes at most).
const sends = () => slack.calls.filter((c) => /chat\.(postMessage|update)$/.test(c.path));
const sendingDone = Date.now();
while (Date.now() - sendingDone < 180_000) {
  const last = sends().at(-1)?.at ?? sendingDone;
  if (Date.now() - sendingDone > 15_000 && Date.now() - last > 5000) break;
  await new Promise((r) => setTimeout(r, 500));
}
const drainedIn = ((sends().at(-1)?.at ?? Date.now()) - (Date.now() - performance.now() + t0)) / 1000;
clearInterval(sampler);
child.kill('SIGTERM');
for (const b of burners) b.kill('SIGKILL');
await new Promise((r) => child.once('exit', r));

// The highest number of sends to the channel within any 1,000 ms, and the smallest gap between two.
const times = sends()
  .filter((c) => c.body.channel === CHANNEL)
  .map((c) => c.at)
  .sort((a, b) => a - b);
let maxPerSecond = 0;
let minGapMs = Number.POSITIVE_INFINITY;
for (let i = 0, j = 0; i < times.length; i++) {
  while ((times[i] as number) - (times[j] as number) >= 1000) j++;
  maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  if (i > 0) minGapMs = Math.min(minGapMs, (times[i] as number) - (times[i - 1] as number));
}

const db = new DatabaseSync(store, { readOnly: true });
const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
const counted = one('SELECT coalesce(sum(count), 0) AS n FROM alerts');
const unposted = one(
  'SELECT count(*) AS n FROM alerts a JOIN alert_groups g ON g.id = a.group_id WHERE g.ts IS NULL',
);
const result = {
  method: `${N} notifications in ${SECONDS} s (open loop) over ${FINGERPRINTS} fingerprints (CloudWatch alarms in 5 accounts) to one channel; default grouping (source, account, region; 10 s wait); compiled bot in its own process; fake Slack on loopback${BURNERS ? `; ${BURNERS} CPU-burning processes beside it` : ''}`,
  accepted,
  refused,
  sentInSeconds: Number(sentIn.toFixed(1)),
  drainedInSeconds: Number(drainedIn.toFixed(1)),
  messagesPosted: ch.posts(CHANNEL).length,
  updates: slack.callsTo('/api/chat.update').length,
  threadNotes: ch.messages.filter((m) => m.thread_ts).length,
  maxSendsPerChannelPerSecond: maxPerSecond,
  minGapBetweenSendsMs: minGapMs,
  alertsCounted: counted,
  notificationsProcessed: one('SELECT count(*) AS n FROM sns_messages WHERE processed_at IS NOT NULL'),
  alertsLost: accepted - counted + unposted,
  rssPeakMb: Math.round(peakRss),
  targets: { messagesPosted: '≤ 50 plus updates', maxSendsPerChannelPerSecond: 1, alertsLost: 0 },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/alert-storm.json', JSON.stringify(result, null, 2));
await slack.stop();
process.exit(0);
