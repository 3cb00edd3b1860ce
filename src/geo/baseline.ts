import { distanceKm } from './centroids.js';

/** A country (and network) a principal acted from, and when. */
export interface SeenPlace {
  country: string;
  asn?: number | undefined;
  firstSeen: Date;
  lastSeen: Date;
  events: number;
}

/** What Trailbot has learned of where one principal acts from. */
export interface Baseline {
  /** The principal: an ARN, or the name CloudTrail gives when there is none. */
  principal: string;
  /** When Trailbot first saw it: before that there is no baseline, and nothing is new. */
  since: Date;
  places: SeenPlace[];
  /** The last successful console login, for impossible travel. */
  lastLogin?: { at: Date; country: string } | undefined;
  /** The version read (as for alerts): a save at another version fails with StaleWriteError. */
  version?: number | undefined;
}

/** The learned baselines, kept in the store (bounded: places per principal, principals by age). */
export interface GeoBaselines {
  baseline(principal: string): Promise<Baseline | undefined>;
  /** Keep a baseline, new (no version) or changed (only at the version read, StaleWriteError otherwise). */
  saveBaseline(b: Baseline): Promise<void>;
  /** Forget principals not seen since `before`; how many went. */
  pruneBaselines(before: Date): Promise<number>;
  /** Where the scheduled scan got to (the end of the last range it read), if it ran. */
  scanCursor(): Promise<Date | undefined>;
  setScanCursor(at: Date): Promise<void>;
}

/** How detection behaves: the config's TRAIL_GEO_* settings. */
export interface GeoRules {
  /** A place unseen for this long is new again (and expires from the baseline). */
  baselineMs: number;
  /** A new network (ASN) in a known country is new too. */
  newNetwork: boolean;
  /** Two successful logins from countries too far apart for the time between them. */
  impossibleTravel: boolean;
  /** Places kept per principal, the most recent. */
  maxPlaces: number;
  /** How long a principal is watched before its baseline counts (nothing is new while learning). */
  learnMs: number;
}

/** One event with a public address, as detection sees it. */
export interface Sighting {
  principal: string;
  at: Date;
  country: string;
  asn?: number | undefined;
  /** A successful console login (impossible travel compares these). */
  login: boolean;
}

/** What one sighting revealed. */
export type GeoFinding =
  | { kind: 'new-country'; country: string; known: string[] }
  | { kind: 'new-network'; country: string; asn: number }
  | { kind: 'impossible-travel'; from: string; to: string; km: number; hours: number; kmh: number };

/** The speed no traveller reaches between two logins (an airliner's cruise is about 900 km/h). */
export const IMPOSSIBLE_KMH = 1000;

/**
 * Learn from one sighting and say what was unusual about it. A principal seen for the first time starts a
 * baseline, which counts after `learnMs` (nothing is new before; a principal whose places all expired
 * starts again); after that, a country (or, with
 * `newNetwork`, a network) not seen within `baselineMs` is new, once — the sighting joins the baseline.
 * Places not seen within `baselineMs` expire; at most `maxPlaces` are kept, the most recent.
 */
export function observe(
  b: Baseline | undefined,
  s: Sighting,
  rules: GeoRules,
): { baseline: Baseline; findings: GeoFinding[] } {
  const findings: GeoFinding[] = [];
  const horizon = s.at.getTime() - rules.baselineMs;
  const places = (b?.places ?? []).filter((p) => p.lastSeen.getTime() >= horizon).map((p) => ({ ...p }));
  // A baseline counts once the principal has been watched for `learnMs`; one whose places all expired
  // (a principal back after a long absence) is learned afresh.
  const since = b && places.length ? b.since : s.at;
  if (b && places.length && s.at.getTime() - since.getTime() >= rules.learnMs) {
    const known = [...new Set(places.map((p) => p.country))];
    if (!known.includes(s.country)) findings.push({ kind: 'new-country', country: s.country, known });
    else if (
      rules.newNetwork &&
      s.asn !== undefined &&
      !places.some((p) => p.country === s.country && p.asn === s.asn)
    )
      findings.push({ kind: 'new-network', country: s.country, asn: s.asn });
  }
  // Impossible travel compares two logins: no baseline needed.
  {
    const last = b?.lastLogin;
    if (rules.impossibleTravel && s.login && last && last.country !== s.country) {
      const km = distanceKm(last.country, s.country);
      const hours = Math.max((s.at.getTime() - last.at.getTime()) / 3_600_000, 1 / 60);
      if (km !== undefined && s.at.getTime() >= last.at.getTime() && km / hours > IMPOSSIBLE_KMH)
        findings.push({
          kind: 'impossible-travel',
          from: last.country,
          to: s.country,
          km: Math.round(km),
          hours: Math.round(hours * 10) / 10,
          kmh: Math.round(km / hours),
        });
    }
  }
  const same = places.find((p) => p.country === s.country && p.asn === s.asn);
  if (same) {
    same.events++;
    if (s.at > same.lastSeen) same.lastSeen = s.at;
    if (s.at < same.firstSeen) same.firstSeen = s.at;
  } else places.push({ country: s.country, asn: s.asn, firstSeen: s.at, lastSeen: s.at, events: 1 });
  places.sort((x, y) => y.lastSeen.getTime() - x.lastSeen.getTime());
  const lastLogin =
    s.login && (!b?.lastLogin || s.at >= b.lastLogin.at) ? { at: s.at, country: s.country } : b?.lastLogin;
  return {
    baseline: {
      principal: s.principal,
      since,
      places: places.slice(0, rules.maxPlaces),
      lastLogin,
      version: b?.version,
    },
    findings,
  };
}
