import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Snapshot } from '../../hygiene/digest.js';
import type { HygieneRuns } from '../../hygiene/runs.js';
import { snapshotFromJson } from '../codec.js';
import { type DynamoTable, seq } from './table.js';

/** HygieneRuns in DynamoDB: the snapshots in one partition, newest first by when they were taken. */
export class DynamoHygieneRuns implements HygieneRuns {
  constructor(private readonly t: DynamoTable) {}

  async saveSnapshot(s: Snapshot): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: `${this.t.ns}SNAPSHOT`,
          sk: `${s.takenAt.toISOString()}#${seq()}`,
          snapshot: JSON.stringify(s),
        },
      }),
    );
  }
  async snapshots(limit: number): Promise<Snapshot[]> {
    const r = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.name,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': `${this.t.ns}SNAPSHOT` },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []).map((i) => snapshotFromJson(i.snapshot as string));
  }
}
