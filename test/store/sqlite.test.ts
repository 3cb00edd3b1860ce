import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/alerts/group-commit.js';
import { openSqliteStores } from '../../src/store/sqlite/index.js';

const msg = (id: string, at: string) => ({
  messageId: id,
  topicArn: 'arn:aws:sns:us-east-1:111122223333:security-alerts',
  type: 'Notification',
  body: `{"MessageId":"${id}"}`,
  receivedAt: new Date(at),
});

describe('the SQLite store', () => {
  it('keeps accepted messages in a real file across a reopen, and knows a repeated MessageId', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const first = openSqliteStores(path);
    expect(await first.inbox.acceptMessage(msg('m-2', '2026-11-25T12:00:02Z'))).toBe('new');
    expect(await first.inbox.acceptMessage(msg('m-1', '2026-11-25T12:00:01Z'))).toBe('new');
    expect(await first.inbox.acceptMessage(msg('m-1', '2026-11-25T12:00:09Z'))).toBe('duplicate');
    first.close();
    const again = openSqliteStores(path);
    expect(await again.inbox.acceptMessage(msg('m-2', '2026-11-25T12:00:10Z'))).toBe('duplicate');
    expect(
      (await again.inbox.pendingMessages(10)).map((m) => [m.messageId, m.receivedAt.toISOString()]),
    ).toEqual([
      ['m-1', '2026-11-25T12:00:01.000Z'],
      ['m-2', '2026-11-25T12:00:02.000Z'],
    ]);
    again.close();
  });

  it('upgrades a database made by the first schema, keeping what it holds', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE sns_messages (message_id TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, type TEXT NOT NULL,
      body TEXT NOT NULL, received_at TEXT NOT NULL, processed_at TEXT);
      INSERT INTO sns_messages VALUES ('m-old', 'arn:aws:sns:us-east-1:111122223333:a', 'Notification', '{}', '2026-11-01T00:00:00.000Z', NULL);
      PRAGMA user_version = 1;`);
    old.close();
    const store = openSqliteStores(path);
    expect((await store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['m-old']);
    expect(await store.outbox.outboxBacklog()).toBe(0);
    expect(await store.inbox.deadLetters()).toEqual([]);
    store.close();
    const check = new DatabaseSync(path, { readOnly: true });
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(11);
    check.close();
  });

  it('commits messages that arrive together once, answering each, and fails them together', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const store = openSqliteStores(path);
    const batches: number[] = [];
    const accept = groupCommit({
      acceptMessages: (ms) => {
        batches.push(ms.length);
        return store.inbox.acceptMessages(ms);
      },
    });
    const r = await Promise.all([
      accept(msg('a', '2026-11-25T12:00:00Z')),
      accept(msg('b', '2026-11-25T12:00:00Z')),
      accept(msg('a', '2026-11-25T12:00:00Z')),
    ]);
    expect(r).toEqual(['new', 'new', 'duplicate']);
    expect(batches).toEqual([3]);
    const broken = groupCommit({
      acceptMessages: () => {
        throw new Error('disk full');
      },
    });
    const failed = await Promise.allSettled([
      broken(msg('c', '2026-11-25T12:00:00Z')),
      broken(msg('d', '2026-11-25T12:00:00Z')),
    ]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    store.close();
  });

  it('keeps another caller’s write out of a unit of work open across awaits, so its rollback cannot take it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const store = openSqliteStores(path);
    const unit = store.atomically(async () => {
      await store.inbox.acceptMessage(msg('in-the-unit', '2026-11-25T12:00:01Z'));
      await new Promise((r) => setTimeout(r, 30));
      throw new Error('the unit fails');
    });
    await new Promise((r) => setTimeout(r, 5));
    // Another caller (an intake request, say) writes while the unit is open: it waits, then goes alone.
    const meanwhile = store.inbox.acceptMessage(msg('someone-else', '2026-11-25T12:00:02Z'));
    await expect(unit).rejects.toThrow('the unit fails');
    expect(await meanwhile).toBe('new');
    expect((await store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['someone-else']);
    store.close();
  });

  it('rolls a failed nested part back to its savepoint and keeps the rest of the transaction', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const store = openSqliteStores(path);
    await store.atomically(async () => {
      await store.inbox.acceptMessage(msg('kept-1', '2026-11-25T12:00:01Z'));
      await expect(
        store.atomically(async () => {
          await store.inbox.acceptMessage(msg('undone', '2026-11-25T12:00:02Z'));
          throw new Error('this message fails');
        }),
      ).rejects.toThrow('this message fails');
      await store.inbox.acceptMessage(msg('kept-2', '2026-11-25T12:00:03Z'));
    });
    await expect(
      store.atomically(async () => {
        await store.inbox.acceptMessage(msg('outer-undone', '2026-11-25T12:00:04Z'));
        throw new Error('the batch fails');
      }),
    ).rejects.toThrow('the batch fails');
    expect((await store.inbox.pendingMessages(10)).map((m) => m.messageId)).toEqual(['kept-1', 'kept-2']);
    store.close();
  });
});
