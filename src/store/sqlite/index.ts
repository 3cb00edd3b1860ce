import type { ActorAsks } from '../../alerts/asks.js';
import type { MessageInbox } from '../../alerts/inbox.js';
import type { OutboxQueue } from '../../alerts/outbox-queue.js';
import type { AlertRepository } from '../../alerts/repository.js';
import type { KeptAnswers } from '../../answers/kept.js';
import type { AuditLog } from '../../audit/log.js';
import type { GeoBaselines } from '../../geo/baseline.js';
import type { MuteList } from '../../hygiene/mutes.js';
import type { HygieneRuns } from '../../hygiene/runs.js';
import type { RunClaims } from '../../schedule/claims.js';
import type { Stores } from '../stores.js';
import { SqliteAlertRepository } from './alerts.js';
import { SqliteKeptAnswers } from './answers.js';
import { SqliteActorAsks } from './asks.js';
import { SqliteAuditLog } from './audit.js';
import { SqliteRunClaims } from './claims.js';
import { promised, SqliteDb } from './db.js';
import { SqliteGeoBaselines } from './geo.js';
import { SqliteHygieneRuns } from './hygiene-runs.js';
import { SqliteInbox } from './inbox.js';
import { SqliteMuteList } from './mutes.js';
import { SqliteOutboxQueue } from './outbox.js';

/** Every port on one SQLite file (WAL, migrations on open): the single-process store. */
export function openSqliteStores(path: string): Stores {
  const db = new SqliteDb(path);
  return {
    inbox: promised<MessageInbox>(db, new SqliteInbox(db)),
    alerts: promised<AlertRepository>(db, new SqliteAlertRepository(db)),
    outbox: promised<OutboxQueue>(db, new SqliteOutboxQueue(db)),
    hygieneRuns: promised<HygieneRuns>(db, new SqliteHygieneRuns(db)),
    mutes: promised<MuteList>(db, new SqliteMuteList(db)),
    audit: promised<AuditLog>(db, new SqliteAuditLog(db)),
    claims: promised<RunClaims>(db, new SqliteRunClaims(db)),
    answers: promised<KeptAnswers>(db, new SqliteKeptAnswers(db)),
    asks: promised<ActorAsks>(db, new SqliteActorAsks(db)),
    geo: promised<GeoBaselines>(db, new SqliteGeoBaselines(db)),
    atomically: (fn) => db.atomically(fn),
    close: () => db.close(),
  };
}
