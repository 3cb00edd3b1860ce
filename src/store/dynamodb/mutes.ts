import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Mute } from '../../hygiene/digest.js';
import type { MuteList } from '../../hygiene/mutes.js';
import { type DynamoTable, seq } from './table.js';

/** MuteList in DynamoDB: one partition sorted by when each mute ends; an ended one expires by TTL. */
export class DynamoMuteList implements MuteList {
  constructor(private readonly t: DynamoTable) {}

  async addMute(m: Mute): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: `${this.t.ns}MUTE`,
          sk: `${m.until.toISOString()}#${seq()}`,
          pattern: m.pattern,
          reason: m.reason,
          by: m.by,
          at: m.at.toISOString(),
          until: m.until.toISOString(),
          added: seq(),
          expiresAt: Math.floor(m.until.getTime() / 1000) + 86_400,
        },
      }),
    );
  }
  async activeMutes(now: Date): Promise<Mute[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          KeyConditionExpression: 'pk = :p AND sk > :now',
          ExpressionAttributeValues: { ':p': `${this.t.ns}MUTE`, ':now': `${now.toISOString()}#~` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    // In the order they were added, as the list is shown.
    return items
      .filter((i) => (i.until as string) > now.toISOString())
      .sort((a, b) => String(a.added).localeCompare(String(b.added)))
      .map((i) => ({
        pattern: i.pattern as string,
        reason: i.reason as string,
        by: i.by as string,
        at: new Date(i.at as string),
        until: new Date(i.until as string),
      }));
  }
}
