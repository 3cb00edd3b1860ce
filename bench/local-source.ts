// Benchmark: the local source answering who-deleted over a generated archive of at least 1,000,000
// events (1,016,066) in gzipped S3-layout files, side by side in one run with `zcat | jq` doing the same filter and
// with `zcat > /dev/null` (the decompression floor). Results go to bench/out/local-source.json.
// Usage: npm run bench:local            (generates bench/out/archive once, ~1 GB of JSON)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_BUCKET } from '../src/demo/generate.js';
import { ARCHIVE_DIR, ensureArchive, OUT } from './archive.js';

const DIR = ARCHIVE_DIR;
const { files, events } = await ensureArchive();

/** Run a shell pipeline, timing it and reading its peak memory from GNU time. */
function timed(script: string): { s: number; out: string; maxRssMiB: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'bash', '-c', `set -o pipefail; ${script}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  const rss = Number(r.stderr.trim().split('\n').at(-1));
  return { s: (performance.now() - t) / 1000, out: r.stdout, maxRssMiB: rss / 1024 };
}

const list = `find ${DIR} -name '*.json.gz' -print0 | sort -z`;
const filter = `.Records[] | select(.eventName == "DeleteBucket" and .requestParameters.bucketName == "${DEMO_BUCKET}") | .eventID`;

// Warm the page cache once so no contender pays for the disk; then three rounds, contenders taking
// turns, and the median of each: this machine's timings vary by ±20 % from run to run.
timed(`${list} | xargs -0 cat > /dev/null`);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const runs = {
  floor: [] as ReturnType<typeof timed>[],
  jq: [] as ReturnType<typeof timed>[],
  ours: [] as ReturnType<typeof timed>[],
};
for (let i = 0; i < ROUNDS; i++) {
  runs.floor.push(timed(`${list} | xargs -0 zcat > /dev/null`));
  runs.jq.push(timed(`${list} | xargs -0 zcat | jq -r '${filter}'`));
  runs.ours.push(timed(`node --import tsx bench/local-query.ts ${DIR} ${DEMO_BUCKET}`));
}
const median = (xs: ReturnType<typeof timed>[]) =>
  [...xs].sort((a, b) => a.s - b.s)[Math.floor(xs.length / 2)] as ReturnType<typeof timed>;
const floor = median(runs.floor);
const jq = median(runs.jq);
const oursRun = median(runs.ours);
const ours = JSON.parse(oursRun.out) as {
  ms: number;
  examined: number;
  deleted: number;
  attempts: number;
  who: string;
  maxRssMiB: number;
};

if (ours.examined !== events) throw new Error(`examined ${ours.examined}, archive holds ${events}`);
const jqHits = jq.out.trim().split('\n').filter(Boolean).length;
if (jqHits !== ours.deleted + ours.attempts)
  throw new Error(`jq found ${jqHits}, trailbot ${ours.deleted + ours.attempts}`);

const rate = (s: number) => Math.round(events / s);
const result = {
  method:
    'one run, page cache warm; wall time of each whole command (the trailbot figure includes node start-up and ' +
    'the file listing); peak RSS from GNU time -f %M; 2 cores',
  archive: { files, events },
  allRunsSeconds: {
    zcat: runs.floor.map((r) => r.s),
    jq: runs.jq.map((r) => r.s),
    trailbot: runs.ours.map((r) => r.s),
  },
  zcat: { seconds: floor.s, eventsPerSecond: rate(floor.s), maxRssMiB: floor.maxRssMiB },
  jq: { seconds: jq.s, eventsPerSecond: rate(jq.s), maxRssMiB: jq.maxRssMiB, matches: jqHits },
  trailbot: {
    seconds: oursRun.s,
    querySeconds: ours.ms / 1000,
    eventsPerSecond: rate(oursRun.s),
    maxRssMiB: oursRun.maxRssMiB,
    answer: `${ours.who} deleted ${DEMO_BUCKET}; ${ours.attempts} failed attempt(s)`,
  },
  targets: {
    'rate vs jq (≥ 5×)': +(jq.s / oursRun.s).toFixed(2),
    'time vs zcat (≤ 3×)': +(oursRun.s / floor.s).toFixed(2),
  },
};
writeFileSync(join(OUT, 'local-source.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
