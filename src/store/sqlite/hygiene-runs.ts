import type { Snapshot } from '../../hygiene/digest.js';
import type { HygieneRuns } from '../../hygiene/runs.js';
import { snapshotFromJson } from '../codec.js';
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
      .map((r) => snapshotFromJson(r.snapshot));
  }
}
