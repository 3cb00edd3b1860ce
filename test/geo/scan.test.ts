import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertPolicy } from '../../src/alerts/lifecycle.js';
import { scanPlaces } from '../../src/geo/scan.js';
import { CHANNEL } from '../helpers/alerts.js';
import { testDeps } from '../helpers/deps.js';

const US = '18.236.253.47';
const BR = '200.249.253.51';
const D = (day: number, h = 9) => new Date(Date.UTC(2026, 10, day, h));

/** A CloudTrail log file as S3 delivers it, with the calls of IAM user alice. */
function logFile(dir: string, name: string, calls: { at: Date; ip: string; event?: string }[]) {
  const Records = calls.map((c, i) => ({
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      userName: 'alice',
    },
    // CloudTrail writes whole seconds, no fraction.
    eventTime: c.at.toISOString().replace('.000Z', 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: c.event ?? 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: c.ip,
    userAgent: 'aws-cli/2',
    requestParameters: {},
    eventID: `${name}-${i}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  }));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ Records }));
}

describe('the scheduled new-place scan', () => {
  it('seeds the baselines from the last 30 days without alerting, then raises one alert for a new country', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trail-geo-scan-'));
    logFile(
      dir,
      'baseline',
      Array.from({ length: 20 }, (_, i) => ({ at: D(2 + i), ip: US })),
    );
    let now = D(25);
    const deps = testDeps({
      TRAIL_LOGS_DIR: dir,
      TRAIL_SOURCE: 'local',
      TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL,
    });
    const store = deps.store();
    const policy = alertPolicy(deps.config, deps.geo);
    const scan = () => scanPlaces({ source: deps.sources.get({}), store, policy, now, log: deps.logger });
    const seed = await scan();
    expect(seed).toMatchObject({ seeded: true, events: 20, alerts: 0 });
    expect(deps.lines.filter((l) => String(l.msg).startsWith('seeding new-place baselines'))).toHaveLength(
      30,
    );
    expect((await store.geo.baseline('arn:aws:iam::111122223333:user/alice'))?.places).toMatchObject([
      { country: 'US', events: 20 },
    ]);
    // A day later: alice from Brazil, twice; the scan from the cursor raises one alert.
    logFile(dir, 'later', [
      { at: D(25, 10), ip: BR },
      { at: D(25, 11), ip: BR },
    ]);
    now = D(26);
    const next = await scan();
    expect(next).toMatchObject({ seeded: false, events: 2, alerts: 1 });
    const alerts = (await store.alerts.unresolvedAlerts(10)).map((a) => a.alert);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'new-place', severity: 'medium', sourceIp: BR });
    expect(alerts[0]?.title).toContain('alice called DescribeInstances from a new country: BR');
    // Nothing new since: the next scan reads nothing and raises nothing.
    now = D(26, 12);
    expect(await scan()).toMatchObject({ events: 0, alerts: 0 });
  });
});
