import { describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/dispatch.js';
import { toSlack } from '../../src/slack/blocks.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { texts } from '../helpers/slack.js';

const ROLES = JSON.stringify({ admin: { users: ['U0ADMIN'] }, viewer: { channels: ['C0SECOPS1'] } });
const at = (userId: string, channelId = 'C0SECOPS1') => ({ userId, channelId, front: 'slack' as const });

describe('the audit trail', () => {
  it('records commands, the query behind them, refusals and mutes — who, where, when, what, result', async () => {
    const deps = testDeps(
      { TRAIL_ROLES: ROLES, TRAIL_LOGS_DIR: INVICTUS_DIR },
      { now: new Date('2023-07-31T00:00:00Z') },
    );
    await dispatch(
      ['activity', 'bert-jan', '--since', '2023-07-01', '--source', 'local'],
      deps,
      at('U0VIEW'),
    );
    await dispatch(
      ['hygiene', 'mute', 'console-no-mfa:jake', '--for', '7d', '--reason', 'x'],
      deps,
      at('U0VIEW'),
    );
    await dispatch(['activity', '--since'], deps, at('U0VIEW'));
    await dispatch(['hygiene', 'mute', 'console-no-mfa:jake', '--for', '7d', '--reason', 'leaving'], deps, {
      userId: 'ops',
      front: 'terminal',
    });
    const all = (await deps.store().audit.auditEntries({ limit: 50 })).reverse();
    expect(all.map((e) => [e.kind, e.user, e.result.split(' ')[0]])).toEqual([
      ['command', 'U0VIEW', 'answer'],
      ['query', 'U0VIEW', expect.any(String)],
      ['refusal', 'U0VIEW', 'refused'],
      ['command', 'U0VIEW', 'usage'],
      ['mute', 'ops', 'muted'],
      ['command', 'ops', 'answer'],
    ]);
    expect(all[0]).toMatchObject({
      channel: 'C0SECOPS1',
      front: 'slack',
      what: 'activity bert-jan --since 2023-07-01 --source local',
    });
    expect(all[1]?.what).toMatch(/^local: /);
    expect(all[1]?.detail).toMatchObject({ regions: expect.any(Array) });
    expect(all[4]?.detail).toEqual({ reason: 'leaving' });
    expect(deps.lines.some((l) => (l.audit as { kind?: string } | undefined)?.kind === 'refusal')).toBe(true);
  });

  it('is shown to admins with /trail audit, filtered by user, and refused to others', async () => {
    const deps = testDeps({ TRAIL_ROLES: ROLES });
    await dispatch(['help'], deps, at('U0VIEW'));
    await dispatch(['help'], deps, at('U0OTHER'));
    const refused = await dispatch(['audit'], deps, at('U0VIEW'));
    expect(refused.status).toBe('refused');
    const o = await dispatch(['audit', '--user', 'U0VIEW'], deps, at('U0ADMIN'));
    const text = texts(toSlack(o.doc).blocks).join('\n');
    expect(text).toContain('<@U0VIEW> in C0SECOPS1 refusal: `audit` → `refused`');
    expect(text).toContain('<@U0VIEW> in C0SECOPS1 command: `help` → `answer`');
    expect(text).not.toContain('U0OTHER');
  });

  it('forgets entries older than the retention', async () => {
    const deps = testDeps();
    const store = deps.store();
    const entry = {
      user: 'U1',
      front: 'slack' as const,
      kind: 'command' as const,
      what: 'help',
      result: 'answer',
    };
    await store.audit.addAudit({ ...entry, at: new Date('2025-01-01T00:00:00Z') });
    await store.audit.addAudit({ ...entry, at: new Date('2026-11-01T00:00:00Z') });
    expect(await store.audit.pruneAudit(new Date('2026-01-01T00:00:00Z'))).toBe(1);
    expect((await store.audit.auditEntries({ limit: 10 })).map((e) => e.at.getUTCFullYear())).toEqual([2026]);
  });
});
