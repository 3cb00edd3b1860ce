import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KeptAnswer, KeptAnswers } from '../../answers/kept.js';
import type { DynamoTable } from './table.js';

/** KeptAnswers in DynamoDB: one item per answer, removed by the table's TTL once it expires. */
export class DynamoKeptAnswers implements KeptAnswers {
  constructor(private readonly t: DynamoTable) {}

  async keep(a: KeptAnswer): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: `${this.t.ns}ANSWER#${a.id}`,
          sk: 'ANSWER',
          owner: a.owner,
          channel: a.channel,
          words: a.words,
          body: a.body,
          until: a.expiresAt.toISOString(),
          expiresAt: Math.ceil(a.expiresAt.getTime() / 1000),
        },
      }),
    );
  }

  async kept(id: string, now: Date): Promise<KeptAnswer | undefined> {
    const r = await this.t.doc.send(
      new GetCommand({ TableName: this.t.name, Key: { pk: `${this.t.ns}ANSWER#${id}`, sk: 'ANSWER' } }),
    );
    const i = r.Item;
    // TTL removes expired items late (within days): the expiry is checked here.
    if (!i || String(i.until) <= now.toISOString()) return undefined;
    return {
      id,
      owner: String(i.owner),
      channel: String(i.channel),
      words: String(i.words),
      body: String(i.body),
      expiresAt: new Date(String(i.until)),
    };
  }
}
