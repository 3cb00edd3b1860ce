import type { Stores } from '../stores.js';
import { SqliteAlertRepository } from './alerts.js';
import { SqliteAuditLog } from './audit.js';
import { SqliteRunClaims } from './claims.js';
import { SqliteDb } from './db.js';
import { SqliteHygieneRuns } from './hygiene-runs.js';
import { SqliteInbox } from './inbox.js';
import { SqliteMuteList } from './mutes.js';
import { SqliteOutboxQueue } from './outbox.js';

/** Every port on one SQLite file (WAL, migrations on open): the single-process store. */
export function openSqliteStores(path: string): Stores {
  const db = new SqliteDb(path);
  return {
    inbox: new SqliteInbox(db),
    alerts: new SqliteAlertRepository(db),
    outbox: new SqliteOutboxQueue(db),
    hygieneRuns: new SqliteHygieneRuns(db),
    mutes: new SqliteMuteList(db),
    audit: new SqliteAuditLog(db),
    claims: new SqliteRunClaims(db),
    atomically: (fn) => db.atomically(fn),
    close: () => db.close(),
  };
}
