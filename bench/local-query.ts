// One who-deleted question through the local source, in its own process so its peak memory is its own.
// With --places, the source is wrapped as the bot wraps it: every event placed (country, network) with
// the shipped IP databases, opened inside the timed part.
// Usage: tsx bench/local-query.ts <archive dir> <bucket> [--places]
import { loadConfig } from '../src/config.js';
import { lazyGeo } from '../src/geo/open.js';
import { placed } from '../src/geo/placed-source.js';
import { DELETION_EVENT_NAMES } from '../src/trail/deletions.js';
import { LocalSource } from '../src/trail/sources/local.js';
import { whoDeleted } from '../src/trail/who-deleted.js';

const [dir, bucket, flag] = process.argv.slice(2);
if (!dir || !bucket) throw new Error('usage: local-query.ts <dir> <bucket>');
const range = {
  start: new Date('2000-01-01T00:00:00Z'),
  end: new Date('2030-01-01T00:00:00Z'),
  defaulted: false,
};
const local = new LocalSource({ dir, memoryLimit: '1GB' });
const started = performance.now();
const source =
  flag === '--places'
    ? placed(
        local,
        lazyGeo(loadConfig(process.env), () => new Date()),
      )
    : local;
const a = await whoDeleted({ target: bucket, range, limit: 1000 }, source);
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    ms,
    examined: a.search.examined,
    deleted: a.deleted.length,
    attempts: a.attempts.length,
    who: a.deleted[0]?.event.principal.userName,
    place: a.deleted[0]?.event.place,
    eventNames: DELETION_EVENT_NAMES.length,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
