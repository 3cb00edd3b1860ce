import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SourceUnavailableError } from '../../../src/errors.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import {
  connectDuckDb,
  DEFAULT_MAX_FILE_BYTES,
  LARGE_FILE_FACTOR,
  LocalSource,
  memoryBytes,
  readThreads,
} from '../../../src/trail/sources/local.js';
import { buildIndex } from '../../../src/trail/sources/log-index.js';
import { CLOUDTRAIL_DATA, INVICTUS_DIR, rawRecords, SNITCH_DIR, STRATUS_DIR } from '../../helpers/data.js';

// A 16-core machine: DuckDB's own default would read with 16 threads.
vi.mock('node:os', async (original) => ({
  ...(await original<typeof import('node:os')>()),
  availableParallelism: () => 16,
}));

const q = (over: Partial<TrailQuery> = {}): TrailQuery => ({
  range: { start: new Date('2000-01-01T00:00:00Z'), end: new Date('2030-01-01T00:00:00Z'), defaulted: false },
  limit: 1000,
  ...over,
});
const MiB = 2 ** 20;

describe('DuckDB within its memory limit', () => {
  it('reads sizes as DuckDB does, and fits its threads to the limit', () => {
    expect(memoryBytes('1GB')).toBe(1e9);
    expect(memoryBytes('953.6 MiB')).toBeCloseTo(953.6 * MiB);
    expect(memoryBytes('512mb')).toBe(512e6);
    expect(() => memoryBytes('lots')).toThrow('not a memory size');
    // Each thread sets aside twice the object size; the buffers take half the limit at most.
    expect(readThreads('1GB', 16 * MiB, 16)).toBe(14);
    expect(readThreads('256MB', 16 * MiB, 16)).toBe(3);
    expect(readThreads('8GB', 16 * MiB, 16)).toBe(16);
    expect(readThreads('1GB', 16 * MiB, 2)).toBe(2);
    expect(readThreads('64MB', 16 * MiB, 16), 'one at least').toBe(1);
    expect(readThreads('1GB', 128 * MiB, 16), "a large file's second try").toBe(1);
  });

  it('answers on a 16-core machine under the default 1GB: 14 threads, not one per core', async () => {
    const conn = await connectDuckDb('1GB');
    const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]?.[0];
    expect(Number(threads)).toBe(14);
    const total = [INVICTUS_DIR, STRATUS_DIR, SNITCH_DIR].reduce((n, d) => n + rawRecords(d).length, 0);
    const r = await new LocalSource({ dir: CLOUDTRAIL_DATA, memoryLimit: '1GB' }).search(
      q({ eventNames: ['NoSuchEvent'] }),
    );
    expect(r.examined).toBe(total);
  });

  it("reads a large delivery file's second try with the threads its larger buffers fit", async () => {
    // Two hundred small files and one of 40 MB: the second try sets aside 256 MiB a thread.
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-big-many-'));
    const rec = (i: number, name = 'PutObject') => ({
      eventTime: '2026-01-01T00:00:00Z',
      eventName: name,
      eventSource: 's3.amazonaws.com',
      eventID: `e${i}`,
      requestParameters: { bucketName: 'b', pad: 'x'.repeat(1000) },
    });
    for (let f = 0; f < 200; f++)
      writeFileSync(join(dir, `small-${f}.json`), JSON.stringify({ Records: [rec(100_000 + f)] }));
    writeFileSync(
      join(dir, 'big.json'),
      JSON.stringify({
        Records: Array.from({ length: 40_000 }, (_, i) => rec(i, i === 7 ? 'DeleteBucket' : 'PutObject')),
      }),
    );
    expect(DEFAULT_MAX_FILE_BYTES * LARGE_FILE_FACTOR).toBe(128 * MiB);
    const r = await new LocalSource({ dir, memoryLimit: '1GB' }).search(q({ eventNames: ['DeleteBucket'] }));
    expect(r.events.map((e) => e.id)).toEqual(['e7']);
    expect(r.examined).toBe(40_200);
    // And the usual threads after it.
    const again = await new LocalSource({ dir, memoryLimit: '1GB' }).search(
      q({ eventNames: ['DeleteBucket'] }),
    );
    expect(again.examined).toBe(40_200);
    // The index build's second try too.
    const conn = await connectDuckDb('1GB');
    const into = join(mkdtempSync(join(tmpdir(), 'trail-index-')), 'index');
    expect(await buildIndex({ logs: dir, into, conn })).toMatchObject({ added: 201, events: 40_200 });
    const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]?.[0];
    expect(Number(threads)).toBe(14);
  });

  it('says to raise TRAIL_LOCAL_MEMORY_LIMIT when a question or a build runs out of it', async () => {
    const question = new LocalSource({ dir: CLOUDTRAIL_DATA, memoryLimit: '16MB' }).search(q());
    await expect(question).rejects.toThrow(SourceUnavailableError);
    await expect(question).rejects.toThrow(
      `Reading the CloudTrail files in ${CLOUDTRAIL_DATA} needed more memory than TRAIL_LOCAL_MEMORY_LIMIT allows (16MB): raise it`,
    );
    const into = join(mkdtempSync(join(tmpdir(), 'trail-index-')), 'index');
    const build = buildIndex({ logs: CLOUDTRAIL_DATA, into, conn: await connectDuckDb('16MB') });
    await expect(build).rejects.toThrow(
      /^Indexing .* needed more memory than TRAIL_LOCAL_MEMORY_LIMIT allows/,
    );
  });
});
