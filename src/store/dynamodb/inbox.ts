import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AcceptedMessage, DeadLetter, MessageInbox } from '../../alerts/inbox.js';
import { conditionFailed, type DynamoTable, expiresAfter, seq } from './table.js';

/**
 * MessageInbox in DynamoDB: a message is `MSG#<id>`, put only if absent (the fleet accepts a MessageId
 * once); while waiting it sits in gsi1 under INBOX, by arrival. Processed, it stays for the retention
 * (the dedup window) and then expires.
 */
export class DynamoInbox implements MessageInbox {
  constructor(private readonly t: DynamoTable) {}

  async acceptMessage(m: AcceptedMessage): Promise<'new' | 'duplicate'> {
    try {
      await this.t.doc.send(
        new PutCommand({
          TableName: this.t.name,
          Item: {
            pk: `${this.t.ns}MSG#${m.messageId}`,
            sk: 'MSG',
            messageId: m.messageId,
            topicArn: m.topicArn,
            type: m.type,
            body: m.body,
            receivedAt: m.receivedAt.toISOString(),
            gsi1pk: `${this.t.ns}INBOX`,
            gsi1sk: `${m.receivedAt.toISOString()}#${m.messageId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'new';
    } catch (err) {
      if (conditionFailed(err)) return 'duplicate';
      throw err;
    }
  }
  async acceptMessages(ms: AcceptedMessage[]): Promise<('new' | 'duplicate')[]> {
    // One conditional put each (a transaction would fail whole on one duplicate); a repeat inside the
    // batch is answered after the first, in order.
    const out: ('new' | 'duplicate')[] = [];
    for (const m of ms) out.push(await this.acceptMessage(m));
    return out;
  }
  async pendingMessages(limit: number): Promise<AcceptedMessage[]> {
    const r = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.name,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `${this.t.ns}INBOX` },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({
      messageId: i.messageId as string,
      topicArn: i.topicArn as string,
      type: i.type as string,
      body: i.body as string,
      receivedAt: new Date(i.receivedAt as string),
    }));
  }
  async markProcessed(messageId: string, at: Date): Promise<void> {
    await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.name,
        Key: { pk: `${this.t.ns}MSG#${messageId}`, sk: 'MSG' },
        UpdateExpression: 'SET processedAt = :at, expiresAt = :exp REMOVE gsi1pk, gsi1sk, body',
        ExpressionAttributeValues: {
          ':at': at.toISOString(),
          ':exp': expiresAfter(at, this.t.retentionDays),
        },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
  async deadLetter(source: string, body: string, reason: string, at: Date): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: `${this.t.ns}DEADLETTER`,
          sk: `${at.toISOString()}#${seq()}`,
          source,
          body,
          reason,
          at: at.toISOString(),
        },
      }),
    );
  }
  async deadLetters(): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': `${this.t.ns}DEADLETTER` },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of r.Items ?? [])
        out.push({
          source: i.source as string,
          body: i.body as string,
          reason: i.reason as string,
          at: new Date(i.at as string),
        });
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
