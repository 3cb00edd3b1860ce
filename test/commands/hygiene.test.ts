import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/dispatch.js';
import { runCli } from '../../src/cli.js';
import { toSlack } from '../../src/slack/blocks.js';
import { IAM_DATA } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { slackTime, texts } from '../helpers/slack.js';

const REPORT = join(IAM_DATA, 'credential-report.csv');
const slack = { userId: 'U0ALICE', channelId: 'C0SEC', front: 'slack' as const };
const terminal = { userId: 'alice', front: 'terminal' as const };
const cli = async (argv: string[], env: Record<string, string> = {}) => {
  let out = '';
  let err = '';
  const code = await runCli(argv, env, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
};

describe('/trail hygiene', () => {
  it('refuses bad words with the usage line', async () => {
    const deps = testDeps();
    for (const [words, msg] of [
      [['hygiene', '--check', 'colour'], 'There is no check "colour"'],
      [['hygiene', '--account', '12'], '"12" is not a 12-digit account id'],
      [['hygiene', '--user', 'a b'], 'is not an IAM user name'],
      [['hygiene', '--report', REPORT], '--report reads a file on the bot’s disk'],
      [['hygiene', 'mute', 'console-no-mfa:jake'], '--for takes how long'],
      [['hygiene', 'mute', 'console-no-mfa:jake', '--for', '30d'], '--reason'],
      [
        ['hygiene', 'mute', 'nonsense:jake', '--for', '30d', '--reason', 'x'],
        'is not a finding id or check:user',
      ],
    ] as const) {
      const o = await dispatch([...words], deps, slack);
      expect(o.status, words.join(' ')).toBe('usage');
      expect(JSON.stringify(o.doc).replace(/\\"/g, '"')).toContain(msg);
    }
  });

  it('mutes by any finding id the checks produce, and by check:user', async () => {
    const deps = testDeps();
    for (const pattern of [
      'key-unused:123456789012:jane.doe@example.com:2',
      'root-no-mfa:123456789012:<root_account>',
      'password-policy:123456789012:(account)',
      'console-no-mfa:svc-deploy+ci',
      'key-not-rotated:0123456789:with-disabled-key:2',
    ]) {
      const o = await dispatch(['hygiene', 'mute', pattern, '--for', '30d', '--reason', 'reviewed'], deps, {
        userId: 'ops',
        front: 'terminal',
      });
      expect(o.status, pattern).toBe('answer');
    }
    expect(await deps.store().mutes.activeMutes(new Date())).toHaveLength(5);
  });

  it('refuses a mute from Slack until an admin is configured, naming the permission', async () => {
    const deps = testDeps();
    const o = await dispatch(
      ['hygiene', 'mute', 'console-no-mfa:jake', '--for', '30d', '--reason', 'break-glass'],
      deps,
      slack,
    );
    expect(o.status).toBe('refused');
    expect(JSON.stringify(o.doc)).toContain('admin permission');
    expect(await deps.store().mutes.activeMutes(new Date())).toEqual([]);
  });

  it('mutes from the terminal; the muted finding leaves the counts and is said to be muted', async () => {
    const deps = testDeps({}, { now: new Date('2023-01-05T00:00:00Z') });
    const m = await dispatch(
      ['hygiene', 'mute', 'console-no-mfa:jake', '--for', '30d', '--reason', 'leaving Friday'],
      deps,
      terminal,
    );
    expect(m.status).toBe('answer');
    expect((await deps.store().mutes.activeMutes(new Date('2023-01-05T00:00:00Z')))[0]).toMatchObject({
      pattern: 'console-no-mfa:jake',
      by: 'alice',
    });
    const o = await dispatch(['hygiene', '--report', REPORT], deps, terminal);
    const all = texts(toSlack(o.doc).blocks).join('\n');
    expect(all).toContain('IAM hygiene: 6 findings (1 critical, 2 high, 3 medium, 0 low), 1 muted');
    expect(all).not.toContain('`jake` in 123456789012: console password without MFA');
  });

  it('filters by check, and says a report file’s time is unknown', async () => {
    const deps = testDeps({}, { now: new Date('2023-01-05T00:00:00Z') });
    const o = await dispatch(['hygiene', '--report', REPORT, '--check', 'console-no-mfa'], deps, terminal);
    const r = o.result as { result: { findings: { id: string }[] } };
    expect(r.result.findings.map((f) => f.id)).toEqual([
      'console-no-mfa:123456789012:jake',
      'console-no-mfa:123456789012:test_account',
    ]);
    expect(texts(toSlack(o.doc).blocks).join('\n')).toContain(
      `the file does not say when it was generated; ages are counted from ${slackTime('2023-01-05T00:00:00Z')}`,
    );
  });
});

describe('/trail hygiene against IAM', () => {
  it('shows the report’s generation time; a list that fits needs no file', async () => {
    const iam = mockClient(IAMClient);
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({
      Content: Buffer.from(readFileSync(REPORT, 'utf8')),
      GeneratedTime: new Date('2023-01-04T20:00:00Z'),
    });
    iam.on(GetAccountPasswordPolicyCommand).resolves({});
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [] });
    try {
      const deps = testDeps({}, { now: new Date('2023-01-05T00:00:00Z') });
      const o = await dispatch(['hygiene'], deps, slack);
      expect(o.status).toBe('answer');
      expect(texts(toSlack(o.doc).blocks).join('\n')).toContain(
        `Account 123456789012: credential report generated ${slackTime('2023-01-04T20:00:00Z')} (4 hours ago`,
      );
      expect(o.file).toMatchObject({ needed: false });
    } finally {
      iam.restore();
    }
  });
});

describe('trail hygiene in the terminal', () => {
  const env = () => ({ TRAIL_STORE_PATH: join(mkdtempSync(join(tmpdir(), 'trailbot-cli-')), 'trailbot.db') });

  it('reads a report file, and prints every finding as CSV with --csv', async () => {
    const r = await cli(['hygiene', '--report', REPORT, '--csv'], env());
    expect(r.code).toBe(0);
    const rows = parse(r.out, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows[0]).toMatchObject({ severity: 'critical', check: 'root-no-mfa', account: '123456789012' });
    expect(rows.every((x) => x.remediation && x.standard)).toBe(true);
  });

  it('prints the digest with --digest', async () => {
    const r = await cli(['hygiene', '--report', REPORT, '--digest'], env());
    expect(r.code).toBe(0);
    expect(r.out).toContain('Weekly IAM hygiene digest');
    expect(r.out).toContain('The first digest: everything open is new.');
  });

  it('says plainly when the report file cannot be read', async () => {
    const r = await cli(['hygiene', '--report', '/nonexistent/report.csv'], env());
    expect(r.code).toBe(2);
    expect(r.err).toContain('Cannot read the report file /nonexistent/report.csv: ENOENT');
  });
});
