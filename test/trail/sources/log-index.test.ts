import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { startIndexRefresh } from '../../../handlers/index-refresh.js';
import { runCli } from '../../../src/cli.js';
import { manifestOf, openIndex, openIndexView } from '../../../src/trail/sources/index-manifest.js';
import { connectDuckDb, findLogFiles, LocalSource } from '../../../src/trail/sources/local.js';
import { batchesOf, buildIndex, IndexBusyError } from '../../../src/trail/sources/log-index.js';
import { tempStorePath } from '../../helpers/alerts.js';
import { CLOUDTRAIL_DATA, SNITCH_DIR } from '../../helpers/data.js';
import { testDeps } from '../../helpers/deps.js';

const ALL_TIME = ['--since', '2020-01-01', '--until', '2026-01-01'];
const RANGE = {
  start: new Date('2020-01-01T00:00:00Z'),
  end: new Date('2030-01-01T00:00:00Z'),
  defaulted: false,
};

/** Ask through the terminal, as JSON; with an index when given. */
async function ask(words: string[], logs: string, index?: string) {
  let out = '';
  let err = '';
  const code = await runCli(
    [...words, '--logs', logs, ...(index ? ['--index', index] : []), ...ALL_TIME, '--json'],
    { TRAIL_MAX_RESULTS: '5000', TRAIL_STORE_PATH: tempStorePath() },
    { out: (s) => (out += s), err: (s) => (err += s) },
  );
  expect(err, words.join(' ')).toBe('');
  expect(code, words.join(' ')).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

/** The event ids of an answer, whatever its shape (investigations, who-deleted). */
function ids(answer: Record<string, unknown>): string[] {
  const events = (answer.events as { id: string }[] | undefined) ?? [];
  const deleted = ((answer.deleted as { event: { id: string } }[] | undefined) ?? []).map((d) => d.event);
  const attempts = ((answer.attempts as { event: { id: string } }[] | undefined) ?? []).map((d) => d.event);
  return [...events, ...deleted, ...attempts].map((e) => e.id);
}

describe('the index answers as the raw files do', () => {
  const into = join(mkdtempSync(join(tmpdir(), 'trail-index-')), 'index');
  beforeAll(async () => {
    let out = '';
    const code = await runCli(
      ['index', '--logs', CLOUDTRAIL_DATA, '--into', into],
      { TRAIL_STORE_PATH: tempStorePath() },
      { out: (s) => (out += s), err: () => {} },
    );
    expect(code).toBe(0);
    expect(out).toContain('92 new, 0 changed and 0 removed log files');
  });

  const QUESTIONS: string[][] = [
    ['who-deleted', 'stratus-red-team-ctes-bucket-qyxyekjbtk'],
    ['activity', 'bert-jan'],
    ['activity', 'arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role'],
    ['activity', 'arn:aws:sts::123837392027:assumed-role/AWSServiceRoleForRDS/SLRManagement'],
    ['activity', 'stratus-red-team-get-usr-data-role/aws-go-sdk-1688990565286187801'],
    ['key', 'AKIATFQR7NSC8Q4X20BJ'],
    ['ip', '192.168.10.20'],
    ['ip', '10.0.0.0/8'],
    ['logins'],
    ['logins', '--failed'],
    ['denied'],
    ['root'],
    ['iam-changes'],
    ['tampering'],
    ['event', 'PutBucketPolicy'],
    ['event', 'any', '--resource', 'stratus-red-team-ctlr-bucket-zqfsvooxqj'],
    ['activity', 'bert-jan', '--region', 'us-east-1', '--account', '123837392027'],
  ];
  for (const words of QUESTIONS)
    it(`${words.join(' ')}: the same events, event id by event id`, async () => {
      const raw = await ask(words, CLOUDTRAIL_DATA);
      const indexed = await ask(words, CLOUDTRAIL_DATA, into);
      expect(ids(indexed)).toEqual(ids(raw));
      const search = indexed.search as { matched: number; scope: { detail: string } };
      expect(search.matched).toBe((raw.search as { matched: number }).matched);
      // What was read, said the same way: the days, regions and accounts covered, and the records
      // examined. (With --region, raw files outside the S3 layout are read whole, every region's records
      // counted, while the index reads the asked partitions alone: it counts fewer, and may say a day
      // held nothing of the asked region where the raw count saw other regions' records.)
      const rawSearch = raw.search as { examined: number; coverage: unknown };
      if (!words.includes('--region')) {
        expect((indexed.search as { coverage: unknown }).coverage).toEqual(rawSearch.coverage);
        expect((indexed.search as { examined: number }).examined).toBe(rawSearch.examined);
      }
      expect(search.scope.detail).toMatch(/: \d+ from the index, 0 read raw\)$/);
      expect(indexed.search).toHaveProperty('index.raw', 0);
    });

  it('keeps no session token: AssumeRole answered the same, the token in neither answer nor index', async () => {
    const raw = await ask(['event', 'AssumeRole'], CLOUDTRAIL_DATA);
    const indexed = await ask(['event', 'AssumeRole'], CLOUDTRAIL_DATA, into);
    expect(ids(raw).length).toBeGreaterThan(40);
    expect(indexed.events).toEqual(raw.events);
    for (const answer of [raw, indexed]) {
      expect(JSON.stringify(answer)).toContain('"credentials":{"accessKeyId":"ASIA');
      expect(JSON.stringify(answer)).not.toContain('sessionToken');
    }
    const conn = await connectDuckDb('512MB');
    const reader = await conn.runAndReadAll(
      `SELECT count(*) FILTER (WHERE json_exists(responseElements, '$.credentials.accessKeyId'))::INT AS issued, ` +
        `count(*) FILTER (WHERE contains(responseElements::VARCHAR, 'sessionToken'))::INT AS tokens ` +
        `FROM read_parquet('${join(into, 'current', '**', '*.parquet')}')`,
    );
    const [row] = reader.getRowObjects();
    expect(row?.tokens).toBe(0);
    expect(row?.issued).toBeGreaterThan(40);
  });

  it('geo: the same places', async () => {
    const raw = await ask(['geo'], CLOUDTRAIL_DATA);
    const indexed = await ask(['geo'], CLOUDTRAIL_DATA, into);
    expect(indexed.principals).toEqual(raw.principals);
  });
});

/** One CloudTrail delivery file (gzipped, S3 layout) of `n` DescribeInstances calls on a day. */
function deliver(
  root: string,
  day: string,
  name: string,
  n: number,
  first = 0,
  idOf = (i: number) => `${name}-${first + i}`,
) {
  const dir = join(root, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', ...day.split('-'));
  const Records = Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
    eventTime: `${day}T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.0.0.5',
    eventID: idOf(i),
    recipientAccountId: '111122223333',
  }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json.gz`), gzipSync(JSON.stringify({ Records })));
  return join(dir, `${name}.json.gz`);
}

describe('the manifest', () => {
  it('keeps every folder, whatever its name, and gives each file back whole', () => {
    const files = [
      { path: '__proto__/a.json', size: 1, mtimeMs: 2, events: 3, parts: ['p_day=2025-11-01'] },
      { path: 'top.json', size: 4, mtimeMs: 5, events: 6, parts: ['p_day=2025-11-01', 'p_day=2025-11-02'] },
    ];
    const m = JSON.parse(JSON.stringify(manifestOf('/logs', files)));
    expect(Object.keys(m.dirs).sort()).toEqual(['', '__proto__']);
    expect(m.parts).toEqual(['p_day=2025-11-01', 'p_day=2025-11-02']);
    expect(Object.getOwnPropertyDescriptor(m.dirs, '__proto__')?.value).toEqual([['a.json', 1, 2, 3, [0]]]);
  });
});

describe('keeping the index fresh', () => {
  let conn: DuckDBConnection;
  beforeAll(async () => {
    conn = await connectDuckDb('512MB');
  });
  const search = (logs: string, into: string) =>
    new LocalSource({ dir: logs, memoryLimit: '512MB', index: into }).search({ range: RANGE, limit: 1000 });

  it('reads only new or changed files, drops the rows of removed ones, and answers with files delivered since raw', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = join(logs, '..', `${logs.split('/').at(-1)}-index`);
    const a = deliver(logs, '2025-11-01', 'a', 10);
    deliver(logs, '2025-11-02', 'b', 5);
    const first = await buildIndex({ logs, into, conn });
    expect(first).toMatchObject({ added: 2, changed: 0, removed: 0, kept: 0, events: 15 });

    // A file delivered after the build is read raw, and said so.
    deliver(logs, '2025-11-03', 'c', 3);
    let r = await search(logs, into);
    expect(r.matched).toBe(18);
    expect(r.scope.detail).toContain('2 from the index');
    expect(r.index).toMatchObject({ files: 2, raw: 1 });
    expect(r.scope.detail).toContain('1 read raw');

    // The next build reads it alone.
    const second = await buildIndex({ logs, into, conn });
    expect(second).toMatchObject({ added: 1, changed: 0, removed: 0, kept: 2, events: 18 });
    // What the answer examined is the manifest's rows per partition, carried over and counted anew.
    r = await search(logs, into);
    expect(r).toMatchObject({ matched: 18, examined: 18, index: { files: 3, raw: 0 } });
    expect((await buildIndex({ logs, into, conn })).unchanged, 'a build with nothing new is a no-op').toBe(
      true,
    );

    // A file rewritten (more records) and one removed.
    const changed = deliver(logs, '2025-11-01', 'a', 12, 100);
    utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    rmSync(join(logs, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2025', '11', '02'), {
      recursive: true,
    });
    // Before the refresh, the removed file's rows are no answer, nor counted as examined (the file
    // rewritten in place is still answered from the index, as it was: 10 events, and c's 3).
    r = await search(logs, into);
    expect(r.events.some((e) => e.id.startsWith('b-'))).toBe(false);
    expect(r).toMatchObject({ matched: 13, examined: 13 });
    const third = await buildIndex({ logs, into, conn });
    expect(third).toMatchObject({ added: 0, changed: 1, removed: 1, kept: 1, events: 15 });
    r = await search(logs, into);
    expect(r.matched).toBe(15);
    expect(r.examined).toBe(15);
    expect(
      r.events
        .filter((e) => e.id.startsWith('a-'))
        .map((e) => e.id)
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `a-${100 + i}`).sort());
    expect(r.scope.detail).toContain('0 read raw');
    // The current version and the one it replaced are kept (a question that opened it finishes on it);
    // older ones go.
    expect(readdirSync(into).filter((e) => e.startsWith('v-'))).toHaveLength(2);
    expect(a).toBe(changed);
  });

  it('is read by questions from its names file, and from its manifest when an earlier version wrote none', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 4);
    deliver(logs, '2025-11-02', 'b', 2);
    await buildIndex({ logs, into, conn });
    const names = JSON.parse(readFileSync(join(into, 'current', 'names.json'), 'utf8'));
    expect(names).toMatchObject({
      logs,
      names: {
        'AWSLogs/111122223333/CloudTrail/us-east-1/2025/11/01': 'a.json.gz',
        'AWSLogs/111122223333/CloudTrail/us-east-1/2025/11/02': 'b.json.gz',
      },
    });
    const viaNames = await search(logs, into);
    expect(viaNames).toMatchObject({ matched: 6, index: { files: 2, raw: 0 } });
    rmSync(join(into, 'current', 'names.json'));
    const viaManifest = await search(logs, into);
    expect(viaManifest).toMatchObject({ matched: 6, index: { files: 2, raw: 0 } });
    expect(viaManifest.events.map((e) => e.id)).toEqual(viaNames.events.map((e) => e.id));
    // The next build, with nothing new to read, writes the names file such a version lacks.
    expect(await buildIndex({ logs, into, conn })).toMatchObject({ unchanged: true });
    expect(JSON.parse(readFileSync(join(into, 'current', 'names.json'), 'utf8'))).toEqual(names);
    // A question of one day reads that day's folders (and the days beside it) alone; the index's other
    // folders, not listed, are not taken for files gone.
    deliver(logs, '2025-11-20', 'c', 3);
    await buildIndex({ logs, into, conn });
    const late = await new LocalSource({ dir: logs, memoryLimit: '512MB', index: into }).search({
      range: {
        start: new Date('2025-11-20T00:00:00Z'),
        end: new Date('2025-11-21T00:00:00Z'),
        defaulted: false,
      },
      limit: 1000,
    });
    expect(late).toMatchObject({ matched: 3, index: { files: 1, raw: 0 } });
    const view = await openIndexView(into);
    const lateDay = {
      range: {
        start: new Date('2025-11-20T00:00:00Z'),
        end: new Date('2025-11-21T00:00:00Z'),
        defaulted: false,
      },
      limit: 1000,
    };
    expect(await findLogFiles(logs, lateDay, view?.names)).toMatchObject({
      stale: [],
      indexed: 1,
      skipped: 2,
    });
    // A file of those days gone from the archive is taken for gone.
    rmSync(join(logs, 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/11/20/c.json.gz'));
    expect((await findLogFiles(logs, lateDay, view?.names)).stale).toEqual([
      'AWSLogs/111122223333/CloudTrail/us-east-1/2025/11/20/c.json.gz',
    ]);
  });

  it('rewrites a partition a removed file shared with the others kept, written as new files are', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    const gone = deliver(logs, '2025-11-01', 'b', 2);
    await buildIndex({ logs, into, conn });
    rmSync(gone);
    expect(await buildIndex({ logs, into, conn })).toMatchObject({ removed: 1, kept: 1, events: 3 });
    const files = join(into, 'current', '**', '*.parquet');
    const written = await conn.runAndReadAll(
      `SELECT DISTINCT parse_filename(file_name)[:5] AS name, compression FROM parquet_metadata('${files}')`,
    );
    expect(written.getRowObjects()).toEqual([{ name: 'kept-', compression: 'ZSTD' }]);
    expect((await search(logs, into)).events.map((e) => e.id).sort()).toEqual(['a-0', 'a-1', 'a-2']);
  });

  it('reads a build in batches of about 2,000 files, as even as they come, each file in one', () => {
    const sizes = (n: number) => batchesOf(Array.from({ length: n }, (_, i) => i)).map((b) => b.length);
    // A day of a 2-account, 4-region organization: one COPY, not 2,000 and then 304.
    expect(sizes(2304)).toEqual([2304]);
    expect(sizes(16128)).toEqual(Array(8).fill(2016));
    expect(sizes(3001)).toEqual([1501, 1500]);
    expect(sizes(1)).toEqual([1]);
    expect(sizes(0)).toEqual([]);
    for (const n of [1, 999, 2999, 3000, 4999, 5000, 40_001]) {
      const batches = batchesOf(Array.from({ length: n }, (_, i) => i));
      expect(batches.flat()).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(3000);
    }
  });

  it('merges the small files of a partition refreshed again and again, and answers the same', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    const files = () =>
      readdirSync(join(into, 'current', 'p_account=111122223333', 'p_region=us-east-1', 'p_day=2025-11-01'));
    // A refresh after every delivery, as the bot's schedule does: each adds a file to the day's partition.
    const counts: number[] = [];
    const merged: number[] = [];
    const notes: string[] = [];
    for (let i = 0; i < 20; i++) {
      deliver(logs, '2025-11-01', `f${i}`, 3);
      merged.push((await buildIndex({ logs, into, conn, onProgress: (p) => notes.push(p.note) })).merged);
      counts.push(files().length);
    }
    expect(counts.slice(0, 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 1]);
    expect(merged.slice(0, 9)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(notes).toContain('merging the small files of 1 partition');
    expect(Math.max(...counts)).toBe(8);
    expect(files().filter((f) => f.startsWith('m-'))).toHaveLength(1);
    const r = await search(logs, into);
    expect(r).toMatchObject({ matched: 60, examined: 60, index: { files: 20, raw: 0 } });
    expect(r.events.map((e) => e.id).sort()).toEqual(
      Array.from({ length: 20 }, (_, f) => [0, 1, 2].map((i) => `f${f}-${i}`))
        .flat()
        .sort(),
    );
    // A file removed from a merged partition is dropped from it as from any other.
    rmSync(
      join(logs, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2025', '11', '01', 'f3.json.gz'),
    );
    await buildIndex({ logs, into, conn });
    expect((await search(logs, into)).events.map((e) => e.id)).not.toContain('f3-0');
  });

  it('mends a partition left crowded by an earlier version at its next refresh, whatever it writes', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 30);
    await buildIndex({ logs, into, conn });
    // The day's partition split into ten files, as refreshes before the merging left it.
    const part = join(into, 'current', 'p_account=111122223333', 'p_region=us-east-1', 'p_day=2025-11-01');
    const [one] = readdirSync(part);
    await conn.run(
      `COPY (SELECT *, row_number() OVER () % 10 AS k FROM read_parquet('${join(part, one as string)}')) ` +
        `TO '${part}/split' (FORMAT parquet, PARTITION_BY (k))`,
    );
    rmSync(join(part, one as string));
    for (const k of readdirSync(join(part, 'split')))
      for (const f of readdirSync(join(part, 'split', k)))
        cpSync(join(part, 'split', k, f), join(part, `${k}-${f}`));
    rmSync(join(part, 'split'), { recursive: true });
    expect(readdirSync(part)).toHaveLength(10);
    // A refresh that writes only another day's partition; the terminal says what it merged.
    deliver(logs, '2025-11-02', 'b', 2);
    let out = '';
    const code = await runCli(
      ['index', '--logs', logs, '--into', into],
      { TRAIL_STORE_PATH: tempStorePath() },
      { out: (s) => (out += s), err: () => {} },
    );
    expect(code).toBe(0);
    expect(out).toContain('1 new, 0 changed and 0 removed log files');
    expect(out).toContain('The small files of 1 partition merged into one each.');
    const mended = join(into, 'current', 'p_account=111122223333', 'p_region=us-east-1', 'p_day=2025-11-01');
    expect(readdirSync(mended)).toHaveLength(1);
    const r = await search(logs, into);
    expect(r).toMatchObject({ matched: 32, examined: 32 });
    expect(r.events.filter((e) => e.id.startsWith('a-'))).toHaveLength(30);
  });

  it('answers a range that starts and ends inside a day as the raw files do', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    // 40 events a day at 10:00–10:39, on three days.
    for (const [d, name] of [
      ['2025-11-01', 'a'],
      ['2025-11-02', 'b'],
      ['2025-11-03', 'c'],
    ] as const)
      deliver(logs, d, name, 40);
    await buildIndex({ logs, into, conn });
    const range = {
      start: new Date('2025-11-01T10:29:30Z'),
      end: new Date('2025-11-03T10:15:00Z'),
      defaulted: false,
    };
    const ask = (index?: string) =>
      new LocalSource({ dir: logs, memoryLimit: '512MB', ...(index ? { index } : {}) }).search({
        range,
        limit: 1000,
      });
    const [raw, indexed] = [await ask(), await ask(into)];
    expect(indexed.index).toMatchObject({ files: 3, raw: 0 });
    // 10:30–10:39 of the first day, the whole second, 10:00–10:14 of the third.
    expect(raw.matched).toBe(10 + 40 + 15);
    expect(indexed.matched).toBe(raw.matched);
    expect(indexed.events.map((e) => e.id)).toEqual(raw.events.map((e) => e.id));
    // And the newest few, cut inside the last day.
    const few = await new LocalSource({ dir: logs, memoryLimit: '512MB', index: into }).search({
      range,
      limit: 5,
    });
    expect(few.events.map((e) => e.id)).toEqual(raw.events.slice(0, 5).map((e) => e.id));
  });

  it('is refused the archive folder itself as its home, with where to put it', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    let err = '';
    const code = await runCli(
      ['index', '--logs', logs, '--into', `${logs}/`],
      { TRAIL_STORE_PATH: tempStorePath() },
      { out: () => {}, err: (s) => (err += s) },
    );
    expect(code).not.toBe(0);
    expect(err).toContain(`The index needs a folder of its own, not the archive's: --into ${logs}/index`);
    expect(readdirSync(logs)).toEqual([]);
    // Nor a file for a folder.
    const file = join(mkdtempSync(join(tmpdir(), 'trail-index-')), 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(buildIndex({ logs, into: file, conn })).rejects.toThrow(
      `The index folder ${file} cannot be made: EEXIST`,
    );
  });

  it('kept inside the archive it indexes, is not read as part of it', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = join(logs, 'index');
    deliver(logs, '2025-11-01', 'a', 3);
    await buildIndex({ logs, into, conn });
    const r = await search(logs, into);
    expect(r.warnings).toEqual([]);
    expect(r.index).toMatchObject({ files: 1, raw: 0 });
    deliver(logs, '2025-11-02', 'b', 2);
    expect(await buildIndex({ logs, into, conn })).toMatchObject({ added: 1, kept: 1, events: 5 });
    expect((await search(logs, into)).warnings).toEqual([]);
  });

  it('gives back every event id as written: UUIDs (kept as such), upper-case ones and others', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    const written = [
      '3a0fbd8e-5b49-4c1b-9d3e-0c6f1e2a7b10',
      '3A0FBD8E-5B49-4C1B-9D3E-0C6F1E2A7B11',
      '{3a0fbd8e-5b49-4c1b-9d3e-0c6f1e2a7b12}',
      'not-a-uuid',
    ];
    deliver(logs, '2025-11-01', 'u', written.length, 0, (i) => written[i] as string);
    await buildIndex({ logs, into, conn });
    const r = await search(logs, into);
    expect(r.index).toMatchObject({ files: 1, raw: 0 });
    expect(r.events.map((e) => e.id).sort()).toEqual([...written].sort());
  });

  it('says so when the index was written by another version, reads raw, and the next build makes it afresh', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    await buildIndex({ logs, into, conn });
    // As an earlier version left it: a manifest of its format, and no names file.
    const manifest = join(into, 'current', 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), format: 1 }));
    rmSync(join(into, 'current', 'names.json'));
    let r = await search(logs, into);
    expect(r.matched).toBe(3);
    expect(r.index).toBeUndefined();
    expect(r.warnings.join(' ')).toContain('written by another version of Trailbot (format 1)');
    expect(await buildIndex({ logs, into, conn })).toMatchObject({ added: 1, kept: 0, unchanged: false });
    expect(
      readdirSync(into).filter((e) => e.startsWith('v-')),
      'the old version is gone',
    ).toHaveLength(1);
    r = await search(logs, into);
    expect(r.index).toMatchObject({ files: 1, raw: 0 });
    expect(r.warnings.join(' ')).not.toContain('another version');
  });

  it('leaves the previous index in use when a build stops half way', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 4);
    await buildIndex({ logs, into, conn });
    const before = await openIndex(into);
    deliver(logs, '2025-11-02', 'b', 4);
    // A connection that dies on the first COPY of new files.
    const dying = new Proxy(conn, {
      get(target, prop, receiver) {
        if (prop === 'run')
          return async (sql: string, params: unknown) => {
            if (sql.includes("FILENAME_PATTERN 'b0-")) throw new Error('killed');
            return target.run(sql, params as never);
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    await expect(buildIndex({ logs, into, conn: dying })).rejects.toThrow('killed');
    expect((await openIndex(into))?.dir).toBe(before?.dir);
    const r = await search(logs, into);
    expect(r.matched).toBe(8);
    expect(r.scope.detail).toContain('1 from the index');
    // The next build finishes it, and clears what the stopped one left.
    expect(await buildIndex({ logs, into, conn })).toMatchObject({ added: 1, kept: 1, events: 8 });
    expect(readdirSync(into).filter((e) => e.startsWith('.building-'))).toEqual([]);
  });

  it('indexes the organization layout and bare arrays, and tells a removed archive from another', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    cpSync(SNITCH_DIR, join(logs, 'snitch'), { recursive: true });
    const into = `${logs}-index`;
    const r = await buildIndex({ logs, into, conn });
    expect(r.events).toBeGreaterThan(0);
    // An index of another folder is not used for this one.
    const other = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    deliver(other, '2025-11-01', 'x', 2);
    const s = await search(other, into);
    expect(s.matched).toBe(2);
    expect(s.scope.detail).not.toContain('index');
  });

  it('keeps the version it replaced until the next build: a question that opened it finishes on it', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    await buildIndex({ logs, into, conn });
    const first = (await openIndex(into))?.dir as string;
    deliver(logs, '2025-11-02', 'b', 2);
    await buildIndex({ logs, into, conn });
    // A reader that resolved the first version before the swap still reads all of it.
    const read = await conn.runAndReadAll(
      `SELECT count(*)::INT AS n FROM read_parquet('${join(first, '**', '*.parquet')}')`,
    );
    expect(read.getRowObjects()).toEqual([{ n: 3 }]);
    deliver(logs, '2025-11-03', 'c', 1);
    await buildIndex({ logs, into, conn });
    expect(existsSync(first), 'gone at the next build').toBe(false);
    expect(readdirSync(into).filter((e) => e.startsWith('v-'))).toHaveLength(2);
  });

  it('is built by one process at a time: a second build while one runs does nothing, and says so', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    const other = await connectDuckDb('512MB');
    const [one, two] = await Promise.allSettled([
      buildIndex({ logs, into, conn }),
      buildIndex({ logs, into, conn: other }),
    ]);
    const outcomes = [one, two].map((r) => r.status).sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const refused = [one, two].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(IndexBusyError);
    expect(String(refused.reason.message)).toContain(`Another build of the index in ${into} is running`);
    expect((await search(logs, into)).index).toMatchObject({ files: 1, raw: 0 });
    // The lock is released at the end: the next build runs.
    deliver(logs, '2025-11-02', 'b', 2);
    expect(await buildIndex({ logs, into, conn: other })).toMatchObject({ added: 1, kept: 1 });
  });

  it('takes over the lock of a build killed outright once it is stale', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    // What a build killed with SIGKILL leaves: its lock folder, no longer kept fresh.
    const lock = join(into, '.build.lock');
    mkdirSync(lock, { recursive: true });
    await expect(buildIndex({ logs, into, conn })).rejects.toThrow(IndexBusyError);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    expect(await buildIndex({ logs, into, conn })).toMatchObject({ added: 1, events: 3 });
    expect(existsSync(lock), 'released').toBe(false);
  });

  it('is kept fresh by the bot on a schedule, its progress in the log', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    const deps = testDeps({ TRAIL_LOGS_DIR: logs });
    const job = startIndexRefresh(deps, into, 100);
    const until = async <T>(f: () => Promise<T | undefined>) => {
      for (let i = 0; i < 100; i++) {
        const v = await f();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('timed out');
    };
    await until(async () => (await openIndex(into))?.files().size === 1 || undefined);
    deliver(logs, '2025-11-02', 'b', 2);
    await until(async () => (await openIndex(into))?.files().size === 2 || undefined);
    await job.stop();
    const messages = deps.lines.map((l) => String(l.msg));
    expect(messages.filter((m) => m.startsWith('index refresh: [')).length).toBeGreaterThanOrEqual(2);
    expect(messages).toContain('index refreshed');
  });

  it("skips the bot's refresh while another build holds the index, and says so in the log", async () => {
    const logs = mkdtempSync(join(tmpdir(), 'trail-logs-'));
    const into = `${logs}-index`;
    deliver(logs, '2025-11-01', 'a', 3);
    mkdirSync(join(into, '.build.lock'), { recursive: true });
    const deps = testDeps({ TRAIL_LOGS_DIR: logs });
    const job = startIndexRefresh(deps, into, 60_000);
    for (let i = 0; i < 100 && !deps.lines.some((l) => String(l.msg).includes('skipped')); i++)
      await new Promise((r) => setTimeout(r, 20));
    await job.stop();
    const line = deps.lines.find((l) => String(l.msg).includes('skipped'));
    expect(line).toMatchObject({ msg: 'index refresh skipped: another build of it is running', level: 30 });
    expect(deps.lines.some((l) => Number(l.level) >= 50)).toBe(false);
    expect(await openIndex(into)).toBeUndefined();
  });
});
