// Benchmark: slash-command ack latency over loopback HTTP at 100 requests/s, p50/p99, for Trailbot
// (help, answered in the ack; who-deleted, acked then answered through response_url) beside a bare
// Bolt app acking the same request. Open loop: requests leave on schedule whether or not earlier ones
// returned, so a slow ack cannot hide queueing. Results go to bench/out/ack-latency.json.
// Usage: npm run bench:ack
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateArchive } from '../src/demo/generate.js';
import { DEMO_SPEC } from '../src/demo/spec.js';
import { postSigned, slashCommandBody } from '../test/helpers/signed.js';

const RATE = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SECRET = 'bench-signing-secret';
const OUT = join('bench', 'out');
const DIR = join(OUT, 'demo', 'cloudtrail');

mkdirSync(OUT, { recursive: true });
if (!existsSync(DIR)) await generateArchive({ ...DEMO_SPEC, dir: DIR });

// Stands in for Slack: auth.test for Bolt, and response_url for the answers.
let answers = 0;
const slack = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url?.startsWith('/response')) answers++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0001' }));
  });
});
await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
const slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}`;

async function startServer(mode: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/ack-server.ts', mode, `${slackUrl}/api/`, DIR, SECRET],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
  });
  return { child, url: `http://127.0.0.1:${JSON.parse(line).port}/slack/events` };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

async function run(mode: 'bare' | 'trailbot', text: string) {
  const { child, url } = await startServer(mode);
  // Warm up: the first request pays for auth.test and lazy set-up.
  for (let i = 0; i < 20; i++) {
    await postSigned(url, slashCommandBody({ text, responseUrl: `${slackUrl}/response/warm` }), {
      secret: SECRET,
    });
  }
  answers = 0;
  const n = RATE * SECONDS;
  const latencies: number[] = [];
  let failures = 0;
  const kinds = { working: 0, busy: 0, other: 0 };
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = slashCommandBody({ text, responseUrl: `${slackUrl}/response/${i}` });
    pending.push(
      postSigned(url, body, { secret: SECRET }).then((r) => {
        if (r.status !== 200) return void failures++;
        latencies.push(r.ms);
        if (r.text.includes('Looking for')) kinds.working++;
        else if (r.text.includes('questions waiting')) kinds.busy++;
        else kinds.other++;
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  // Let queued answers finish before counting them.
  await new Promise((r) => setTimeout(r, 2000));
  child.kill('SIGTERM');
  return {
    requests: n,
    failures,
    achievedRate: +(n / elapsed).toFixed(1),
    p50ms: +pct(latencies, 50).toFixed(2),
    p99ms: +pct(latencies, 99).toFixed(2),
    maxMs: +Math.max(...latencies).toFixed(2),
    acks: kinds,
    answersDelivered: answers,
  };
}

const result = {
  method: `${RATE} signed slash commands per second for ${SECONDS} s over loopback, open loop, after 20 warm-up requests; latency = request sent to ack received (fetch in the load process, server in its own process); 2 cores shared by both`,
  bareBolt: await run('bare', 'help'),
  trailbotHelp: await run('trailbot', 'help'),
  trailbotWhoDeleted: await run(
    'trailbot',
    'who-deleted acme-payments-archive --since 2026-11-01 --until 2026-11-08',
  ),
  target: 'p99 ≤ 10 ms',
};
writeFileSync(join(OUT, 'ack-latency.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
slack.close();
