// The benchmark archive: at least 1,000,000 events (1,016,066) in 16,128 gzipped S3-layout files,
// generated once into bench/out/archive and shared by the benchmarks that read it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateArchive } from '../src/demo/generate.js';

export const OUT = join('bench', 'out');
export const ARCHIVE_DIR = join(OUT, 'archive');
/**
 * The generator's version: an archive made by an earlier one is made again. 2: an IAM user's principalId
 * is the same in all their events (version 1 drew a random one per event, which no real trail does).
 * 3: records as large and as varied as real ones (1,205 bytes an event, 140 gzipped, against 1,267 and
 * 147 in the real trail of test/fixtures): SDK and browser user agents, UUID request ids, an hour's
 * session key per role, parameters and responses with ids, refusals (3 %), throttling, console
 * sign-ins, root use and IAM changes; version 2's were 934 and 76, with none of those last four.
 */
const ARCHIVE_VERSION = 3;
export const ARCHIVE_SPEC = {
  dir: ARCHIVE_DIR,
  seed: 1_000_000,
  start: new Date('2026-10-01T00:00:00Z'),
  days: 7,
  accounts: ['111122223333', '444455556666'],
  regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'],
  // CloudTrail delivers about every 5 minutes per account and region: 16,128 files.
  fileMinutes: 5,
  eventsPerFile: 63,
};

/** Generate the archive unless it is there; its file and event counts. */
export async function ensureArchive(): Promise<{ files: number; events: number }> {
  mkdirSync(OUT, { recursive: true });
  // Beside the archive, not in it: a .json file inside would be listed as one more log file.
  const marker = join(OUT, 'archive.generated.json');
  const made = existsSync(marker)
    ? (JSON.parse(readFileSync(marker, 'utf8')) as { version?: number })
    : undefined;
  if (made?.version !== ARCHIVE_VERSION) {
    rmSync(ARCHIVE_DIR, { recursive: true, force: true });
    const t = performance.now();
    const s = await generateArchive(ARCHIVE_SPEC);
    writeFileSync(marker, JSON.stringify({ version: ARCHIVE_VERSION, files: s.files, events: s.events }));
    console.log(
      `generated ${s.events} events in ${s.files} files in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  return JSON.parse(readFileSync(marker, 'utf8')) as { files: number; events: number };
}
