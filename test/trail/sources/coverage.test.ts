import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli.js';
import { tempStorePath } from '../../helpers/alerts.js';
import { INVICTUS_DIR, rawRecords } from '../../helpers/data.js';

async function trail(words: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(
    words,
    { TRAIL_STORE_PATH: tempStorePath() },
    { out: (s) => (out += s), err: (s) => (err += s) },
  );
  return { code, out, err, json: () => JSON.parse(out) };
}

const BUCKET = 'stratus-red-team-ctes-bucket-qyxyekjbtk';

describe('what an answer over log files covers', () => {
  it('names the asked days, regions and accounts the files held nothing of', async () => {
    // The invictus events all fall on 2023-07-10, in us-east-1.
    const days = new Set(rawRecords(INVICTUS_DIR).map((r) => String(r.eventTime).slice(0, 10)));
    expect([...days]).toEqual(['2023-07-10']);
    const r = await trail([
      'who-deleted',
      'no-such-bucket',
      '--logs',
      INVICTUS_DIR,
      '--since',
      '2023-07-08',
      '--until',
      '2023-07-13',
      '--region',
      'us-east-1,eu-west-1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.json().search.coverage).toEqual({
      files: 55,
      missingDays: ['2023-07-08 – 2023-07-09', '2023-07-11 – 2023-07-13'],
      missingRegions: ['eu-west-1'],
      missingAccounts: [],
      unreadable: [],
    });
    const text = await trail([
      'who-deleted',
      'no-such-bucket',
      '--logs',
      INVICTUS_DIR,
      '--since',
      '2023-07-08',
      '--until',
      '2023-07-13',
    ]);
    expect(text.out).toContain('⚠ Not covered: the data read (55 files) holds no events for');
    expect(text.out).toContain('2023-07-08 – 2023-07-09, 2023-07-11 – 2023-07-13');
  });

  it('says the whole question was covered when it was', async () => {
    const r = await trail([
      'who-deleted',
      BUCKET,
      '--logs',
      INVICTUS_DIR,
      '--since',
      '2023-07-10',
      '--until',
      '2023-07-10',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Coverage: 55 files read; every asked day, region and account had events.');
  });

  it('answers around a truncated .json.gz, naming it, instead of failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-corrupt-'));
    const day = join(dir, 'AWSLogs', '123837392027', 'CloudTrail', 'us-east-1', '2023', '07', '10');
    mkdirSync(day, { recursive: true });
    const src = join(INVICTUS_DIR, 'CloudTrail');
    // Every real invictus file gzipped into the S3 layout, and one more cut off half-way.
    for (const f of readdirJson(src))
      writeFileSync(join(day, `${f}.gz`), gzipSync(readFileSync(join(src, f))));
    const whole = gzipSync(readFileSync(join(src, readdirJson(src)[0] as string)));
    writeFileSync(
      join(day, '123837392027_CloudTrail_us-east-1_20230710T1300Z_truncated0000000.json.gz'),
      whole.subarray(0, whole.length >> 1),
    );
    const r = await trail([
      'who-deleted',
      BUCKET,
      '--logs',
      dir,
      '--since',
      '2023-07-10',
      '--until',
      '2023-07-10',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`bert-jan deleted ${BUCKET}`);
    expect(r.out).toMatch(/⚠ 1 file unreadable, the rest answered: AWSLogs\/.*truncated0000000\.json\.gz: /);
  });

  it('refuses an empty or missing log folder with exit 1, never "not found"', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'trailbot-empty-'));
    copyFileSync(join(INVICTUS_DIR, 'LICENSE'), join(empty, 'LICENSE'));
    for (const dir of [empty, join(empty, 'nowhere')]) {
      const r = await trail(['who-deleted', BUCKET, '--logs', dir, '--since', '2023-07-10']);
      expect(r.code, dir).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/log directory .* (holds no log files|cannot be read)/);
    }
  });
});

function readdirJson(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}
