import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxItem, OutboxKind, OutboxQueue } from '../../alerts/outbox-queue.js';
import type { Doc } from '../../present/doc.js';
import { conditionFailed, type DynamoTable, expiresAfter } from './table.js';

type Item = Record<string, unknown>;
const pad = (id: number) => String(id).padStart(16, '0');

function itemOf(i: Item): OutboxItem {
  return {
    id: i.id as number,
    channel: i.channel as string,
    groupId: i.groupId as string,
    kind: i.kind as OutboxKind,
    doc: typeof i.doc === 'string' ? (JSON.parse(i.doc) as Doc) : undefined,
    priority: i.priority as number,
    notBefore: new Date(i.notBefore as string),
    attempts: i.attempts as number,
    state: i.state as OutboxItem['state'],
    lastError: (i.lastError as string | undefined) ?? undefined,
    inflightSince: typeof i.inflightAt === 'string' ? new Date(i.inflightAt) : undefined,
  };
}

/**
 * OutboxQueue in DynamoDB. An item is `OUT#<id>` (ids from an atomic counter, so ordered across the
 * fleet); waiting it sits in gsi1 under OUTPENDING, in flight under OUTINFLIGHT, and in gsi2 under its
 * group while waiting (for coalescing). A channel's send slot is `SLOT#<channel>`, taken by a
 * conditional update: its next allowed time must have come — so the whole fleet keeps the gap.
 */
export class DynamoOutboxQueue implements OutboxQueue {
  constructor(private readonly t: DynamoTable) {}
  #key = (id: number) => ({ pk: `${this.t.ns}OUT#${pad(id)}`, sk: 'OUT' });

  async enqueue(item: Omit<OutboxItem, 'id' | 'attempts' | 'state'>, coalesce = false): Promise<void> {
    if (coalesce) {
      // One waiting item of a kind per group is enough (a waiting post shows updates too); a click
      // raises its priority.
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p',
          ExpressionAttributeValues: { ':p': `${this.t.ns}OUTWAIT#${item.groupId}` },
        }),
      );
      const waiting = (r.Items ?? []).find(
        (i) =>
          i.state === 'pending' && (i.kind === item.kind || (item.kind === 'update' && i.kind === 'post')),
      );
      if (waiting) {
        if ((waiting.priority as number) > item.priority)
          await this.t.doc.send(
            new UpdateCommand({
              TableName: this.t.name,
              Key: this.#key(waiting.id as number),
              UpdateExpression: 'SET priority = :p',
              ExpressionAttributeValues: { ':p': item.priority },
            }),
          );
        return;
      }
    }
    const counter = await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.name,
        Key: { pk: `${this.t.ns}SEQ`, sk: 'OUT' },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const id = Number(counter.Attributes?.n);
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          ...this.#key(id),
          id,
          channel: item.channel,
          groupId: item.groupId,
          kind: item.kind,
          doc: item.doc ? JSON.stringify(item.doc) : undefined,
          priority: item.priority,
          notBefore: item.notBefore.toISOString(),
          attempts: 0,
          state: 'pending',
          gsi1pk: `${this.t.ns}OUTPENDING`,
          gsi1sk: pad(id),
          gsi2pk: `${this.t.ns}OUTWAIT#${item.groupId}`,
          gsi2sk: pad(id),
        },
      }),
    );
  }
  async dueItems(now: Date): Promise<OutboxItem[]> {
    const pending = (await this.#all('OUTPENDING')).map(itemOf).filter((i) => i.state === 'pending');
    const inflight = (await this.#all('OUTINFLIGHT')).map(itemOf).filter((i) => i.state === 'inflight');
    // Per channel, the first item that may go now, by priority then age — one at a time per channel,
    // and never ahead of its group's post or of an earlier item of its group at the same priority.
    const busy = new Set(inflight.map((i) => i.channel));
    const open = [...pending, ...inflight];
    const due = pending
      .filter((o) => o.notBefore.getTime() <= now.getTime() && !busy.has(o.channel))
      .filter(
        (o) =>
          !open.some(
            (e) => e.groupId === o.groupId && e.id < o.id && (e.kind === 'post' || e.priority <= o.priority),
          ),
      )
      .sort((a, b) => a.priority - b.priority || a.id - b.id);
    const seen = new Set<string>();
    return due.filter((i) => !seen.has(i.channel) && seen.add(i.channel));
  }
  async inflightItems(): Promise<OutboxItem[]> {
    return (await this.#all('OUTINFLIGHT')).map(itemOf).filter((i) => i.state === 'inflight');
  }
  async markInflight(id: number, at: Date = new Date()): Promise<boolean> {
    try {
      await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: this.#key(id),
          UpdateExpression:
            'SET #s = :s, attempts = attempts + :one, inflightAt = :at, gsi1pk = :g, gsi1sk = :k REMOVE gsi2pk, gsi2sk',
          // Only from waiting: of two replicas that saw it due, one takes it.
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':s': 'inflight',
            ':pending': 'pending',
            ':one': 1,
            ':g': `${this.t.ns}OUTINFLIGHT`,
            ':k': pad(id),
          },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }
  async markSent(id: number, at: Date): Promise<void> {
    await this.#update(
      id,
      'SET #s = :s, sentAt = :at, expiresAt = :exp REMOVE doc, gsi1pk, gsi1sk, gsi2pk, gsi2sk',
      {
        ':s': 'sent',
        ':at': at.toISOString(),
        ':exp': expiresAfter(at, this.t.retentionDays),
      },
    );
  }
  async retryLater(id: number, notBefore: Date, error: string): Promise<void> {
    const r = await this.t.doc.send(
      new GetCommand({ TableName: this.t.name, Key: this.#key(id), ConsistentRead: true }),
    );
    if (!r.Item) return;
    await this.#update(
      id,
      'SET #s = :s, notBefore = :nb, lastError = :e, gsi1pk = :g, gsi1sk = :k, gsi2pk = :w, gsi2sk = :k',
      {
        ':s': 'pending',
        ':nb': notBefore.toISOString(),
        ':e': error,
        ':g': `${this.t.ns}OUTPENDING`,
        ':k': pad(id),
        ':w': `${this.t.ns}OUTWAIT#${r.Item.groupId as string}`,
      },
    );
  }
  async markFailed(id: number, error: string): Promise<void> {
    await this.#update(
      id,
      'SET #s = :s, lastError = :e, expiresAt = :exp REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
      {
        ':s': 'failed',
        ':e': error,
        ':exp': expiresAfter(new Date(), this.t.retentionDays),
      },
    );
  }
  async outboxBacklog(): Promise<number> {
    let n = 0;
    for (const p of ['OUTPENDING', 'OUTINFLIGHT']) {
      let start: Item | undefined;
      do {
        const r = await this.t.doc.send(
          new QueryCommand({
            TableName: this.t.name,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :p',
            ExpressionAttributeValues: { ':p': `${this.t.ns}${p}` },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        n += r.Count ?? 0;
        start = r.LastEvaluatedKey;
      } while (start);
    }
    return n;
  }
  async takeSendSlot(channel: string, now: Date, gapMs: number): Promise<boolean> {
    try {
      await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: { pk: `${this.t.ns}SLOT#${channel}`, sk: 'SLOT' },
          UpdateExpression: 'SET nextAt = :next',
          ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt <= :now',
          ExpressionAttributeValues: {
            ':next': new Date(now.getTime() + gapMs).toISOString(),
            ':now': now.toISOString(),
          },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }
  async holdSendSlot(channel: string, until: Date): Promise<void> {
    try {
      await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: { pk: `${this.t.ns}SLOT#${channel}`, sk: 'SLOT' },
          UpdateExpression: 'SET nextAt = :u',
          ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt < :u',
          ExpressionAttributeValues: { ':u': until.toISOString() },
        }),
      );
    } catch (err) {
      // Held already until later: never shortened.
      if (!conditionFailed(err)) throw err;
    }
  }

  async #update(id: number, expr: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: this.#key(id),
          UpdateExpression: expr,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      // An item that is not there (pruned by TTL) has nothing to change, as in SQLite.
      if (!conditionFailed(err)) throw err;
    }
  }
  async #all(p: string): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': `${this.t.ns}${p}` },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
