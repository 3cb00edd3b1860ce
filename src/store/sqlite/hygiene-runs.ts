import type { Snapshot } from '../../hygiene/digest.js';
import type { HygieneRuns } from '../../hygiene/runs.js';
import type { SqliteDb, Sync } from './db.js';

/** HygieneRuns in SQLite. */
export class SqliteHygieneRuns implements Sync<HygieneRuns> {
  constructor(private readonly db: SqliteDb) {}

  saveSnapshot(s: Snapshot): void {
    this.db.run(
      'INSERT INTO hygiene_snapshots (taken_at, snapshot) VALUES (?, ?)',
      s.takenAt.toISOString(),
      JSON.stringify(s),
    );
  }
  snapshots(limit: number): Snapshot[] {
    return this.db
      .all<{ snapshot: string }>(
        'SELECT snapshot FROM hygiene_snapshots ORDER BY taken_at DESC, id DESC LIMIT ?',
        limit,
      )
      .map((r) => {
        const s = JSON.parse(r.snapshot) as Snapshot & {
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
      });
  }
}
