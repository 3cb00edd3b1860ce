import type { Alert } from '../alerts/alert.js';
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
