// Benchmark: SNS intake over loopback. The whole bot runs in a child process (verification with the
// real library, SQLite with synchronous=FULL, alert processing and the outbox all live); this process
// sends pre-signed notifications with a fixed number in flight and times each one to its 200.
// Reports notifications/s, p50/p99 time to the 200, and the bot's resident memory (peak, /proc VmHWM).
// Usage: npx tsx bench/alert-intake.ts  (BENCH_N, BENCH_CONCURRENCY to change the load)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alarmMessage, notification } from '../test/helpers/alerts.js';
import { FakeSlack, fakeChannels } from '../test/helpers/fake-slack.js';
import { signSns } from '../test/helpers/sns-sign.js';
import { memoryOf, pct, startAlertBot } from './alert-bot.js';

const N = Number(process.env.BENCH_N ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 500;

const slack = await new FakeSlack().start();
fakeChannels(slack);
const dir = mkdtempSync(join(tmpdir(), 'trailbot-bench-'));
const { child, port } = await startAlertBot({
  SLACK_API_URL: `${slack.url}/api/`,
  TRAIL_STORE_PATH: join(dir, 'trailbot.db'),
});
const url = `http://127.0.0.1:${port}/sns`;

// Signed before timing: the sender's cost is not the bot's. 50 alarms in 5 accounts, as a busy estate.
const bodies = Array.from({ length: N + WARMUP }, (_, i) =>
  signSns(
    notification(`bench-${i}`, alarmMessage(`Alarm${i % 50}`, 'ALARM', `11112222${String(3330 + (i % 5))}`)),
  ),
);

const idle = memoryOf(child.pid as number).rssMb;
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, memoryOf(child.pid as number).rssMb);
}, 100);

async function run(from: number, count: number) {
  const latencies: number[] = [];
  let next = from;
  let failures = 0;
  const worker = async () => {
    while (next < from + count) {
      const body = bodies[next++] as string;
      const t = performance.now();
      const r = await fetch(url, { method: 'POST', body });
      await r.text();
      if (r.status !== 200) failures++;
      latencies.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, failures, seconds: (performance.now() - t0) / 1000 };
}

await run(0, WARMUP);
const r = await run(WARMUP, N);
clearInterval(sampler);
const mem = memoryOf(child.pid as number);
const result = {
  method: `${N} SNS notifications (SignatureVersion 2, verified), ${CONCURRENCY} in flight over loopback keep-alive, after ${WARMUP} warm-up; bot in its own process with info logging piped`,
  notifications: N,
  failures: r.failures,
  perSecond: Math.round(N / r.seconds),
  p50Ms: Number(pct(r.latencies, 50).toFixed(2)),
  p99Ms: Number(pct(r.latencies, 99).toFixed(2)),
  maxMs: Number(Math.max(...r.latencies).toFixed(2)),
  rssIdleMb: Math.round(idle),
  rssPeakMb: Math.round(Math.max(peakRss, mem.peakMb)),
  targets: { perSecond: 2000, p99Ms: 50, rssMb: 150 },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/alert-intake.json', JSON.stringify(result, null, 2));
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await slack.stop();
process.exit(0);
