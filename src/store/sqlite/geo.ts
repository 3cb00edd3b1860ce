import { StaleWriteError } from '../../alerts/repository.js';
import type { Baseline, GeoBaselines } from '../../geo/baseline.js';
import { baselineFromJson, baselineSeen, baselineToJson } from '../codec.js';
import type { SqliteDb, Sync } from './db.js';

/** GeoBaselines in SQLite: one row per principal, the baseline whole as JSON. */
export class SqliteGeoBaselines implements Sync<GeoBaselines> {
  constructor(private readonly db: SqliteDb) {}

  baseline(principal: string): Baseline | undefined {
    const r = this.db.get<{ body: string; version: number }>(
      'SELECT body, version FROM geo_baselines WHERE principal = ?',
      principal,
    );
    return r && baselineFromJson(r.body, r.version);
  }
  saveBaseline(b: Baseline): void {
    const seen = baselineSeen(b).toISOString();
    if (b.version === undefined) {
      const r = this.db.run(
        'INSERT INTO geo_baselines (principal, body, last_seen, version) VALUES (?, ?, ?, 1) ON CONFLICT (principal) DO NOTHING',
        b.principal,
        baselineToJson(b),
        seen,
      );
      if (Number(r.changes) === 0) throw new StaleWriteError(`baseline of ${b.principal}`);
      return;
    }
    const r = this.db.run(
      'UPDATE geo_baselines SET body = ?, last_seen = ?, version = version + 1 WHERE principal = ? AND version = ?',
      baselineToJson(b),
      seen,
      b.principal,
      b.version,
    );
    if (Number(r.changes) === 0) throw new StaleWriteError(`baseline of ${b.principal}`);
  }
  pruneBaselines(before: Date): number {
    return Number(this.db.run('DELETE FROM geo_baselines WHERE last_seen < ?', before.toISOString()).changes);
  }
  scanCursor(): Date | undefined {
    const r = this.db.get<{ value: string }>("SELECT value FROM geo_state WHERE key = 'scan-cursor'");
    return r ? new Date(r.value) : undefined;
  }
  setScanCursor(at: Date): void {
    this.db.run(
      "INSERT INTO geo_state (key, value) VALUES ('scan-cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      at.toISOString(),
    );
  }
}
