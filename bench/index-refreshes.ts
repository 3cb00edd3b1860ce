// Benchmark: the local index kept fresh as the bot keeps it (TRAIL_INDEX_EVERY=15m). The 1,016,066-event
// archive is indexed, then one more day is delivered a quarter of an hour at a time (its files by the
// time in their names, linked into the archive) with a refresh after each: 96 refreshes, as a day of the
// bot's schedule. Measured: each refresh (in the process, as the bot runs it), the index's files and bytes
// at the end, and whole questions through bin/trail.js over that index against a fresh build of the same
// archive (median of 3 each, alternated). The delivered files are removed at the end.
// Usage: npm run build && npx tsx bench/index-refreshes.ts
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { generateArchive } from '../src/demo/generate.js';
import { connectDuckDb } from '../src/trail/sources/local.js';
import { buildIndex } from '../src/trail/sources/log-index.js';
import { ARCHIVE_DIR, ARCHIVE_SPEC, ensureArchive, OUT } from './archive.js';

if (!existsSync('dist/cli.js')) throw new Error('run npm run build first: the benchmark times bin/trail.js');
const { events } = await ensureArchive();
const SLICES = 96;
const ROUNDS = 3;

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
/** Parquet files of an index's current version, and their bytes, and the most in one partition. */
function shapeOf(into: string) {
  const files = walk(join(into, 'current')).filter((f) => f.endsWith('.parquet'));
  const perPart = new Map<string, number>();
  for (const f of files) perPart.set(dirname(f), (perPart.get(dirname(f)) ?? 0) + 1);
  return {
    files: files.length,
    partitions: perPart.size,
    mostInAPartition: Math.max(...perPart.values()),
    MB: +(files.reduce((n, f) => n + statSync(join(into, 'current', f)).size, 0) / 1e6).toFixed(1),
  };
}

const aside = mkdtempSync(join(tmpdir(), 'trail-next-day-'));
const day = await generateArchive({
  ...ARCHIVE_SPEC,
  dir: aside,
  start: new Date(ARCHIVE_SPEC.start.getTime() + ARCHIVE_SPEC.days * 86_400_000),
  days: 1,
  seed: 7,
});
// The day's files in delivery order (the time in each name), in SLICES quarter-hours.
const delivered = walk(aside)
  .filter((f) => f.endsWith('.json.gz'))
  .map((rel) => ({ rel, at: /_(\d{8}T\d{4})Z_/.exec(rel)?.[1] ?? '' }))
  .sort((a, b) => a.at.localeCompare(b.at));
const minuteOf = (at: string) => Number(at.slice(9, 11)) * 60 + Number(at.slice(11, 13));
const slices = Array.from({ length: SLICES }, (_, i) =>
  delivered.filter((f) => Math.floor(minuteOf(f.at) / (1440 / SLICES)) === i),
);

const work = mkdtempSync(join(tmpdir(), 'trail-refreshes-'));
const kept = join(work, 'kept');
const fresh = join(work, 'fresh');
const conn = await connectDuckDb('1GB');
const linked: string[] = [];
try {
  await buildIndex({ logs: ARCHIVE_DIR, into: kept, conn });
  const refreshMs: number[] = [];
  for (const slice of slices) {
    for (const f of slice) {
      const to = join(ARCHIVE_DIR, f.rel);
      mkdirSync(dirname(to), { recursive: true });
      linkSync(join(aside, f.rel), to);
      linked.push(to);
    }
    refreshMs.push((await buildIndex({ logs: ARCHIVE_DIR, into: kept, conn })).ms);
  }
  await buildIndex({ logs: ARCHIVE_DIR, into: fresh, conn });

  const ask = (words: string[], into: string) => {
    const t = performance.now();
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node bin/trail.js ${words.join(' ')} --logs ${ARCHIVE_DIR} --index ${into} --since 2026-09-01 --json`,
      ],
      { encoding: 'utf8', env: { ...process.env, TRAIL_GEOIP: 'off' }, maxBuffer: 1 << 28 },
    );
    if (r.status !== 0) throw new Error(`${words.join(' ')}: ${r.stderr}`);
    return (performance.now() - t) / 1000;
  };
  const QUESTIONS = [
    ['who-deleted', 'acme-payments-archive'],
    ['activity', 'alice'],
    ['iam-changes'],
    ['root'],
  ];
  const questions = QUESTIONS.map((words) => {
    const times = { kept: [] as number[], fresh: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      times.kept.push(ask(words, kept));
      times.fresh.push(ask(words, fresh));
    }
    return {
      subcommand: words.join(' '),
      refreshedSeconds: +medianOf(times.kept).toFixed(2),
      freshBuildSeconds: +medianOf(times.fresh).toFixed(2),
    };
  });
  const result = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    events: events + day.events,
    method: `the archive indexed, then its next day (${delivered.length} files, ${day.events} events) delivered in ${SLICES} quarter-hours with a refresh after each (buildIndex in the process, as the bot runs it); questions through bin/trail.js, median of ${ROUNDS} alternated with the same over a fresh build; page cache warm`,
    refreshes: {
      count: SLICES,
      medianMs: Math.round(medianOf(refreshMs)),
      maxMs: Math.round(Math.max(...refreshMs)),
      totalSeconds: +(refreshMs.reduce((a, b) => a + b, 0) / 1000).toFixed(1),
    },
    refreshed: shapeOf(kept),
    freshBuild: shapeOf(fresh),
    questions,
  };
  writeFileSync(join(OUT, 'index-refreshes.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  for (const f of linked) rmSync(f, { force: true });
  rmSync(aside, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  conn.closeSync();
}
