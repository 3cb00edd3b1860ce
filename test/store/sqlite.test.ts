import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/store/group-commit.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const msg = (id: string, at: string) => ({
  messageId: id,
  topicArn: 'arn:aws:sns:us-east-1:111122223333:security-alerts',
  type: 'Notification',
  body: `{"MessageId":"${id}"}`,
  receivedAt: new Date(at),
});

describe('the SQLite store', () => {
  it('keeps accepted messages in a real file across a reopen, and knows a repeated MessageId', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const first = new SqliteStore(path);
    expect(first.acceptMessage(msg('m-2', '2026-11-25T12:00:02Z'))).toBe('new');
    expect(first.acceptMessage(msg('m-1', '2026-11-25T12:00:01Z'))).toBe('new');
    expect(first.acceptMessage(msg('m-1', '2026-11-25T12:00:09Z'))).toBe('duplicate');
    first.close();
    const again = new SqliteStore(path);
    expect(again.acceptMessage(msg('m-2', '2026-11-25T12:00:10Z'))).toBe('duplicate');
    expect(again.pendingMessages(10).map((m) => [m.messageId, m.receivedAt.toISOString()])).toEqual([
      ['m-1', '2026-11-25T12:00:01.000Z'],
      ['m-2', '2026-11-25T12:00:02.000Z'],
    ]);
    again.close();
  });

  it('upgrades a database made by the first schema, keeping what it holds', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE sns_messages (message_id TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, type TEXT NOT NULL,
      body TEXT NOT NULL, received_at TEXT NOT NULL, processed_at TEXT);
      INSERT INTO sns_messages VALUES ('m-old', 'arn:aws:sns:us-east-1:111122223333:a', 'Notification', '{}', '2026-11-01T00:00:00.000Z', NULL);
      PRAGMA user_version = 1;`);
    old.close();
    const store = new SqliteStore(path);
    expect(store.pendingMessages(10).map((m) => m.messageId)).toEqual(['m-old']);
    expect(store.outboxBacklog()).toBe(0);
    expect(store.deadLetters()).toEqual([]);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(4);
    check.close();
  });

  it('commits messages that arrive together once, answering each, and fails them together', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
    const store = new SqliteStore(path);
    const batches: number[] = [];
    const accept = groupCommit({
      acceptMessages: (ms) => {
        batches.push(ms.length);
        return store.acceptMessages(ms);
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
});
