// Benchmark: SNS intake with one and two replicas on one DynamoDB table, side by side. The table is
// moto's (moto_server, a Python stand-in on this machine), so the figures compare the replicas with
// each other on the same store — not with DynamoDB itself, whose latency and throughput differ.
// Each bot runs compiled in its own process; this process sends pre-signed notifications with a fixed
// number in flight, round-robin over the replicas, and times each to its 200; then waits until every
// accepted notification is posted once in the fake Slack.
// Usage: npm run build && node bin/build.mjs --bench && npx tsx bench/alert-fleet.ts  (BENCH_N, BENCH_CONCURRENCY)
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { initTable } from '../src/store/dynamodb/table.js';
import { alarmMessage, notification } from '../test/helpers/alerts.js';
import { FakeSlack, fakeChannels } from '../test/helpers/fake-slack.js';
import { MOTO_CREDENTIALS, startMoto } from '../test/helpers/moto.js';
import { signSns } from '../test/helpers/sns-sign.js';
import { pct, startAlertBot } from './alert-bot.js';

const N = Number(process.env.BENCH_N ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const moto = await startMoto();
const client = new DynamoDBClient({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });

async function fleet(replicas: number) {
  const table = `bench-${replicas}`;
  await initTable(client, table);
  const slack = await new FakeSlack().start();
  const ch = fakeChannels(slack);
  const bots = await Promise.all(
    Array.from({ length: replicas }, (_, i) =>
      startAlertBot({
        SLACK_API_URL: `${slack.url}/api/`,
        TRAIL_STORE: 'dynamodb',
        TRAIL_DYNAMODB_TABLE: table,
        TRAIL_REGIONS: 'us-east-1',
        TRAIL_REPLICA_ID: `replica-${i}`,
        TRAIL_ALERT_GROUP_BY: 'fingerprint',
        TRAIL_ALERT_GROUP_WAIT: '0s',
        AWS_ENDPOINT_URL: moto.url,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        TEST_CHANNEL_INTERVAL_MS: '2',
      }),
    ),
  );
  const bodies = Array.from({ length: N }, (_, i) =>
    signSns(
      notification(
        `fleet-bench-${i}`,
        alarmMessage(`Alarm${i}`, 'ALARM', `11112222${String(3330 + (i % 5))}`),
      ),
    ),
  );
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      const port = (bots[i % replicas] as { port: number }).port;
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}/sns`, { method: 'POST', body: bodies[i] as string });
      await r.text();
      if (r.status !== 200) failures++;
      latencies.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  // Then until every notification is a channel message (and a little longer, for any posted twice).
  const names = () => new Set(ch.posts().map((m) => /Alarm\d+/.exec(m.text)?.[0]));
  const deadline = Date.now() + 600_000;
  while (names().size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const posted = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 3000));
  for (const b of bots) b.child.kill('SIGTERM');
  await slack.stop();
  latencies.sort((a, b) => a - b);
  return {
    replicas,
    accepted_per_s: Math.round(N / seconds),
    p50_ms: pct(latencies, 50).toFixed(1),
    p99_ms: pct(latencies, 99).toFixed(1),
    failures,
    all_posted_after_s: posted.toFixed(1),
    posted: names().size,
    posted_twice: ch.posts().length - names().size,
  };
}

const one = await fleet(1);
const two = await fleet(2);
console.table([one, two]);
client.destroy();
await moto.stop();
