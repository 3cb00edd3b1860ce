import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLog } from '../../src/audit/log.js';

const entry = (user: string, minute: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 25, 12, minute)),
  user,
  channel: 'C1',
  front: 'slack',
  kind: 'command',
  what: `who-deleted b${minute}`,
  result: 'answer',
  detail: undefined,
  ...over,
});

/** The AuditLog contract, for every implementation: `open` gives a fresh, empty log. */
export function auditLogContract(name: string, open: () => AuditLog): void {
  describe(`AuditLog contract: ${name}`, () => {
    it('gives entries newest first, filtered by user and time, up to the limit, with their detail', async () => {
      const log = open();
      await log.addAudit(entry('U1', 1));
      await log.addAudit(entry('U2', 2, { kind: 'query', detail: { request: { sql: 'SELECT 1' } } }));
      await log.addAudit(entry('U1', 3, { channel: undefined, front: 'terminal' }));
      expect((await log.auditEntries({ limit: 10 })).map((e) => e.at.getUTCMinutes())).toEqual([3, 2, 1]);
      expect(await log.auditEntries({ user: 'U1', limit: 10 })).toEqual([
        entry('U1', 3, { channel: undefined, front: 'terminal' }),
        entry('U1', 1),
      ]);
      expect(await log.auditEntries({ since: entry('x', 2).at, limit: 1 })).toEqual([
        entry('U1', 3, { channel: undefined, front: 'terminal' }),
      ]);
      expect((await log.auditEntries({ user: 'U2', limit: 1 }))[0]?.detail).toEqual({
        request: { sql: 'SELECT 1' },
      });
    });

    it('prunes entries older than a time and says how many went', async () => {
      const log = open();
      for (const m of [1, 2, 3]) await log.addAudit(entry('U1', m));
      expect(await log.pruneAudit(entry('x', 3).at)).toBe(2);
      expect((await log.auditEntries({ limit: 10 })).map((e) => e.at.getUTCMinutes())).toEqual([3]);
    });
  });
}
