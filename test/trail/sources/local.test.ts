import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ArchiveSummary, generateArchive } from '../../../src/demo/generate.js';
import { SourceUnavailableError } from '../../../src/errors.js';
import { DELETION_EVENT_NAMES } from '../../../src/trail/deletions.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { DEMO_MARKER, findLogFiles, LocalSource, layoutOf } from '../../../src/trail/sources/local.js';
import { CLOUDTRAIL_DATA, INVICTUS_DIR, rawRecords, SNITCH_DIR, STRATUS_DIR } from '../../helpers/data.js';

const ALL_TIME = {
  start: new Date('2000-01-01T00:00:00Z'),
  end: new Date('2030-01-01T00:00:00Z'),
  defaulted: false,
};
const q = (over: Partial<TrailQuery> = {}): TrailQuery => ({ range: ALL_TIME, limit: 1000, ...over });
const source = (dir: string) => new LocalSource({ dir, memoryLimit: '512MB' });

type Raw = Record<string, unknown> & { eventID: string; eventTime: string; eventName: string };
/** Deletions of a bucket computed from the raw records directly, newest first. */
function bucketDeletions(raws: Raw[], bucket: string) {
  return raws
    .filter(
      (r) =>
        r.eventName === 'DeleteBucket' &&
        (r.requestParameters as { bucketName?: string })?.bucketName === bucket,
    )
    .sort((a, b) => b.eventTime.localeCompare(a.eventTime) || a.eventID.localeCompare(b.eventID));
}

describe('the local source on the real CloudTrail files', () => {
  it('reads all three layouts in one pass and counts every event', async () => {
    const total = [INVICTUS_DIR, STRATUS_DIR, SNITCH_DIR].reduce((n, d) => n + rawRecords(d).length, 0);
    const r = await source(CLOUDTRAIL_DATA).search(q({ eventNames: ['NoSuchEvent'] }));
    expect(r.examined).toBe(total);
    expect(r.events).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('finds every DeleteBucket of a bucket in the Records files, failures included', async () => {
    const raws = rawRecords(INVICTUS_DIR) as Raw[];
    const bucket = 'stratus-red-team-ctlr-bucket-zqfsvooxqj';
    const expected = bucketDeletions(raws, bucket);
    expect(expected.length).toBe(3);
    const r = await source(INVICTUS_DIR).search(q({ eventNames: DELETION_EVENT_NAMES, resource: bucket }));
    expect(r.events.map((e) => e.id)).toEqual(expected.map((x) => x.eventID));
    expect(r.events.map((e) => e.errorCode)).toEqual(expected.map((x) => x.errorCode));
  });

  it('reads bare JSON arrays', async () => {
    const raws = rawRecords(STRATUS_DIR) as Raw[];
    const trail = raws.find((x) => x.eventName === 'DeleteTrail') as Raw;
    const name = (trail.requestParameters as { name: string }).name;
    const r = await source(STRATUS_DIR).search(q({ eventNames: ['DeleteTrail'], resource: name }));
    expect(r.events.map((e) => e.id)).toEqual([trail.eventID]);
    expect(r.examined).toBe(raws.length);
  });

  it('reads the gzipped S3 layout, organization trail included, and filters by account', async () => {
    const raws = rawRecords(SNITCH_DIR) as Raw[];
    const orgAccount = '222222222222';
    const expected = raws.filter((x) => x.recipientAccountId === orgAccount).length;
    const r = await source(SNITCH_DIR).search(q({ accounts: [orgAccount] }));
    expect(r.events).toHaveLength(expected);
    expect(r.events.every((e) => e.account === orgAccount)).toBe(true);
    expect(r.scope.detail).toContain('(1 file)'); // the other account's folder was skipped
  });

  it('binds hostile words as values: no SQL error, no match', async () => {
    for (const term of ["' OR 1=1 --", "x'); DROP TABLE t; --", '\\', '"', '%', '_', '😀'.repeat(500)]) {
      const r = await source(INVICTUS_DIR).search(
        q({ eventNames: ["DeleteBucket' OR '1'='1"], resource: term }),
      );
      expect(r.events).toEqual([]);
    }
  });

  it('keeps the newest when more match than the limit, and says so', async () => {
    const raws = rawRecords(INVICTUS_DIR) as Raw[];
    const all = raws
      .filter((x) => x.eventName === 'DeleteBucket')
      .sort((a, b) => b.eventTime.localeCompare(a.eventTime));
    const r = await source(INVICTUS_DIR).search(q({ eventNames: ['DeleteBucket'], limit: 2 }));
    expect(r.events).toHaveLength(2);
    expect(r.events[0]?.time.toISOString().slice(0, 19)).toBe(all[0]?.eventTime.slice(0, 19));
    expect(r.matched).toBe(all.length);
    expect(r.warnings.join(' ')).toMatch(/newest 2 are shown/);
  });
});

describe('the local source on a generated archive', () => {
  let dir: string;
  let summary: ArchiveSummary;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailbot-archive-'));
    summary = await generateArchive({
      dir,
      seed: 7,
      start: new Date('2026-03-01T00:00:00Z'),
      days: 4,
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1', 'eu-west-1'],
      fileMinutes: 120,
      eventsPerFile: 15,
      orgId: 'o-abc123',
    });
  });

  it('finds the planted deletion and the failed attempt before it', async () => {
    const p = summary.planted;
    const r = await source(dir).search(
      q({ eventNames: DELETION_EVENT_NAMES, resource: `arn:aws:s3:::${p.bucket}` }),
    );
    expect(r.events.map((e) => [e.id === p.eventId, e.errorCode, e.principal.userName])).toEqual([
      [true, undefined, 'bob'],
      [false, 'BucketNotEmpty', 'bob'],
    ]);
    expect(r.examined).toBe(summary.events);
  });

  it('skips folders outside the range, widened by a day for delivery time', async () => {
    const all = await findLogFiles(dir);
    const oneDay = await findLogFiles(
      dir,
      q({
        range: {
          start: new Date('2026-03-03T00:00:00Z'),
          end: new Date('2026-03-03T06:00:00Z'),
          defaulted: false,
        },
      }),
    );
    expect(all.files).toHaveLength(summary.files);
    const days = new Set(oneDay.files.map((f) => f.day));
    expect([...days].sort()).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    // The other days' folders are not read at all: the listing is the question's days, not the archive.
    expect(all.skipped).toBe(0);
    expect(oneDay.total).toBe(oneDay.files.length);
    const outside = new Set(
      all.files.filter((f) => !days.has(f.day)).map((f) => `${f.account} ${f.region} ${f.day}`),
    );
    expect(outside.size).toBeGreaterThan(0);
    expect(oneDay.skipped).toBe(outside.size); // each account's and region's folder of another day
  });

  it('reads no folder of another year, month, account or region than asked, and answers a range it holds nothing of', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trail-folders-'));
    const put = (account: string, region: string, day: string) => {
      const d = join(root, 'AWSLogs', account, 'CloudTrail', region, ...day.split('-'));
      mkdirSync(d, { recursive: true });
      writeFileSync(
        join(d, `${account}_${region}_${day}.json.gz`),
        gzipSync(
          JSON.stringify({ Records: [{ eventTime: `${day}T10:00:00Z`, eventName: 'X', eventID: day }] }),
        ),
      );
    };
    for (const day of ['2024-12-31', '2025-01-01', '2025-01-31', '2025-02-01', '2025-03-15'])
      for (const region of ['us-east-1', 'eu-west-1']) put('111122223333', region, day);
    put('444455556666', 'us-east-1', '2025-02-01');
    const ask = (start: string, end: string, more: Partial<TrailQuery> = {}) =>
      findLogFiles(
        root,
        q({ range: { start: new Date(start), end: new Date(end), defaulted: false }, ...more }),
      );
    // 2025-02-01 alone, widened to 2025-01-31 … 2025-02-02: 2024 is not read, nor March.
    const feb = await ask('2025-02-01T00:00:00Z', '2025-02-01T12:00:00Z');
    expect(feb.files.map((f) => f.rel?.split('/').slice(1, 5).join(' ')).sort()).toEqual([
      '111122223333 CloudTrail eu-west-1 2025',
      '111122223333 CloudTrail eu-west-1 2025',
      '111122223333 CloudTrail us-east-1 2025',
      '111122223333 CloudTrail us-east-1 2025',
      '444455556666 CloudTrail us-east-1 2025',
    ]);
    expect(feb.total).toBe(5);
    // Across the new year, widened by a day on each side.
    const newYear = await ask('2025-01-01T00:00:00Z', '2025-01-01T23:00:00Z', { regions: ['us-east-1'] });
    expect(newYear.files.map((f) => f.day).sort()).toEqual(['2024-12-31', '2025-01-01']);
    const other = await ask('2025-02-01T00:00:00Z', '2025-02-01T12:00:00Z', { accounts: ['444455556666'] });
    expect(other.files.map((f) => f.account)).toEqual(['444455556666']);
    // Nothing of the range on disk is an answer with nothing found, not a folder "without log files".
    const r = await source(root).search(
      q({
        range: {
          start: new Date('2026-06-01T00:00:00Z'),
          end: new Date('2026-06-02T00:00:00Z'),
          defaulted: false,
        },
      }),
    );
    expect(r.events).toEqual([]);
    expect(r.examined).toBe(0);
  });

  it('skips regions not asked for', async () => {
    const r = await source(dir).search(q({ regions: ['eu-west-1'], eventNames: ['DescribeInstances'] }));
    expect(r.events.length).toBeGreaterThan(0);
    expect(r.events.every((e) => e.region === 'eu-west-1')).toBe(true);
  });
});

describe('the local source on bad directories', () => {
  it('refuses a missing directory clearly', async () => {
    await expect(source('/nonexistent/trail-logs').search(q())).rejects.toThrow(SourceUnavailableError);
  });

  it('skips files that are not CloudTrail logs and says which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-bad-'));
    writeFileSync(join(dir, 'notes.json'), '"just a string"');
    // LookupEvents output, and a tool's own JSON: objects, but no Records.
    writeFileSync(join(dir, 'lookup-events.json'), JSON.stringify({ Events: [{ EventId: 'x' }] }));
    writeFileSync(join(dir, 'GENERATED.json'), JSON.stringify({ version: 3, files: 1 }));
    await mkdir(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', 'ok.json.gz'),
      gzipSync(
        JSON.stringify({
          Records: [
            {
              eventTime: '2026-01-01T00:00:00Z',
              eventName: 'X',
              eventSource: 's.amazonaws.com',
              eventID: 'e1',
            },
          ],
        }),
      ),
    );
    const r = await source(dir).search(q());
    expect(r.events.map((e) => e.id)).toEqual(['e1']);
    expect(r.warnings.join(' ')).toContain('3 file(s) are not CloudTrail logs and were skipped');
    for (const name of ['notes.json', 'lookup-events.json', 'GENERATED.json'])
      expect(r.warnings.join(' ')).toContain(name);
  });

  it('reads a delivery file larger than the first buffer on a second try', async () => {
    // DuckDB's smallest object limit is 16 MiB and it reads up to twice that: 40 MB needs the retry.
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-big-'));
    const rec = (i: number) => ({
      eventTime: '2026-01-01T00:00:00Z',
      eventName: i === 7 ? 'DeleteBucket' : 'PutObject',
      eventSource: 's3.amazonaws.com',
      eventID: `e${i}`,
      requestParameters: { bucketName: 'b', pad: 'x'.repeat(1000) },
    });
    writeFileSync(
      join(dir, 'big.json'),
      JSON.stringify({ Records: Array.from({ length: 40_000 }, (_, i) => rec(i)) }),
    );
    const r = await new LocalSource({ dir, memoryLimit: '1GB', maxFileBytes: 16 * 1024 * 1024 }).search(
      q({ eventNames: ['DeleteBucket'] }),
    );
    expect(r.events.map((e) => e.id)).toEqual(['e7']);
    expect(r.examined).toBe(40_000);
  });

  it('decides the limit after the exact match: newer near-misses cannot push out a real deletion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-near-'));
    const del = (i: number, bucket: string) => ({
      eventTime: `2026-01-0${i}T00:00:00Z`,
      eventName: 'DeleteBucket',
      eventSource: 's3.amazonaws.com',
      eventID: `e${i}`,
      requestParameters: { bucketName: bucket },
    });
    const records = [del(1, 'bucket-x'), ...[2, 3, 4, 5].map((i) => del(i, 'bucket-x-logs'))];
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ Records: records }));
    const r = await source(dir).search(q({ eventNames: ['DeleteBucket'], resource: 'bucket-x', limit: 2 }));
    expect(r.events.map((e) => e.id)).toEqual(['e1']);
    expect(r.matched).toBe(1);
  });

  it('marks every answer from the demo archive as demo data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-demo-'));
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify([{ eventTime: '2026-01-01T00:00:00Z', eventName: 'X', eventSource: 's' }]),
    );
    expect((await source(dir).search(q())).warnings).toEqual([]);
    writeFileSync(join(dir, DEMO_MARKER), 'demo');
    expect((await source(dir).search(q())).warnings).toEqual([expect.stringMatching(/^DEMO DATA: /)]);
  });

  it('reports a corrupt log file as a clear failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-corrupt-'));
    writeFileSync(join(dir, 'broken.json'), '{"Records": [{"eventTime": ');
    await expect(source(dir).search(q())).rejects.toThrow(/could not be read/);
  });
});

describe('layoutOf', () => {
  it('reads account, region and day from both S3 layouts', () => {
    expect(layoutOf('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/02/x.json.gz')).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      day: '2026-03-02',
    });
    expect(layoutOf('AWSLogs/o-abc123/444455556666/CloudTrail/us-east-1/2026/03/02/x.json.gz').account).toBe(
      '444455556666',
    );
    expect(layoutOf('CloudTrail/x.json')).toEqual({});
  });
});
