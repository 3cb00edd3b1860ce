// Benchmark: a week asked of a quarter's archive. The 1,016,066-event archive (a week of 2 accounts and 4
// regions, 16,128 files) is linked 13 times into a folder of its own, each copy's S3-layout folders moved
// a week further back: 209,664 files over 13 weeks (each copy's records keep their times, so the index's
// rows all fall in the original week, 13 times over: a question of that week would read 13 times the
// rows, and is not asked). That archive is indexed, then whole questions through bin/trail.js are timed
// (median of 7): a week of the quarter's middle, whose folders hold files (23,040 with the days beside
// it) and whose partitions hold no rows — what a question pays for the archive around its days — and,
// beside it, the original archive's week over its own index.
// Usage: npm run build && npx tsx bench/index-quarter.ts (about 5 minutes; ~2 GB of links and index under tmp)
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ARCHIVE_DIR, ensureArchive, OUT } from './archive.js';

if (!existsSync('dist/cli.js')) throw new Error('run npm run build first: the benchmark times bin/trail.js');
await ensureArchive();
const COPIES = 13;
const ROUNDS = 7;
const WEEK_MS = 7 * 86_400_000;

const aside = mkdtempSync(join(tmpdir(), 'trail-quarter-'));
const big = join(aside, 'archive');
const bigIndex = join(aside, 'index');
const files = readdirSync(ARCHIVE_DIR, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
  .map((e) => relative(ARCHIVE_DIR, join(e.parentPath, e.name)));
const days = new Set<string>();
for (let k = 0; k < COPIES; k++)
  for (const f of files) {
    const m = /^(.*\/)(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)$/.exec(f);
    if (!m) throw new Error(`not of the S3 layout: ${f}`);
    const day = new Date(Date.UTC(+(m[2] as string), +(m[3] as string) - 1, +(m[4] as string)) - k * WEEK_MS);
    const ymd = day.toISOString().slice(0, 10);
    days.add(ymd);
    const to = join(big, `${m[1]}${ymd.split('-').join('/')}/${k}-${m[5]}`);
    mkdirSync(dirname(to), { recursive: true });
    linkSync(join(ARCHIVE_DIR, f), to);
  }
const sorted = [...days].sort();
const first = sorted[0] as string;
const last = sorted.at(-1) as string;

function run(args: string[]): { s: number; out: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['bin/trail.js', ...args], {
    env: { ...process.env, TRAIL_GEOIP: 'off' },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, out: r.stdout };
}
const build = run(['index', '--logs', big, '--into', bigIndex]);
// The original archive's own index (the other benchmarks' one, built if missing).
const smallIndex = join(OUT, 'index');
run(['index', '--logs', ARCHIVE_DIR, '--into', smallIndex]);

// Seven days, --until's day included.
const weekOf = (start: string) => {
  const end = new Date(Date.parse(`${start}T00:00:00Z`) + WEEK_MS - 86_400_000).toISOString().slice(0, 10);
  return ['--since', start, '--until', end];
};
// The original archive's week: the 7 days before its last folder (a delivery day after its last events).
const origStart = new Date(Date.parse(`${last}T00:00:00Z`) - WEEK_MS).toISOString().slice(0, 10);
// A week of the quarter's middle: folders full, partitions empty.
const midStart = new Date(Date.parse(`${first}T00:00:00Z`) + 6 * WEEK_MS).toISOString().slice(0, 10);
const cases: { label: string; args: string[] }[] = [];
for (const words of [['root'], ['who-deleted', 'acme-payments-archive']]) {
  cases.push(
    {
      label: `${words.join(' ')}, a middle week of the quarter`,
      args: [...words, '--logs', big, '--index', bigIndex, ...weekOf(midStart)],
    },
    {
      label: `${words.join(' ')}, the week of the original archive`,
      args: [...words, '--logs', ARCHIVE_DIR, '--index', smallIndex, ...weekOf(origStart)],
    },
  );
}
const rows = cases.map(({ label, args }) => {
  const times: number[] = [];
  let out = '';
  for (let i = 0; i < ROUNDS; i++) {
    const r = run([...args, '--json']);
    times.push(r.s);
    out = r.out;
  }
  const j = JSON.parse(out) as { search: { matched: number; examined: number; scope: { detail: string } } };
  times.sort((a, b) => a - b);
  return {
    question: label,
    seconds: +(times[Math.floor(ROUNDS / 2)] as number).toFixed(2),
    matched: j.search.matched,
    examined: j.search.examined,
    files: j.search.scope.detail,
  };
});
const result = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  method: `whole commands through bin/trail.js, median of ${ROUNDS}; ${COPIES} linked copies of the benchmark archive, a week apart (${files.length * COPIES} files, ${first} to ${last}); page cache warm`,
  buildSeconds: +build.s.toFixed(1),
  rows,
};
writeFileSync(join(OUT, 'index-quarter.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
rmSync(aside, { recursive: true, force: true });
