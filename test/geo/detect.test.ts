import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../src/alerts/alert.js';
import { alertPolicy, applyAlert } from '../../src/alerts/lifecycle.js';
import { loadConfig } from '../../src/config.js';
import { type Baseline, observe } from '../../src/geo/baseline.js';
import { openGeo } from '../../src/geo/open.js';
import { CHANNEL, tempStore } from '../helpers/alerts.js';
import { STRATUS_DIR } from '../helpers/data.js';
import { captureLogger } from '../helpers/deps.js';

// A real ConsoleLogin record (Stratus Red Team's detonation), as EventBridge delivers CloudTrail calls;
// its anonymised address replaced by real public ones from the fixtures.
const login = (
  JSON.parse(
    readFileSync(`${STRATUS_DIR}/aws.initial-access.console-login-without-mfa.json`, 'utf8'),
  ) as Record<string, unknown>[]
).find((r) => r.eventName === 'ConsoleLogin') as Record<string, unknown>;
const US = '18.236.253.47';
const BR = '200.249.253.51';
const AR = '201.252.42.3';
const D = (day: number, h = 9) => new Date(Date.UTC(2026, 10, day, h));

function bridged(ip: string, at: Date, n: number): string {
  return JSON.stringify({
    version: '0',
    id: `ev-${n}`,
    'detail-type': 'AWS Console Sign In via CloudTrail',
    source: 'aws.signin',
    account: '562283505220',
    time: at.toISOString(),
    region: 'us-east-1',
    detail: {
      ...login,
      eventID: `login-${n}`,
      eventTime: at.toISOString(),
      sourceIPAddress: ip,
      awsRegion: 'us-east-1',
    },
  });
}

describe('new places, from CloudTrail calls arriving as alerts', () => {
  const config = loadConfig({ TRAIL_ALERT_DEFAULT_CHANNEL: CHANNEL, TRAIL_ALERT_GROUP_BY: 'fingerprint' });
  const locator = openGeo(config, D(30));
  const policy = alertPolicy(config, () => locator);
  const countryOf = (ip: string) => {
    const p = locator?.locate(ip);
    return p?.kind === 'public' ? p.country : undefined;
  };
  let n = 0;
  const arrive = async (store: ReturnType<typeof tempStore>['store'], ip: string, at: Date) => {
    for (const a of normalizeMessage(bridged(ip, at, ++n), { receivedAt: at }))
      await store.atomically(() => applyAlert(store, policy, a, at, captureLogger().logger));
  };
  const geoAlerts = async (store: ReturnType<typeof tempStore>['store']) =>
    (await store.alerts.unresolvedAlerts(100)).filter((a) => a.alert.rule);

  it('learns a baseline first: a principal watched for less than a week raises nothing new', async () => {
    const { store } = tempStore();
    await arrive(store, US, D(1));
    await arrive(store, BR, D(4));
    await arrive(store, AR, D(7, 8));
    expect(await geoAlerts(store)).toEqual([]);
    // Once learned (7 days by default), a country outside the baseline is new.
    await arrive(store, '123.12.3.4', D(9));
    expect((await geoAlerts(store)).map((a) => a.alert.rule)).toEqual(['new-place']);
  });

  it('after a 30-day baseline in one country, a login from another raises one alert, once', async () => {
    expect(countryOf(US)).not.toBe(countryOf(BR));
    const { store } = tempStore();
    for (let day = 1; day <= 28; day += 3) await arrive(store, US, D(day));
    expect(await geoAlerts(store)).toEqual([]);
    await arrive(store, BR, D(29, 9));
    await arrive(store, BR, D(29, 11));
    await arrive(store, BR, D(30, 9));
    const raised = await geoAlerts(store);
    const newPlace = raised.filter((a) => a.alert.rule === 'new-place');
    expect(newPlace).toHaveLength(1);
    expect(newPlace[0]?.count).toBe(1);
    expect(newPlace[0]?.alert).toMatchObject({ severity: 'high', sourceIp: BR, eventName: 'ConsoleLogin' });
    expect(newPlace[0]?.alert.title).toContain(`from a new country: ${countryOf(BR)}`);
    expect(newPlace[0]?.alert.details).toContainEqual({ label: 'Seen before', value: countryOf(US) });
    // US → BR in 20 h is possible; nothing about travel.
    expect(raised.filter((a) => a.alert.rule === 'impossible-travel')).toEqual([]);
    // It carries its person, so the default rules ask them "was this you?".
    expect((await store.asks.dueAsks(D(31))).map((q) => q.person.name)).toEqual([
      'stratus-red-team-nmfalu-jfzdtsvchl',
    ]);
  });

  it('raises impossible travel for two logins from far apart within too few hours', async () => {
    const { store } = tempStore();
    await arrive(store, US, D(1));
    await arrive(store, AR, D(1, 11));
    const travel = (await geoAlerts(store)).filter((a) => a.alert.rule === 'impossible-travel');
    expect(travel).toHaveLength(1);
    expect(travel[0]?.alert.title).toContain(
      `signed in from ${countryOf(AR)} 2 h after signing in from ${countryOf(US)}`,
    );
    expect(travel[0]?.alert.details?.find((d) => d.label === 'Approximate')?.value).toContain('centroids');
  });
});

describe('the baseline', () => {
  const rules = {
    baselineMs: 30 * 86_400_000,
    newNetwork: true,
    impossibleTravel: false,
    maxPlaces: 3,
    learnMs: 0,
  };
  it('expires places unseen for the baseline, keeps the most recent few, and learns afresh after a long absence', () => {
    let b: Baseline | undefined;
    for (const [c, day] of [
      ['NL', 1],
      ['BE', 2],
      ['DE', 3],
      ['FR', 4],
    ] as const)
      b = observe(b, { principal: 'p', at: D(day), country: c, login: false }, rules).baseline;
    expect(b?.places.map((p) => p.country)).toEqual(['FR', 'DE', 'BE']);
    // NL was dropped (the oldest beyond three): it is new again.
    expect(observe(b, { principal: 'p', at: D(5), country: 'NL', login: false }, rules).findings).toEqual([
      { kind: 'new-country', country: 'NL', known: ['FR', 'DE', 'BE'] },
    ]);
    // A network unseen in a known country is new with newNetwork.
    const withNet = observe(b, { principal: 'p', at: D(5), country: 'FR', asn: 3215, login: false }, rules);
    expect(withNet.findings).toEqual([{ kind: 'new-network', country: 'FR', asn: 3215 }]);
    // Back after 40 days: every place expired; learned afresh, nothing raised.
    const back = observe(
      b,
      { principal: 'p', at: new Date(D(4).getTime() + 40 * 86_400_000), country: 'JP', login: false },
      rules,
    );
    expect(back.findings).toEqual([]);
    expect(back.baseline.places.map((p) => p.country)).toEqual(['JP']);
  });
});
