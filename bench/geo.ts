// Benchmark: where addresses are. (1) Lookups per second through the GeoLocator — with its cache, over a
// realistic pool of addresses (logs repeat them), and without, every address a new one — on the shipped
// databases. (2) The overhead of places on the local who-deleted question over the 1,016,066-event
// archive: bench/local-query.ts with and without --places, alternated, in their own processes, medians.
// Goals (issue 18): ≥ 500,000 lookups/s with the cache; ≤ 5 % on who-deleted.
// Usage: npx tsx bench/geo.ts     (BENCH_ROUNDS=5 by default; generates the archive once, ~1 GB)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { DEMO_BUCKET } from '../src/demo/generate.js';
import { GeoLocator } from '../src/geo/locator.js';
import { openGeo } from '../src/geo/open.js';
import { ARCHIVE_DIR, ensureArchive, OUT } from './archive.js';

const config = loadConfig(process.env);
const t0 = performance.now();
const located = openGeo(config, new Date());
const openMs = performance.now() - t0;
if (!located) throw new Error('TRAIL_GEOIP is off');

// A deterministic pseudo-random stream (mulberry32), so every run looks up the same addresses.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const v4 = () =>
  `${1 + Math.floor(rand() * 222)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`;
const v6 = () =>
  `2a0${Math.floor(rand() * 10)}:${Math.floor(rand() * 65536).toString(16)}::${Math.floor(rand() * 65536).toString(16)}`;
const address = () => (rand() < 0.1 ? v6() : v4());

const LOOKUPS = 2_000_000;
// (1a) Cached: 5,000 distinct addresses, as a month of an account's logs might hold, looked up 2M times.
const pool = Array.from({ length: 5_000 }, address);
const stream = Array.from({ length: LOOKUPS }, () => pool[Math.floor(rand() * pool.length)] as string);
const cachedLocator = located;
for (const ip of pool) cachedLocator.locate(ip);
let t = performance.now();
let publics = 0;
for (const ip of stream) if (cachedLocator.locate(ip)?.kind === 'public') publics++;
const cachedPerS = LOOKUPS / ((performance.now() - t) / 1000);

// (1b) Uncached: 300,000 distinct addresses, each new to a locator whose cache holds none of them.
const fresh = Array.from({ length: 300_000 }, address);
const cold = new GeoLocator(located.dbs, 1);
t = performance.now();
for (const ip of fresh) cold.locate(ip);
const uncachedPerS = fresh.length / ((performance.now() - t) / 1000);

// (2) who-deleted with and without places.
const { events } = await ensureArchive();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const run = (places: boolean) => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/local-query.ts', ARCHIVE_DIR, DEMO_BUCKET, ...(places ? ['--places'] : [])],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as {
    ms: number;
    examined: number;
    deleted: number;
    maxRssMiB: number;
    place?: unknown;
  };
};
run(false); // warm the page cache
const off: number[] = [];
const on: number[] = [];
let sample: ReturnType<typeof run> | undefined;
for (let i = 0; i < ROUNDS; i++) {
  off.push(run(false).ms);
  sample = run(true);
  on.push(sample.ms);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const result = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  databases: located.about(),
  openMs: Math.round(openMs),
  lookups: {
    cachedPerSecond: Math.round(cachedPerS),
    uncachedPerSecond: Math.round(uncachedPerS),
    publicShare: publics / LOOKUPS,
    goalCached: 500_000,
  },
  whoDeleted: {
    events,
    rounds: ROUNDS,
    offMs: off.map(Math.round),
    onMs: on.map(Math.round),
    medianOffMs: Math.round(median(off)),
    medianOnMs: Math.round(median(on)),
    overheadPercent: Math.round(((median(on) - median(off)) / median(off)) * 1000) / 10,
    goalPercent: 5,
    placeOfTheDeletion: sample?.place,
  },
};
writeFileSync(join(OUT, 'geo.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
