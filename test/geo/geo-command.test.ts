import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { GeoReport } from '../../src/geo/report.js';
import { presentGeo } from '../../src/present/geo.js';
import { toSlack } from '../../src/slack/blocks.js';
import { toText } from '../../src/terminal/text.js';
import { tempStorePath } from '../helpers/alerts.js';
import { texts } from '../helpers/slack.js';

const US = '18.236.253.47';
const BR = '200.249.253.51';
const at = (iso: string) => iso;

function call(user: string, time: string, ip: string, n: number, error?: string) {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::111122223333:user/${user}`,
      accountId: '111122223333',
      userName: user,
    },
    eventTime: time,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    eventID: `${user}-${n}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...(error ? { errorCode: error } : {}),
  };
}

describe('trail geo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trail-geo-'));
  writeFileSync(
    join(dir, 'calls.json'),
    JSON.stringify({
      Records: [
        call('alice', at('2026-10-10T09:00:00Z'), US, 1),
        call('alice', at('2026-10-20T09:00:00Z'), US, 2),
        call('alice', at('2026-11-05T09:00:00Z'), US, 3),
        call('alice', at('2026-11-20T09:00:00Z'), BR, 4),
        call('alice', at('2026-11-21T09:00:00Z'), BR, 5, 'AccessDenied'),
        call('alice', at('2026-11-21T10:00:00Z'), '10.0.0.5', 6),
        call('bob', at('2026-11-15T09:00:00Z'), BR, 7),
      ],
    }),
  );
  const ask = async (words: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(
      ['geo', ...words, '--logs', dir, '--since', '2026-11-01', '--until', '2026-11-30', '--json'],
      { TRAIL_STORE_PATH: tempStorePath() },
      { out: (s) => (out += s), err: (s) => (err += s) },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    return JSON.parse(out) as GeoReport;
  };

  it('lists each principal’s countries and networks, marking what the baseline before the range did not have', async () => {
    const r = await ask([]);
    const alice = r.principals.find((p) => p.display === 'alice');
    expect(alice?.hasBaseline).toBe(true);
    expect(alice?.elsewhere).toBe(1);
    expect(alice?.places.map((p) => [p.country, p.events, p.failures, p.isNew, p.newCountry])).toEqual([
      ['BR', 2, 1, true, true],
      ['US', 1, 0, false, false],
    ]);
    // Bob has no events before the range: nothing of his can be new.
    const bob = r.principals.find((p) => p.display === 'bob');
    expect(bob).toMatchObject({ hasBaseline: false, places: [{ country: 'BR', isNew: false }] });
    // The baseline is the 30 days before the range.
    expect(new Date(r.baseline.start).toISOString()).toBe('2026-10-02T00:00:00.000Z');
    expect(r.search.geo?.about).toContain('geo-whois-asn-country');
  });

  it('asks about one principal, with a baseline of the length asked', async () => {
    const r = await ask(['alice', '--baseline', '10d']);
    expect(r.principals.map((p) => p.display)).toEqual(['alice']);
    // Ten days before Nov 1: only the Oct 20 call is baseline.
    expect(r.principals[0]?.places.find((p) => p.country === 'US')?.isNew).toBe(false);
  });

  it('shows flags in Slack only, and new places first', async () => {
    const r = await ask([]);
    const revived = JSON.parse(JSON.stringify(r), (k, v) =>
      ['first', 'last', 'start', 'end', 'builtAt'].includes(k) ? new Date(v) : v,
    ) as GeoReport;
    const doc = presentGeo(revived, new Date('2026-12-01T00:00:00Z'));
    const slack = texts(toSlack(doc).blocks).join('\n');
    expect(slack).toMatch(/🆕 new country 🇧🇷 `BR` · `AS\d+ /);
    const text = toText(doc);
    expect(text).toMatch(/🆕 new country BR · AS\d+ /);
    expect(text).not.toContain('🇧🇷');
    expect(text.indexOf('alice')).toBeLessThan(text.indexOf('bob'));
  });
});
