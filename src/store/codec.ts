import type { Alert } from '../alerts/alert.js';
import type { ActorAsk } from '../alerts/asks.js';
import type { Baseline } from '../geo/baseline.js';
import type { Snapshot } from '../hygiene/digest.js';

// The JSON the stores keep whole (an alert, a digest snapshot), read back with its dates as dates.
// Every store adapter reads them the same way.

/** An alert kept as JSON. */
export function alertFromJson(text: string): Alert {
  const a = JSON.parse(text) as Alert & { time: string };
  return { ...a, time: new Date(a.time) };
}

/** A digest snapshot kept as JSON. */
export function snapshotFromJson(text: string): Snapshot {
  const s = JSON.parse(text) as Snapshot & {
    takenAt: string;
    reports: { account: string; generatedAt: string }[];
  };
  const posture = s.posture && {
    ...s.posture,
    delivery: s.posture.delivery.map((d) => ({
      ...d,
      latestDelivery: d.latestDelivery ? new Date(d.latestDelivery) : undefined,
    })),
  };
  return {
    ...s,
    takenAt: new Date(s.takenAt),
    reports: s.reports.map((x) => ({ account: x.account, generatedAt: new Date(x.generatedAt) })),
    ...(posture ? { posture } : {}),
  };
}

/** An actor ask kept as JSON (its version is the store's, not the JSON's). */
export function askFromJson(text: string, version: number): ActorAsk {
  const a = JSON.parse(text) as ActorAsk &
    Record<'createdAt' | 'askedAt' | 'deadline' | 'answeredAt', string>;
  const d = (s: string | undefined) => (s === undefined ? undefined : new Date(s));
  return {
    ...a,
    createdAt: new Date(a.createdAt),
    askedAt: d(a.askedAt),
    deadline: d(a.deadline),
    answeredAt: d(a.answeredAt),
    version,
  };
}

/** An ask as JSON, without its version. */
export function askToJson(a: ActorAsk): string {
  const { version: _, ...rest } = a;
  return JSON.stringify(rest);
}

/** When an ask next has work: pending now, asked at its deadline, otherwise never. */
export function askDueAt(a: ActorAsk): Date | undefined {
  if (a.state === 'pending') return a.createdAt;
  if (a.state === 'asked') return a.deadline;
  return undefined;
}

/** A geo baseline kept as JSON (its version is the store's). */
export function baselineFromJson(text: string, version: number): Baseline {
  const b = JSON.parse(text) as {
    principal: string;
    since: string;
    places: { country: string; asn?: number; firstSeen: string; lastSeen: string; events: number }[];
    lastLogin?: { at: string; country: string };
  };
  return {
    principal: b.principal,
    since: new Date(b.since),
    places: b.places.map((p) => ({ ...p, firstSeen: new Date(p.firstSeen), lastSeen: new Date(p.lastSeen) })),
    lastLogin: b.lastLogin && { at: new Date(b.lastLogin.at), country: b.lastLogin.country },
    version,
  };
}

/** A baseline as JSON, without its version. */
export function baselineToJson(b: Baseline): string {
  const { version: _, ...rest } = b;
  return JSON.stringify(rest);
}

/** When a baseline's principal was last seen: its newest place. */
export function baselineSeen(b: Baseline): Date {
  return new Date(Math.max(b.since.getTime(), ...b.places.map((p) => p.lastSeen.getTime())));
}
