import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
