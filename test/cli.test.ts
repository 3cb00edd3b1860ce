import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { generateArchive } from '../src/demo/generate.js';
import { DEMO_SPEC } from '../src/demo/spec.js';
import { tempStorePath } from './helpers/alerts.js';
import { INVICTUS_DIR } from './helpers/data.js';

const run = async (argv: string[], env: Record<string, string> = {}) => {
  let out = '';
  let err = '';
  const code = await runCli(
    argv,
    { TRAIL_STORE_PATH: tempStorePath(), ...env },
    { out: (s) => (out += s), err: (s) => (err += s) },
  );
  return { code, out, err };
};

/** The real invictus files, over July 2023. */
const JULY_2023 = ['--logs', INVICTUS_DIR, '--since', '2023-07-01', '--until', '2023-07-31'];
const BUCKET = 'stratus-red-team-ctes-bucket-qyxyekjbtk';

describe('the terminal front', () => {
  it('answers who-deleted on the real files, text by default', async () => {
    const r = await run(['who-deleted', BUCKET, ...JULY_2023]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'Answer: bert-jan deleted stratus-red-team-ctes-bucket-qyxyekjbtk at 2023-07-10 12:08:06 UTC',
    );
    expect(r.out).toContain('1 deletion and 1 failed attempt');
  });

  it('shows times in the zone --tz names, and refuses a zone that does not exist', async () => {
    const r = await run(['who-deleted', BUCKET, '--tz', 'Europe/Amsterdam', ...JULY_2023]);
    expect(r.code).toBe(0);
    // 12:08:06 UTC is 14:08:06 in Amsterdam in July (CEST, UTC+2).
    expect(r.out).toContain('deleted stratus-red-team-ctes-bucket-qyxyekjbtk at 2023-07-10 14:08:06 GMT+2');
    const bad = await run(['who-deleted', BUCKET, '--tz=Mars/Olympus', ...JULY_2023]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--tz "Mars/Olympus" is not a time zone');
    expect((await run(['who-deleted', BUCKET, '--tz'])).code).toBe(2);
  });

  it('prints the result as JSON with --json', async () => {
    const r = await run(['who-deleted', BUCKET, '--json', ...JULY_2023]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.deleted).toHaveLength(1);
    expect(j.deleted[0].event).toMatchObject({
      name: 'DeleteBucket',
      time: '2023-07-10T12:08:06.000Z',
      principal: { type: 'IAMUser', userName: 'bert-jan', arn: 'arn:aws:iam::123837392027:user/bert-jan' },
    });
    expect(j.attempts[0].event.errorCode).toBe('BucketNotEmpty');
    expect(j.search.examined).toBe(2900);
  });

  it('prints the events as CSV with --csv, and refuses --csv with --json', async () => {
    const r = await run(['who-deleted', BUCKET, '--csv', ...JULY_2023]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^time,event,service,/);
    expect(lines).toHaveLength(3); // the deletion and the failed attempt
    expect((await run(['who-deleted', BUCKET, '--csv', '--json', ...JULY_2023])).code).toBe(2);
  });

  it('exits 0 when nothing is found: not found is an answer', async () => {
    const r = await run(['who-deleted', 'no-such-bucket', ...JULY_2023]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No deletion of no-such-bucket found in 2900 events examined.');
  });

  it('exits 2 on a usage error, with the usage line on stderr', async () => {
    const r = await run(['who-deleted']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: trail who-deleted <name or ARN>');
    expect(r.out).toBe('');
  });

  it('exits 1 on a failure, saying what failed', async () => {
    const r = await run(['who-deleted', 'x', '--logs', '/nonexistent/logs']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('The CloudTrail log directory /nonexistent/logs cannot be read');
  });

  it('prints its version for --version and -V, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`trail ${version}\n`);
    }
  });

  it('exits 2 on an unknown subcommand, naming the closest one', async () => {
    const r = await run(['logns', '--failed']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('There is no subcommand "logns". Did you mean "logins"?');
  });

  it('exits 1 on bad configuration, naming the variable', async () => {
    const r = await run(['help'], { TRAIL_SOURCE: 'nope' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('TRAIL_SOURCE');
  });
});

describe('the trail bin on the demo archive', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'trailbot-demo-')), 'cloudtrail');
    await generateArchive({ ...DEMO_SPEC, dir });
  });

  it('keeps its state in the XDG state folder and writes nothing into the current folder', async () => {
    const bin = resolve(import.meta.dirname, '../bin/trail.js');
    const cwd = mkdtempSync(join(tmpdir(), 'trailbot-cwd-'));
    const state = mkdtempSync(join(tmpdir(), 'trailbot-xdg-'));
    const env = { PATH: process.env.PATH ?? '', HOME: cwd, XDG_STATE_HOME: state, LOG_LEVEL: 'warn' };
    const exec = promisify(execFile);
    const help = await exec(process.execPath, [bin, 'who-deleted', '--help'], { env, cwd });
    expect(help.stdout).toContain('trail who-deleted <name or ARN>');
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(join(state, 'trailbot'))).toContain('trailbot.db');
  });

  it('runs as a process with exit codes and --json', async () => {
    const bin = resolve(import.meta.dirname, '../bin/trail.js');
    const exec = promisify(execFile);
    const env = { ...process.env, TRAIL_LOGS_DIR: dir, LOG_LEVEL: 'warn', TRAIL_STORE_PATH: tempStorePath() };
    const ok = await exec(
      process.execPath,
      [
        bin,
        'who-deleted',
        'acme-payments-archive',
        '--since',
        '2026-11-01',
        '--until',
        '2026-11-08',
        '--json',
      ],
      { env },
    );
    const j = JSON.parse(ok.stdout);
    expect(
      j.deleted.map((d: { event: { principal: { userName: string } } }) => d.event.principal.userName),
    ).toEqual(['bob']);
    expect(j.attempts).toHaveLength(1);
    const bad = await exec(process.execPath, [bin, 'who-deleted', '--since'], { env }).catch((e) => e);
    expect(bad.code).toBe(2);
  });
});
