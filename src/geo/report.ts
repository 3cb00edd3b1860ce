import type { TimeRange } from '../time.js';
import { isFailure, type TrailEvent } from '../trail/event.js';
import type { SearchResult } from '../trail/sources/types.js';

/** One country and network a principal acted from. */
export interface PlaceRow {
  country?: string | undefined;
  asn?: number | undefined;
  org?: string | undefined;
  first: Date;
  last: Date;
  events: number;
  failures: number;
  /** First seen inside the asked range, after a baseline before it (the country and network). */
  isNew: boolean;
  /** The country itself was not in the baseline. */
  newCountry: boolean;
}

/** Where one principal acted from. */
export interface PrincipalPlaces {
  principal: string;
  display: string;
  places: PlaceRow[];
  /** Events from addresses that are not public (private, AWS Internal, services): not places. */
  elsewhere: number;
  /** It had events in the baseline before the range (without, nothing can be new). */
  hasBaseline: boolean;
}

/** The answer of `geo`. */
export interface GeoReport {
  subject: string;
  range: TimeRange;
  baseline: TimeRange;
  principals: PrincipalPlaces[];
  search: Omit<SearchResult, 'events'>;
}

/**
 * Where principals acted from in `range`, against a baseline read before it: per principal, each
 * country and network with first and last seen, events and failures, new ones marked. The events span
 * both ranges; those of the baseline only decide what is new.
 */
export function placesReport(
  subject: string,
  events: readonly TrailEvent[],
  range: TimeRange,
  baseline: TimeRange,
  search: Omit<SearchResult, 'events'>,
): GeoReport {
  const start = range.start.getTime();
  const by = new Map<
    string,
    { display: string; rows: Map<string, PlaceRow>; before: Set<string>; elsewhere: number; any: boolean }
  >();
  for (const e of events) {
    const principal = e.principal.arn ?? e.principal.display;
    let p = by.get(principal);
    if (!p) {
      p = { display: e.principal.display, rows: new Map(), before: new Set(), elsewhere: 0, any: false };
      by.set(principal, p);
    }
    const inRange = e.time.getTime() >= start;
    const place = e.place;
    if (!inRange) {
      p.any = true;
      if (place?.kind === 'public') p.before.add(`${place.country ?? '?'}|${place.asn ?? ''}`);
      continue;
    }
    if (place?.kind !== 'public') {
      p.elsewhere++;
      continue;
    }
    const key = `${place.country ?? '?'}|${place.asn ?? ''}`;
    const r = p.rows.get(key);
    if (!r)
      p.rows.set(key, {
        country: place.country,
        asn: place.asn,
        org: place.org,
        first: e.time,
        last: e.time,
        events: 1,
        failures: isFailure(e) ? 1 : 0,
        isNew: false,
        newCountry: false,
      });
    else {
      r.events++;
      if (isFailure(e)) r.failures++;
      if (e.time < r.first) r.first = e.time;
      if (e.time > r.last) r.last = e.time;
    }
  }
  const principals = [...by.entries()]
    .map(([principal, p]) => {
      const countriesBefore = new Set([...p.before].map((k) => k.split('|')[0]));
      const places = [...p.rows.entries()]
        .map(([key, r]) => ({
          ...r,
          // New: a country and network not seen in the baseline; a new country is said so.
          isNew: p.any && !p.before.has(key),
          newCountry: p.any && !countriesBefore.has(r.country ?? '?'),
        }))
        .sort((a, b) => b.events - a.events || (a.country ?? '').localeCompare(b.country ?? ''));
      return { principal, display: p.display, places, elsewhere: p.elsewhere, hasBaseline: p.any };
    })
    .filter((p) => p.places.length > 0 || p.elsewhere > 0)
    .sort(
      (a, b) =>
        Number(b.places.some((x) => x.isNew)) - Number(a.places.some((x) => x.isNew)) ||
        b.places.reduce((n, x) => n + x.events, 0) - a.places.reduce((n, x) => n + x.events, 0),
    );
  return { subject, range, baseline, principals, search };
}
