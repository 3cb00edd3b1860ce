import type { Mute } from '../../hygiene/digest.js';
import type { MuteList } from '../../hygiene/mutes.js';
import type { SqliteDb, Sync } from './db.js';

/** MuteList in SQLite. */
export class SqliteMuteList implements Sync<MuteList> {
  constructor(private readonly db: SqliteDb) {}

  addMute(m: Mute): void {
    this.db.run(
      'INSERT INTO hygiene_mutes (pattern, reason, by_user, at, until) VALUES (?, ?, ?, ?, ?)',
      m.pattern,
      m.reason,
      m.by,
      m.at.toISOString(),
      m.until.toISOString(),
    );
  }
  activeMutes(now: Date): Mute[] {
    return this.db
      .all<{ pattern: string; reason: string; by_user: string; at: string; until: string }>(
        'SELECT * FROM hygiene_mutes WHERE until > ? ORDER BY id',
        now.toISOString(),
      )
      .map((r) => ({
        pattern: r.pattern,
        reason: r.reason,
        by: r.by_user,
        at: new Date(r.at),
        until: new Date(r.until),
      }));
  }
}
