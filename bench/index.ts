// Benchmark: the local questions over the 1,016,066-event archive three ways, in one run on the same
// archive with the page cache warm — raw files (one pass), the Parquet index (`trail index`), and beside
// them jq over `zcat` and plain DuckDB (`read_json` with a declared schema, counting the same filter) —
// and the index itself: build time against one raw pass, its size against the .json.gz bytes, and the
// refresh after one more day is delivered. Whole commands through bin/trail.js (Node start-up included),
// the median of BENCH_ROUNDS (3) for trail; one round for jq and DuckDB (they do not vary enough to
// matter next to their times). Peak memory from GNU time. Beside them, the same questions over the index as
// the running bot answers them (one process, its sources kept). Results in bench/out/index.json.
// Usage: npm run build && npx tsx bench/index.ts
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../src/cli.js';
import { loadConfig } from '../src/config.js';
import { generateArchive } from '../src/demo/generate.js';
import { IAM_CHANGES, TAMPERING } from '../src/trail/catalog.js';
import { baseDeps, localOnly, storeHolder } from '../src/wiring.js';
import { ARCHIVE_DIR, ARCHIVE_SPEC, ensureArchive, OUT } from './archive.js';

if (!existsSync('dist/cli.js')) throw new Error('run npm run build first: the benchmark times bin/trail.js');
const { events } = await ensureArchive();
const INDEX = join(OUT, 'index');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Questions over the index are short and vary more between runs, relatively: more rounds.
const INDEX_ROUNDS = Number(process.env.BENCH_INDEX_ROUNDS ?? 5);
const list = `find ${ARCHIVE_DIR} -name '*.json.gz' -print0 | sort -z`;

// The event sets come from the catalog the subcommands ask from, so all four ask the same.
const jqList = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(',');
const sqlList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(',');

/** Each question, the jq filter and the DuckDB condition that ask the same of the raw records. */
const CASES: [string[], string, string][] = [
  [
    ['who-deleted', 'acme-payments-archive'],
    'select((.eventName == "DeleteBucket") and .requestParameters.bucketName == "acme-payments-archive")',
    "eventName = 'DeleteBucket' AND json_extract_string(requestParameters, '$.bucketName') = 'acme-payments-archive'",
  ],
  [
    ['activity', 'alice'],
    'select(.userIdentity.type == "IAMUser" and .userIdentity.userName == "alice")',
    "json_extract_string(userIdentity, '$.type') = 'IAMUser' AND json_extract_string(userIdentity, '$.userName') = 'alice'",
  ],
  [
    ['key', 'AKIAEXAMPLEBOB000002'],
    'select(.userIdentity.accessKeyId == "AKIAEXAMPLEBOB000002")',
    "json_extract_string(userIdentity, '$.accessKeyId') = 'AKIAEXAMPLEBOB000002'",
  ],
  [
    ['ip', '198.51.100.23'],
    'select(.sourceIPAddress == "198.51.100.23")',
    "sourceIPAddress = '198.51.100.23'",
  ],
  [
    ['logins'],
    'select(.eventName == "ConsoleLogin" and .eventSource == "signin.amazonaws.com")',
    "eventName = 'ConsoleLogin' AND eventSource = 'signin.amazonaws.com'",
  ],
  [
    ['denied'],
    'select((.errorCode // "") | test("^(Client\\\\.)?(AccessDenied|UnauthorizedOperation|UnauthorizedAccess)"))',
    "regexp_matches(errorCode, '^(Client\\.)?(AccessDenied|UnauthorizedOperation|UnauthorizedAccess)')",
  ],
  [
    ['root'],
    'select(.userIdentity.type == "Root" and .eventType != "AwsServiceEvent")',
    "json_extract_string(userIdentity, '$.type') = 'Root' AND eventType IS DISTINCT FROM 'AwsServiceEvent'",
  ],
  [
    ['iam-changes'],
    `select(.eventSource == "iam.amazonaws.com" and (.eventName | IN(${jqList(IAM_CHANGES)})))`,
    `eventSource = 'iam.amazonaws.com' AND eventName IN (${sqlList(IAM_CHANGES)})`,
  ],
  [
    ['tampering'],
    `select([.eventSource, .eventName] | IN(${TAMPERING.map((t) => `["${t.source}","${t.event}"]`).join(',')}))`,
    `(eventSource, eventName) IN (${TAMPERING.map((t) => `('${t.source}','${t.event}')`).join(',')})`,
  ],
  [['event', 'CreateBucket'], 'select(.eventName == "CreateBucket")', "eventName = 'CreateBucket'"],
];

/** Every file under a folder, relative to it. */
function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

function timed(script: string): { s: number; out: string; rssMiB: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'bash', '-c', `set -o pipefail; ${script}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return {
    s: (performance.now() - t) / 1000,
    out: r.stdout,
    rssMiB: Number(r.stderr.trim().split('\n').at(-1)) / 1024,
  };
}
const aside0 = () => mkdtempSync(join(tmpdir(), 'trail-bot-bench-'));
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const median = <T extends { s: number }>(xs: T[]) =>
  [...xs].sort((a, b) => a.s - b.s)[Math.floor(xs.length / 2)] as T;
const trail = (words: string[], index: boolean) =>
  timed(
    `TRAIL_GEOIP=off node bin/trail.js ${words.join(' ')} --logs ${ARCHIVE_DIR} ${index ? `--index ${INDEX}` : ''} --since 2026-09-01 --json`,
  );
const matchedOf = (out: string) => {
  const j = JSON.parse(out) as { search: { matched: number }; deleted?: unknown[]; attempts?: unknown[] };
  return j.deleted ? j.deleted.length + (j.attempts?.length ?? 0) : j.search.matched;
};

timed(`${list} | xargs -0 cat > /dev/null`);
// The index, built afresh (median of ROUNDS builds, as the raw passes it is set against), each build
// followed by one raw scan: plain DuckDB reading every record once (the same reader the build uses).
const builds: { s: number; out: string; rssMiB: number }[] = [];
const scans: { s: number }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  rmSync(INDEX, { recursive: true, force: true });
  builds.push(timed(`TRAIL_GEOIP=off node bin/trail.js index --logs ${ARCHIVE_DIR} --into ${INDEX}`));
  scans.push(timed(`node --import tsx bench/duckdb-plain.ts ${ARCHIVE_DIR} "eventName = 'DeleteBucket'"`));
}
const build = median(builds);
const scan = median(scans);
const built = /Parquet ([\d.]+) MB for ([\d.]+) MB/.exec(build.out);
// The real CloudTrail files of the fixtures, for the size of an index of real records.
const realInto = mkdtempSync(join(tmpdir(), 'trail-real-index-'));
const real = /Parquet ([\d.]+) MB for ([\d.]+) MB/.exec(
  timed(`TRAIL_GEOIP=off node bin/trail.js index --logs test/fixtures/cloudtrail --into ${realInto}`).out,
);
rmSync(realInto, { recursive: true, force: true });
// Most of those files are stored as plain .json: set the index against them gzipped, as the archive is.
const REAL = join('test', 'fixtures', 'cloudtrail');
const realGzipMB =
  walk(REAL)
    .filter((f) => /\.json(\.gz)?$/.test(f))
    .map((f) => readFileSync(join(REAL, f)))
    .reduce((n, b) => n + (b[0] === 0x1f && b[1] === 0x8b ? b.length : gzipSync(b).length), 0) / 1e6;

const rows = CASES.map(([words, jqFilter, where]) => {
  const raw = median(Array.from({ length: ROUNDS }, () => trail(words, false)));
  const idx = median(Array.from({ length: INDEX_ROUNDS }, () => trail(words, true)));
  const jq = timed(`${list} | xargs -0 zcat | jq -c '.Records[] | ${jqFilter} | .eventID' | wc -l`);
  const duck = timed(
    `node --import tsx bench/duckdb-plain.ts ${ARCHIVE_DIR} "${where.replace(/"/g, '\\"')}"`,
  );
  const matched = matchedOf(idx.out);
  if (matched !== matchedOf(raw.out))
    throw new Error(`${words.join(' ')}: index ${matched}, raw ${matchedOf(raw.out)}`);
  return {
    subcommand: words.join(' '),
    matched,
    jqMatched: Number(jq.out.trim()),
    duckdbMatched: Number(duck.out.trim()),
    rawSeconds: +raw.s.toFixed(2),
    indexSeconds: +idx.s.toFixed(2),
    jqSeconds: +jq.s.toFixed(2),
    duckdbSeconds: +duck.s.toFixed(2),
    rawVsJq: +(jq.s / raw.s).toFixed(1),
    indexVsJq: +(jq.s / idx.s).toFixed(1),
    rawPeakMiB: Math.round(raw.rssMiB),
    indexPeakMiB: Math.round(idx.rssMiB),
  };
});

// The same questions as the running bot answers them: one process, its sources kept between questions
// (DuckDB loaded and the index's first query paid once, by a warm-up), each answer rendered as --json.
// Median of INDEX_ROUNDS, measured around runCli, the terminal's own entry point, with the bot's wiring.
const botDeps = await (async () => {
  const env = {
    ...process.env,
    TRAIL_GEOIP: 'off',
    LOG_LEVEL: 'warn',
    TRAIL_STORE_PATH: join(aside0(), 'bot.db'),
  };
  const config = loadConfig(env);
  const holder = await storeHolder(config);
  return localOnly(config, baseDeps(config, { store: holder.get }));
})();
const quiet = { out: () => {}, err: (s: string) => void process.stderr.write(s) };
const inBot: Record<string, number> = {};
for (const [words] of CASES) {
  const args = [...words, '--logs', ARCHIVE_DIR, '--index', INDEX, '--since', '2026-09-01', '--json'];
  await runCli(args, {}, quiet, () => botDeps);
  const times: number[] = [];
  for (let i = 0; i < INDEX_ROUNDS; i++) {
    const t = performance.now();
    if ((await runCli(args, {}, quiet, () => botDeps)) !== 0) throw new Error(`${words.join(' ')} failed`);
    times.push(performance.now() - t);
  }
  inBot[words.join(' ')] = medianOf(times);
}
for (const r of rows) Object.assign(r, { inBotMs: Math.round(inBot[r.subcommand] ?? Number.NaN) });

// One more day delivered (the archive's next day, generated aside and linked in), then the refresh; then
// those files removed again (the archive as the other benchmarks expect it) and the refresh that drops them.
const aside = mkdtempSync(join(tmpdir(), 'trail-extra-day-'));
const extra = await generateArchive({
  ...ARCHIVE_SPEC,
  dir: aside,
  start: new Date(ARCHIVE_SPEC.start.getTime() + ARCHIVE_SPEC.days * 86_400_000),
  days: 1,
  seed: 7,
});
const linked: string[] = [];
for (const rel of walk(aside)) {
  const to = join(ARCHIVE_DIR, rel);
  if (!rel.endsWith('.json.gz') || existsSync(to)) continue;
  mkdirSync(dirname(to), { recursive: true });
  linkSync(join(aside, rel), to);
  linked.push(to);
}
const refresh = timed(`TRAIL_GEOIP=off node bin/trail.js index --logs ${ARCHIVE_DIR} --into ${INDEX}`);
const refreshed = /(\d+) new, (\d+) changed and (\d+) removed log files/.exec(refresh.out);
for (const f of linked) rmSync(f);
rmSync(aside, { recursive: true, force: true });
const drop = timed(`TRAIL_GEOIP=off node bin/trail.js index --logs ${ARCHIVE_DIR} --into ${INDEX}`);
const dropped = /(\d+) new, (\d+) changed and (\d+) removed log files/.exec(drop.out);
const result = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  events,
  method: `whole commands through bin/trail.js (Node start-up included), median of ${ROUNDS} for trail over the raw files, for the build and for the plain DuckDB scan beside it, and of ${INDEX_ROUNDS} over the index, one round for jq and DuckDB per subcommand; page cache warm; 2 cores`,
  index: {
    buildSeconds: +build.s.toFixed(2),
    buildPeakMiB: Math.round(build.rssMiB),
    rawScanSeconds: +scan.s.toFixed(2),
    buildVsRawScan: +(build.s / scan.s).toFixed(2),
    // The scan the index replaces: trail's own one pass over every raw file, each record read whole.
    rawOnePassMedianSeconds: +medianOf(rows.map((r) => r.rawSeconds)).toFixed(2),
    buildVsRawOnePass: +(build.s / medianOf(rows.map((r) => r.rawSeconds))).toFixed(2),
    realFixturesParquetMB: Number(real?.[1]),
    realFixturesStoredMB: Number(real?.[2]),
    realFixturesGzippedMB: +realGzipMB.toFixed(2),
    realFixturesPercentOfGzipped: Math.round((Number(real?.[1]) / realGzipMB) * 100),
    parquetMB: Number(built?.[1]),
    logFilesMB: Number(built?.[2]),
    sizePercent: Math.round((Number(built?.[1]) / Number(built?.[2])) * 100),
    // The floor no layout goes under while the index keeps every event id: CloudTrail's are random
    // UUIDs, 16 bytes each that no codec shrinks.
    eventIdsPercent: Math.round(((16 * events) / 1e6 / Number(built?.[2])) * 100),
    refreshSeconds: +refresh.s.toFixed(2),
    refreshNewFiles: Number(refreshed?.[1]),
    extraDayEvents: extra.events,
    dropSeconds: +drop.s.toFixed(2),
    droppedFiles: Number(dropped?.[3]),
  },
  rows,
};
writeFileSync(join(OUT, 'index.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
