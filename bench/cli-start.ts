// How fast the terminal starts: `trail --version` and `trail help`, each run 10 times after one warm-up
// run, as separate processes; the median and the slowest are printed. Goals: ≤ 150 ms and ≤ 300 ms from a
// production install. Run: npx tsx bench/cli-start.ts [path to the trail bin] (default: bin/trail.js,
// which needs `npm run build`; .ci/pack-check passes the bin of a packed install).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const bin = resolve(process.argv[2] ?? 'bin/trail.js');
const RUNS = 10;
const env = {
  ...process.env,
  XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'trail-start-')),
  LOG_LEVEL: 'warn',
};

function time(args: string[]): { median: number; max: number } {
  const run = () => {
    const t = performance.now();
    execFileSync(process.execPath, [bin, ...args], { env, stdio: 'ignore' });
    return performance.now() - t;
  };
  run();
  const ms = Array.from({ length: RUNS }, run).sort((a, b) => a - b);
  return { median: ((ms[4] as number) + (ms[5] as number)) / 2, max: ms[RUNS - 1] as number };
}

const goals: [string[], number][] = [
  [['--version'], 150],
  [['help'], 300],
];
console.log(`trail start-up, ${bin}, Node ${process.version}, median of ${RUNS} (after 1 warm-up)`);
let failed = false;
for (const [args, goal] of goals) {
  const r = time(args);
  const ok = r.median <= goal;
  failed ||= !ok;
  console.log(
    `  trail ${args.join(' ').padEnd(10)} median ${r.median.toFixed(0)} ms, slowest ${r.max.toFixed(0)} ms (goal ≤ ${goal} ms) ${ok ? 'met' : 'MISSED'}`,
  );
}
process.exitCode = failed ? 1 : 0;
