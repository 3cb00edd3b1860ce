// Shared by the alert benchmarks: the whole bot, compiled as `npm start` runs it, in a child process
// (test/fixtures/alert-server.ts) with a fake Slack in this one; its memory read from /proc.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CHANNEL, TOPIC } from '../test/helpers/alerts.js';
import { startBot } from '../test/helpers/bot-process.js';
import { SNS_TEST_CERT_PEM } from '../test/helpers/sns-sign.js';

export { CHANNEL, TOPIC };

/** Start the bot from the compiled build. */
export async function startAlertBot(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  // The V8 flags `npm start` runs the bot with (package.json), plus any the benchmark is given.
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const flags = [
    ...(start.match(/--max-semi-space-size=\d+/) ?? []),
    ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean),
  ];
  // The bundled build (node bin/build.mjs --bench first), with info logs read and dropped.
  return startBot(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      TRAIL_SNS_TOPICS: TOPIC,
      TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
      TEST_CERT_PEM: SNS_TEST_CERT_PEM,
      LOG_LEVEL: 'info',
      ...env,
    },
    { compiled: true, flags, logs: 'drop' },
  );
}

/** Resident memory of a process now and at its peak, MB (Linux /proc). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}
