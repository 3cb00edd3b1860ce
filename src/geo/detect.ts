import type { Person } from '../alerts/actor.js';
import type { Alert } from '../alerts/alert.js';
import { retryStale } from '../alerts/work.js';
import { type GeoBaselines, type GeoFinding, type GeoRules, observe } from './baseline.js';
import { type Place, placeWords } from './place.js';

/** One event with a public address, with what an alert about it needs. */
export interface GeoSubject {
  /** The principal's key (its ARN, or its name) and how people read it. */
  principal: string;
  display: string;
  person?: Person | undefined;
  account?: string | undefined;
  region?: string | undefined;
  eventName: string;
  sourceIp: string;
  place: Extract<Place, { kind: 'public' }>;
  time: Date;
  /** A successful console login. */
  login: boolean;
  link?: string | undefined;
  raw: string;
}

const days = (ms: number) => Math.round(ms / 86_400_000);

/** The alert one finding raises. Repeats of the same finding share its fingerprint. */
function alertOf(f: GeoFinding, s: GeoSubject, rules: GeoRules): Alert {
  const where = placeWords(s.place);
  const common = {
    source: 'cloudtrail' as const,
    account: s.account,
    region: s.region,
    actor: s.principal,
    person: s.person,
    eventName: s.eventName,
    sourceIp: s.sourceIp,
    place: s.place,
    link: s.link,
    time: s.time,
    raw: s.raw,
  };
  const did = s.login ? 'signed in' : `called ${s.eventName}`;
  if (f.kind === 'impossible-travel')
    return {
      ...common,
      title: `Impossible travel: ${s.display} signed in from ${f.to} ${f.hours} h after signing in from ${f.from}`,
      severity: 'high',
      rule: 'impossible-travel',
      details: [
        { label: 'Distance', value: `about ${f.km.toLocaleString('en-US')} km between country centroids` },
        { label: 'Speed needed', value: `${f.kmh.toLocaleString('en-US')} km/h (more than 1,000 km/h)` },
        { label: 'Approximate', value: 'countries are compared by their centroids' },
      ],
      fingerprint: `geo:travel:${s.principal}:${f.from}>${f.to}`,
    };
  if (f.kind === 'new-network')
    return {
      ...common,
      title: `${s.display} ${did} from a new network: ${where}`,
      severity: s.login ? 'medium' : 'low',
      rule: 'new-place',
      details: [{ label: 'Baseline', value: `networks seen in the last ${days(rules.baselineMs)} days` }],
      fingerprint: `geo:network:${s.principal}:${f.asn}`,
    };
  return {
    ...common,
    title: `${s.display} ${did} from a new country: ${where}`,
    severity: s.login ? 'high' : 'medium',
    rule: 'new-place',
    details: [
      { label: 'Seen before', value: f.known.join(', ') },
      { label: 'Baseline', value: `countries seen in the last ${days(rules.baselineMs)} days` },
    ],
    fingerprint: `geo:country:${s.principal}:${f.country}`,
  };
}

/**
 * Learn from one event and return the alerts it raises: a new country (or network), impossible travel.
 * The baseline is saved whatever is found (a change by another replica meanwhile is read again); with
 * `quiet` (seeding), it only learns.
 */
export async function detectPlaces(
  baselines: GeoBaselines,
  rules: GeoRules,
  s: GeoSubject,
  quiet = false,
): Promise<Alert[]> {
  if (!s.place.country) return [];
  const country = s.place.country;
  const findings = await retryStale(async () => {
    const { baseline, findings } = observe(
      await baselines.baseline(s.principal),
      { principal: s.principal, at: s.time, country, asn: s.place.asn, login: s.login },
      rules,
    );
    await baselines.saveBaseline(baseline);
    return findings;
  });
  return quiet ? [] : findings.map((f) => alertOf(f, s, rules));
}
