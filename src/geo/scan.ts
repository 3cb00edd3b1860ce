import { type AlertPolicy, applyOne } from '../alerts/lifecycle.js';
import type { AlertStorage } from '../alerts/storage.js';
import type { Logger } from '../log.js';
import type { TrailEvent } from '../trail/event.js';
import type { EventSource } from '../trail/sources/types.js';
import { detectPlaces, type GeoSubject } from './detect.js';

/** CloudTrail delivers within about 15 minutes: the scan stops that far behind now. */
export const SCAN_LAG_MS = 15 * 60_000;
/** Each read covers at most a day. */
const CHUNK_MS = 86_400_000;
/** Events read per chunk at most; more is said in the log. */
const CHUNK_LIMIT = 200_000;

/** What one scan did. */
export interface ScanResult {
  from: Date;
  to: Date;
  events: number;
  alerts: number;
  seeded: boolean;
}

/** The subject of detection for one event, when it has a principal and a public address with a country. */
export function subjectOf(e: TrailEvent): GeoSubject | undefined {
  const place = e.place;
  if (place?.kind !== 'public' || !place.country || !e.sourceIp) return undefined;
  if (e.principal.type === 'AWSService' || e.principal.invokedBy) return undefined;
  return {
    principal: e.principal.arn ?? e.principal.display,
    display: e.principal.display,
    account: e.account,
    region: e.region,
    eventName: e.name,
    sourceIp: e.sourceIp,
    place,
    time: e.time,
    login: e.name === 'ConsoleLogin' && !e.errorCode && e.responseElements?.ConsoleLogin !== 'Failure',
    raw: JSON.stringify({ eventID: e.id, eventName: e.name, eventTime: e.time, sourceIPAddress: e.sourceIp }),
  };
}

/**
 * The scheduled scan, for teams without the EventBridge rule: read the configured source from where the
 * last scan stopped (up to 15 minutes ago), a day at a time, oldest first, and learn each principal's
 * places, raising new-place and impossible-travel alerts through the ordinary alert path. The first run
 * seeds the baselines from the last baseline-days of the source without raising anything, with its
 * progress in the log. The cursor moves after each day, so a stop loses nothing.
 */
export async function scanPlaces(o: {
  source: EventSource;
  store: AlertStorage;
  policy: AlertPolicy;
  now: Date;
  log: Logger;
}): Promise<ScanResult | undefined> {
  const rules = o.policy.geo?.rules;
  if (!rules) return undefined;
  const cursor = await o.store.geo.scanCursor();
  const seeded = cursor === undefined;
  const from = cursor ?? new Date(o.now.getTime() - rules.baselineMs);
  const to = new Date(o.now.getTime() - SCAN_LAG_MS);
  const result: ScanResult = { from, to, events: 0, alerts: 0, seeded };
  if (to <= from) return result;
  const days = Math.ceil((to.getTime() - from.getTime()) / CHUNK_MS);
  for (let t = from.getTime(), day = 1; t < to.getTime(); t += CHUNK_MS, day++) {
    const range = {
      start: new Date(t),
      end: new Date(Math.min(t + CHUNK_MS, to.getTime())),
      defaulted: false,
    };
    const r = await o.source.search({ range, limit: CHUNK_LIMIT });
    if (r.matched > r.events.length)
      o.log.warn(
        { range, matched: r.matched, read: r.events.length },
        'new-place scan: more events than one read takes in a day; the oldest were not learned',
      );
    for (const e of [...r.events].reverse()) {
      const s = subjectOf(e);
      if (!s) continue;
      const raised = await detectPlaces(o.store.geo, rules, s, seeded);
      for (const a of raised) await o.store.atomically(() => applyOne(o.store, o.policy, a, o.now, o.log));
      result.alerts += raised.length;
    }
    result.events += r.events.length;
    await o.store.geo.setScanCursor(range.end);
    if (seeded)
      o.log.info(
        { day, days, events: result.events },
        `seeding new-place baselines: day ${day} of ${days}, ${result.events} events read`,
      );
  }
  await o.store.geo.pruneBaselines(new Date(o.now.getTime() - rules.baselineMs));
  return result;
}
