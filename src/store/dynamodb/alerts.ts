import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AlertAction,
  type AlertGroup,
  type AlertRepository,
  type AlertStatus,
  StaleWriteError,
  type StoredAlert,
} from '../../alerts/repository.js';
import { alertFromJson } from '../codec.js';
import { conditionFailed, type DynamoTable, seq } from './table.js';

type Item = Record<string, unknown>;
const d = (v: unknown) => (typeof v === 'string' ? new Date(v) : undefined);

function alertOf(i: Item): StoredAlert {
  return {
    id: i.id as string,
    groupId: i.groupId as string,
    fingerprint: i.fingerprint as string,
    channel: i.channel as string,
    alert: alertFromJson(i.alert as string),
    status: i.status as AlertStatus,
    by: (i.by as string | undefined) ?? undefined,
    at: d(i.at),
    snoozedUntil: d(i.snoozedUntil),
    count: i.count as number,
    notedCount: i.notedCount as number,
    firstSeen: new Date(i.firstSeen as string),
    lastSeen: new Date(i.lastSeen as string),
    countedFrom: (i.countedFrom as string[] | undefined) ?? undefined,
    version: i.version as number,
  };
}
function groupOf(i: Item): AlertGroup {
  return {
    id: i.id as string,
    channel: i.channel as string,
    groupKey: i.groupKey as string,
    createdAt: new Date(i.createdAt as string),
    ts: (i.ts as string | undefined) ?? undefined,
    remindedAt: d(i.remindedAt),
  };
}

/**
 * AlertRepository in DynamoDB. A group is a partition (`GROUP#<id>`): its own item, its alerts
 * (`ALERT#<first seen>#<id>`) and its actions. An unresolved alert is found by fingerprint through a
 * pointer item (`FP#<fingerprint>`, read strongly consistent); a snoozed alert sits in gsi1 under
 * SNOOZED by its end; a group in gsi1 under its channel and key, and in gsi2 under REMIND while posted
 * and not yet reminded.
 */
export class DynamoAlertRepository implements AlertRepository {
  constructor(private readonly t: DynamoTable) {}
  #pk = (groupId: string) => `${this.t.ns}GROUP#${groupId}`;

  async openAlertByFingerprint(fingerprint: string): Promise<StoredAlert | undefined> {
    const p = await this.t.doc.send(
      new GetCommand({
        TableName: this.t.name,
        Key: { pk: `${this.t.ns}FP#${fingerprint}`, sk: 'OPEN' },
        ConsistentRead: true,
      }),
    );
    if (!p.Item) return undefined;
    const a = await this.t.doc.send(
      new GetCommand({
        TableName: this.t.name,
        Key: { pk: this.#pk(p.Item.groupId as string), sk: p.Item.alertSk as string },
        ConsistentRead: true,
      }),
    );
    return a.Item && a.Item.status !== 'resolved' ? alertOf(a.Item) : undefined;
  }
  async saveAlert(a: StoredAlert): Promise<void> {
    const sk = `ALERT#${a.firstSeen.toISOString()}#${a.id}`;
    const snoozed = a.status === 'snoozed' && a.snoozedUntil;
    await this.t.doc
      .send(
        new PutCommand({
          TableName: this.t.name,
          Item: {
            pk: this.#pk(a.groupId),
            sk,
            id: a.id,
            groupId: a.groupId,
            fingerprint: a.fingerprint,
            channel: a.channel,
            alert: JSON.stringify(a.alert),
            status: a.status,
            by: a.by,
            at: a.at?.toISOString(),
            snoozedUntil: a.snoozedUntil?.toISOString(),
            count: a.count,
            notedCount: a.notedCount,
            firstSeen: a.firstSeen.toISOString(),
            lastSeen: a.lastSeen.toISOString(),
            countedFrom: a.countedFrom,
            ...(snoozed
              ? { gsi1pk: `${this.t.ns}SNOOZED`, gsi1sk: `${a.snoozedUntil?.toISOString()}#${a.id}` }
              : {}),
            version: (a.version ?? 0) + 1,
          },
          // A copy read at a version replaces the item only at that version.
          ...(a.version === undefined
            ? {}
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': a.version } }),
        }),
      )
      .catch((err: unknown) => {
        if (conditionFailed(err)) throw new StaleWriteError(`alert ${a.id}`);
        throw err;
      });
    const pointer = { pk: `${this.t.ns}FP#${a.fingerprint}`, sk: 'OPEN' };
    if (a.status === 'resolved')
      await this.t.doc
        .send(
          new DeleteCommand({
            TableName: this.t.name,
            Key: pointer,
            ConditionExpression: 'attribute_not_exists(pk) OR alertId = :id',
            ExpressionAttributeValues: { ':id': a.id },
          }),
        )
        .catch((err: unknown) => {
          // The pointer names a newer alert of the fingerprint: it stays.
          if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        });
    else
      await this.t.doc.send(
        new PutCommand({
          TableName: this.t.name,
          Item: {
            ...pointer,
            alertId: a.id,
            groupId: a.groupId,
            alertSk: sk,
            firstSeen: a.firstSeen.toISOString(),
            // Every unresolved alert, newest first (the Home tab's list).
            gsi2pk: `${this.t.ns}UNRESOLVED`,
            gsi2sk: `${a.firstSeen.toISOString()}#${a.id}`,
          },
        }),
      );
  }
  async alertsOfGroup(groupId: string): Promise<StoredAlert[]> {
    return (await this.#query(this.#pk(groupId), 'ALERT#')).map(alertOf);
  }
  async unresolvedAlerts(limit: number): Promise<StoredAlert[]> {
    const out: StoredAlert[] = [];
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p',
          ExpressionAttributeValues: { ':p': `${this.t.ns}UNRESOLVED` },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      for (const p of r.Items ?? []) {
        const item = await this.t.doc.send(
          new GetCommand({
            TableName: this.t.name,
            Key: { pk: this.#pk(p.groupId as string), sk: p.alertSk },
          }),
        );
        // The index is read eventually consistent: an alert resolved a moment ago is left out here.
        if (item.Item && item.Item.status !== 'resolved') out.push(alertOf(item.Item));
        if (out.length >= limit) return out;
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
  async snoozesEndedBy(now: Date): Promise<StoredAlert[]> {
    const out: StoredAlert[] = [];
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk <= :now',
          ExpressionAttributeValues: { ':p': `${this.t.ns}SNOOZED`, ':now': `${now.toISOString()}#~` },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of r.Items ?? []) if (i.status === 'snoozed') out.push(alertOf(i));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async openGroup(channel: string, groupKey: string, since: Date): Promise<AlertGroup | undefined> {
    const r = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.name,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :since',
        ExpressionAttributeValues: {
          ':p': `${this.t.ns}GKEY#${channel}#${groupKey}`,
          ':since': since.toISOString(),
        },
        ScanIndexForward: false,
      }),
    );
    for (const g of r.Items ?? [])
      if ((await this.alertsOfGroup(g.id as string)).some((a) => a.status !== 'resolved')) return groupOf(g);
    return undefined;
  }
  async insertGroup(g: AlertGroup): Promise<void> {
    await this.t.doc
      .send(
        new PutCommand({
          TableName: this.t.name,
          Item: {
            pk: this.#pk(g.id),
            sk: 'GROUP',
            id: g.id,
            channel: g.channel,
            groupKey: g.groupKey,
            createdAt: g.createdAt.toISOString(),
            ts: g.ts,
            remindedAt: g.remindedAt?.toISOString(),
            gsi1pk: `${this.t.ns}GKEY#${g.channel}#${g.groupKey}`,
            gsi1sk: `${g.createdAt.toISOString()}#${g.id}`,
            ...(g.ts && !g.remindedAt
              ? { gsi2pk: `${this.t.ns}REMIND`, gsi2sk: `${g.createdAt.toISOString()}#${g.id}` }
              : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((err: unknown) => {
        if (!conditionFailed(err)) throw err;
      });
  }
  async group(id: string): Promise<AlertGroup | undefined> {
    const r = await this.t.doc.send(
      new GetCommand({
        TableName: this.t.name,
        Key: { pk: this.#pk(id), sk: 'GROUP' },
        ConsistentRead: true,
      }),
    );
    return r.Item ? groupOf(r.Item) : undefined;
  }
  async setGroupTs(id: string, ts: string): Promise<void> {
    const g = await this.group(id);
    if (!g) return;
    // Posted: from now on a reminder may be due, unless it was already reminded.
    const remind = !g.remindedAt;
    await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.name,
        Key: { pk: this.#pk(id), sk: 'GROUP' },
        UpdateExpression: remind ? 'SET ts = :ts, gsi2pk = :p, gsi2sk = :s' : 'SET ts = :ts',
        ExpressionAttributeValues: {
          ':ts': ts,
          ...(remind ? { ':p': `${this.t.ns}REMIND`, ':s': `${g.createdAt.toISOString()}#${id}` } : {}),
        },
      }),
    );
  }
  async setGroupReminded(id: string, at: Date): Promise<void> {
    await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.name,
        Key: { pk: this.#pk(id), sk: 'GROUP' },
        UpdateExpression: 'SET remindedAt = :at REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
  async groupsToRemind(before: Date): Promise<AlertGroup[]> {
    const out: AlertGroup[] = [];
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :b',
          ExpressionAttributeValues: { ':p': `${this.t.ns}REMIND`, ':b': `${before.toISOString()}#~` },
          ExclusiveStartKey: start,
        }),
      );
      for (const g of r.Items ?? [])
        if (
          g.ts &&
          !g.remindedAt &&
          (await this.alertsOfGroup(g.id as string)).some((a) => a.status === 'open')
        )
          out.push(groupOf(g));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async recordAction(a: AlertAction): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: this.#pk(a.groupId),
          sk: `ACTION#${a.at.toISOString()}#${seq()}`,
          groupId: a.groupId,
          kind: a.kind,
          userId: a.userId,
          at: a.at.toISOString(),
          detail: a.detail,
        },
      }),
    );
  }
  async actionsOf(groupId: string): Promise<AlertAction[]> {
    return (await this.#query(this.#pk(groupId), 'ACTION#')).map((i) => ({
      groupId: i.groupId as string,
      kind: i.kind as string,
      userId: i.userId as string,
      at: new Date(i.at as string),
      detail: (i.detail as string | undefined) ?? undefined,
    }));
  }

  /** Every item of a partition whose sort key starts so, in order, strongly consistent. */
  async #query(pk: string, prefix: string): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const r = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':p': pk, ':s': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
