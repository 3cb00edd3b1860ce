import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ActorAsk, ActorAsks } from '../../alerts/asks.js';
import { StaleWriteError } from '../../alerts/repository.js';
import { askDueAt, askFromJson, askToJson } from '../codec.js';
import { conditionFailed, type DynamoTable } from './table.js';

type Item = Record<string, unknown>;

/**
 * ActorAsks in DynamoDB: one item per ask (`ASK#<id>`), the ask whole as JSON; while it has work
 * waiting it sits in gsi2 under ASKDUE by when (the sparse index holds only those).
 */
export class DynamoActorAsks implements ActorAsks {
  constructor(private readonly t: DynamoTable) {}
  #key = (id: string) => ({ pk: `${this.t.ns}ASK#${id}`, sk: 'ASK' });

  #item(a: ActorAsk, version: number): Item {
    const due = askDueAt(a);
    return {
      ...this.#key(a.id),
      body: askToJson(a),
      version,
      ...(due ? { gsi2pk: `${this.t.ns}ASKDUE`, gsi2sk: `${due.toISOString()}#${a.id}` } : {}),
    };
  }

  async addAsk(a: ActorAsk): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: this.#item(a, 1),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async ask(id: string): Promise<ActorAsk | undefined> {
    const r = await this.t.doc.send(
      new GetCommand({ TableName: this.t.name, Key: this.#key(id), ConsistentRead: true }),
    );
    return r.Item && askFromJson(String(r.Item.body), Number(r.Item.version));
  }

  async dueAsks(now: Date): Promise<ActorAsk[]> {
    const out: ActorAsk[] = [];
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':p': `${this.t.ns}ASKDUE`, ':now': `${now.toISOString()}#~` },
          ExclusiveStartKey: start,
        }),
      );
      // The index is read eventually consistent: each ask is read again, strongly, before it is acted on.
      for (const i of r.Items ?? []) {
        const a = await this.ask(String(i.pk).slice(`${this.t.ns}ASK#`.length));
        const due = a && askDueAt(a);
        if (a && due && due.getTime() <= now.getTime()) out.push(a);
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async saveAsk(a: ActorAsk): Promise<void> {
    await this.t.doc
      .send(
        new PutCommand({
          TableName: this.t.name,
          Item: this.#item(a, (a.version ?? -1) + 1),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': a.version ?? -1 },
        }),
      )
      .catch((err: unknown) => {
        if (conditionFailed(err)) throw new StaleWriteError(`ask ${a.id}`);
        throw err;
      });
  }
}
