// One who-deleted question through the local source, in its own process so its peak memory is its own.
// Usage: tsx bench/local-query.ts <archive dir> <bucket>
import { DELETION_EVENT_NAMES } from '../src/trail/deletions.js';
import { LocalSource } from '../src/trail/sources/local.js';
import { whoDeleted } from '../src/trail/who-deleted.js';

const [dir, bucket] = process.argv.slice(2);
if (!dir || !bucket) throw new Error('usage: local-query.ts <dir> <bucket>');
const range = {
  start: new Date('2000-01-01T00:00:00Z'),
  end: new Date('2030-01-01T00:00:00Z'),
  defaulted: false,
};
const source = new LocalSource({ dir, memoryLimit: '1GB' });
const started = performance.now();
const a = await whoDeleted({ target: bucket, range, limit: 1000 }, source);
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    ms,
    examined: a.search.examined,
    deleted: a.deleted.length,
    attempts: a.attempts.length,
    who: a.deleted[0]?.event.principal.userName,
    eventNames: DELETION_EVENT_NAMES.length,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
