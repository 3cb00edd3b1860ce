import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { StaleWriteError } from '../../alerts/repository.js';
import type { Baseline, GeoBaselines } from '../../geo/baseline.js';
import { baselineFromJson, baselineSeen, baselineToJson } from '../codec.js';
import { conditionFailed, type DynamoTable } from './table.js';

type Item = Record<string, unknown>;

/**
 * GeoBaselines in DynamoDB: every baseline in one partition (`GEO`), one item per principal, the
 * baseline whole as JSON with when it was last seen (pruning reads the partition); the scan's cursor
 * beside them.
 */
export class DynamoGeoBaselines implements GeoBaselines {
  constructor(private readonly t: DynamoTable) {}
  #pk = () => `${this.t.ns}GEO`;

  async baseline(principal: string): Promise<Baseline | undefined> {
    const r = await this.t.doc.send(
      new GetCommand({
        TableName: this.t.name,
        Key: { pk: this.#pk(), sk: `P#${principal}` },
        ConsistentRead: true,
      }),
    );
    return r.Item && baselineFromJson(String(r.Item.body), Number(r.Item.version));
  }

  async saveBaseline(b: Baseline): Promise<void> {
    await this.t.doc
      .send(
        new PutCommand({
          TableName: this.t.name,
          Item: {
            pk: this.#pk(),
            sk: `P#${b.principal}`,
            body: baselineToJson(b),
            lastSeen: baselineSeen(b).toISOString(),
            version: (b.version ?? 0) + 1,
          },
          ...(b.version === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': b.version } }),
        }),
      )
      .catch((err: unknown) => {
        if (conditionFailed(err)) throw new StaleWriteError(`baseline of ${b.principal}`);
        throw err;
      });
  }

  async pruneBaselines(before: Date): Promise<number> {
    let gone = 0;
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
          FilterExpression: 'lastSeen < :b',
          ExpressionAttributeValues: { ':p': this.#pk(), ':s': 'P#', ':b': before.toISOString() },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of r.Items ?? []) {
        await this.t.doc.send(
          new DeleteCommand({ TableName: this.t.name, Key: { pk: this.#pk(), sk: i.sk as string } }),
        );
        gone++;
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return gone;
  }

  async scanCursor(): Promise<Date | undefined> {
    const r = await this.t.doc.send(
      new GetCommand({ TableName: this.t.name, Key: { pk: this.#pk(), sk: 'CURSOR' }, ConsistentRead: true }),
    );
    return r.Item ? new Date(String(r.Item.at)) : undefined;
  }

  async setScanCursor(at: Date): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: { pk: this.#pk(), sk: 'CURSOR', at: at.toISOString() },
      }),
    );
  }
}
