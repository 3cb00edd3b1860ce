// Benchmark: `verify` over the 1,000,000-event archive (16,128 gzipped log files, 2 accounts × 4
// regions × 7 days) with an hourly digest chain per account and region built here once (our own key
// pair, signatures in .sig files), beside `sha256sum` over the same log files (hashing the stored bytes:
// the floor) and `zcat | sha256sum` per file (what verification must do: hash the uncompressed content).
// Median of three rounds, page cache warm. Usage: npx tsx bench/verify.ts
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { keysFromJson, localArchive, verifyArchive } from '../src/trail/verify.js';
import { digestArchive, digestKeyPair } from '../test/helpers/digests.js';
import { ARCHIVE_DIR, ensureArchive, OUT } from './archive.js';

const { files } = await ensureArchive();
const keysFile = join(OUT, 'digest-keys.json');
const logKeys = readdirSync(ARCHIVE_DIR, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz') && e.parentPath.includes(`${sep}CloudTrail${sep}`))
  .map((e) => relative(ARCHIVE_DIR, join(e.parentPath, e.name)).split(sep).join('/'));
if (!existsSync(keysFile)) {
  const t = performance.now();
  const key = digestKeyPair();
  const digests = digestArchive(ARCHIVE_DIR, logKeys, key);
  writeFileSync(keysFile, key.keysJson);
  console.log(
    `built ${digests.length} digests over ${logKeys.length} log files in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const keys = { keys: keysFromJson(await import('node:fs').then((f) => f.readFileSync(keysFile, 'utf8'))) };

function shell(script: string): number {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${script}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${script} failed`);
  return (performance.now() - t) / 1000;
}
const list = `find ${ARCHIVE_DIR} -path '*/CloudTrail/*' -name '*.json.gz' -print0`;
const runs = { verify: [] as number[], sha256sum: [] as number[], zcatSha: [] as number[] };
let last: Awaited<ReturnType<typeof verifyArchive>> | undefined;
for (let round = 0; round < 3; round++) {
  const t = performance.now();
  last = await verifyArchive(localArchive(ARCHIVE_DIR), keys);
  runs.verify.push((performance.now() - t) / 1000);
  runs.sha256sum.push(shell(`${list} | xargs -0 -n 500 sha256sum > /dev/null`));
  runs.zcatSha.push(shell(`${list} | xargs -0 -n 1 -P 2 sh -c 'zcat "$0" | sha256sum' > /dev/null`));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
const result = {
  method:
    'median of 3 rounds, page cache warm; 2 cores; verify = list, read + gunzip + SHA-256 every log file, parse and check every digest and its RSA signature',
  logFiles: logKeys.length,
  archiveFiles: files,
  digests: last?.digests,
  intact: last?.intact,
  verify: {
    s: Number(median(runs.verify).toFixed(2)),
    filesPerS: Math.round(logKeys.length / median(runs.verify)),
  },
  sha256sumStoredBytes: {
    s: Number(median(runs.sha256sum).toFixed(2)),
    filesPerS: Math.round(logKeys.length / median(runs.sha256sum)),
  },
  zcatSha256sumPerFile: {
    s: Number(median(runs.zcatSha).toFixed(2)),
    filesPerS: Math.round(logKeys.length / median(runs.zcatSha)),
  },
  runs,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(join(OUT, 'verify.json'), JSON.stringify(result, null, 2));
