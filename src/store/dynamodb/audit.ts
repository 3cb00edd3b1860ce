import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '../../audit/log.js';
import { type DynamoTable, expiresAfter, seq } from './table.js';

type Item = Record<string, unknown>;
function entryOf(i: Item): AuditEntry {
  return {
    at: new Date(i.at as string),
    user: i.user as string,
    channel: (i.channel as string | undefined) ?? undefined,
    front: i.front as AuditEntry['front'],
    kind: i.kind as AuditEntry['kind'],
    what: i.what as string,
    result: i.result as string,
    detail: typeof i.detail === 'string' ? (JSON.parse(i.detail) as Record<string, unknown>) : undefined,
  };
}

/**
 * AuditLog in DynamoDB: one partition by time, and gsi2 by user and time; each entry expires by TTL
 * after TRAIL_AUDIT_RETENTION_DAYS, and `pruneAudit` deletes what is older at once.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly t: DynamoTable) {}

  async addAudit(e: AuditEntry): Promise<void> {
    const sk = `${e.at.toISOString()}#${seq()}`;
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: `${this.t.ns}AUDIT`,
          sk,
          at: e.at.toISOString(),
          user: e.user,
          channel: e.channel,
          front: e.front,
          kind: e.kind,
          what: e.what,
          result: e.result,
          detail: e.detail ? JSON.stringify(e.detail) : undefined,
          gsi2pk: `${this.t.ns}AUDITBY#${e.user}`,
          gsi2sk: sk,
          expiresAt: expiresAfter(e.at, this.t.auditRetentionDays),
        },
      }),
    );
  }
  async auditEntries(q: {
    user?: string | undefined;
    since?: Date | undefined;
    limit: number;
  }): Promise<AuditEntry[]> {
    const since = (q.since ?? new Date(0)).toISOString();
    const r = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.name,
        ...(q.user
          ? {
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :p AND gsi2sk >= :since',
              ExpressionAttributeValues: { ':p': `${this.t.ns}AUDITBY#${q.user}`, ':since': since },
            }
          : {
              KeyConditionExpression: 'pk = :p AND sk >= :since',
              ExpressionAttributeValues: { ':p': `${this.t.ns}AUDIT`, ':since': since },
              ConsistentRead: true,
            }),
        ScanIndexForward: false,
        Limit: q.limit,
      }),
    );
    return (r.Items ?? []).map(entryOf);
  }
  async pruneAudit(before: Date): Promise<number> {
    let n = 0;
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          KeyConditionExpression: 'pk = :p AND sk < :b',
          ExpressionAttributeValues: { ':p': `${this.t.ns}AUDIT`, ':b': before.toISOString() },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      const keys = (r.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk }));
      for (let i = 0; i < keys.length; i += 25) {
        let batch: Record<string, unknown>[] | undefined = keys
          .slice(i, i + 25)
          .map((Key) => ({ DeleteRequest: { Key } }));
        // Whatever DynamoDB leaves unprocessed (throttling) is sent again.
        while (batch?.length) {
          const w = await this.t.doc.send(
            new BatchWriteCommand({ RequestItems: { [this.t.name]: batch as never } }),
          );
          batch = w.UnprocessedItems?.[this.t.name] as Record<string, unknown>[] | undefined;
        }
      }
      n += keys.length;
      start = r.LastEvaluatedKey;
    } while (start);
    return n;
  }
}
