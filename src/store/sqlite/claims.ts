import type { RunClaims } from '../../schedule/claims.js';
import type { SqliteDb, Sync } from './db.js';

/** RunClaims in SQLite. */
export class SqliteRunClaims implements Sync<RunClaims> {
  constructor(private readonly db: SqliteDb) {}

  claim(runId: string, owner: string, now: Date, until: Date): boolean {
    // Written only when the run is unclaimed, its lease has ended, or the same owner asks again.
    const r = this.db.run(
      `INSERT INTO run_claims (run_id, owner, until) VALUES (?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
         WHERE run_claims.owner = excluded.owner OR run_claims.until <= ?`,
      runId,
      owner,
      until.toISOString(),
      now.toISOString(),
    );
    return Number(r.changes) === 1;
  }
}
