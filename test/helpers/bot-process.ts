import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The whole bot in its own process (test/fixtures/alert-server.ts), for tests that kill it and for the
 * benchmarks: through tsx, or `compiled` from dist/ as `npm start` runs it. Resolves once it listens.
 */
export async function startBot(
  env: Record<string, string>,
  opts: { compiled?: boolean; flags?: string[]; logs?: 'inherit' | 'drop' } = {},
): Promise<{ child: ChildProcess; port: number }> {
  const entry = opts.compiled
    ? ['dist/bench/alert-server.js']
    : ['--import', 'tsx', 'test/fixtures/alert-server.ts'];
  const child = spawn(process.execPath, [...(opts.flags ?? []), ...entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', opts.logs === 'drop' ? 'pipe' : 'inherit'],
  });
  // Dropped logs are still read, as a log shipper would.
  child.stderr?.resume();
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream, terminal: false }))
    if (line.startsWith('{"port"')) return { child, port: (JSON.parse(line) as { port: number }).port };
  throw new Error('the bot exited before listening');
}
