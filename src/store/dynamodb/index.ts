import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stores } from '../stores.js';
import { DynamoAlertRepository } from './alerts.js';
import { DynamoKeptAnswers } from './answers.js';
import { DynamoActorAsks } from './asks.js';
import { DynamoAuditLog } from './audit.js';
import { DynamoRunClaims } from './claims.js';
import { DynamoGeoBaselines } from './geo.js';
import { DynamoHygieneRuns } from './hygiene-runs.js';
import { DynamoInbox } from './inbox.js';
import { DynamoMuteList } from './mutes.js';
import { DynamoOutboxQueue } from './outbox.js';
import { type DynamoTable, documentClient } from './table.js';

/**
 * Every port on one DynamoDB table: the store of a fleet. There are no transactions across calls:
 * `atomically` runs its work as it comes, and the alert pipeline keeps each step safe to repeat; the
 * guarantees the fleet needs (a MessageId accepted once, a send slot, a run claim) are conditional writes.
 */
export function openDynamoStores(
  client: DynamoDBClient,
  o: { table: string; ns?: string; retentionDays?: number; auditRetentionDays?: number },
): Stores {
  const t: DynamoTable = {
    doc: documentClient(client),
    name: o.table,
    ns: o.ns ?? '',
    retentionDays: o.retentionDays ?? 30,
    auditRetentionDays: o.auditRetentionDays ?? 90,
  };
  return {
    inbox: new DynamoInbox(t),
    alerts: new DynamoAlertRepository(t),
    outbox: new DynamoOutboxQueue(t),
    hygieneRuns: new DynamoHygieneRuns(t),
    mutes: new DynamoMuteList(t),
    audit: new DynamoAuditLog(t),
    claims: new DynamoRunClaims(t),
    answers: new DynamoKeptAnswers(t),
    asks: new DynamoActorAsks(t),
    geo: new DynamoGeoBaselines(t),
    atomically: (fn) => fn(),
    close: () => client.destroy(),
  };
}
