import { describe, expect, it } from 'vitest';
import { UpstreamDeniedError } from '../../../src/errors.js';
import { parseRecord } from '../../../src/trail/event.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { FanOutSource } from '../../../src/trail/sources/fan-out.js';
import type { EventSource, SearchResult } from '../../../src/trail/sources/types.js';

const q: TrailQuery = {
  range: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-25T00:00:00Z'), defaulted: false },
  limit: 10,
};
let running = 0;
let most = 0;

function account(id: string, time: string, fail?: Error): EventSource {
  return {
    name: 'lookup',
    describe: () => 'CloudTrail LookupEvents in us-east-1',
    async search(query): Promise<SearchResult> {
      expect(query.accounts).toBeUndefined();
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (fail) throw fail;
      const e = parseRecord({
        eventTime: time,
        eventName: 'DeleteBucket',
        eventSource: 's3.amazonaws.com',
        eventID: `ev-${id}`,
        recipientAccountId: id,
      });
      return {
        events: [e],
        matched: 1,
        examined: 5,
        scope: { source: 'lookup', regions: ['us-east-1'], accounts: [id], detail: '' },
        warnings: [],
      };
    },
  };
}

describe('fan-out across accounts', () => {
  it('answers from the accounts that worked, names the one that failed, and bounds the parallelism', async () => {
    most = 0;
    const denied = new UpstreamDeniedError('sts:AssumeRole');
    const s = new FanOutSource(
      [
        { account: '111111111111', source: account('111111111111', '2026-11-10T00:00:00Z') },
        { account: '222222222222', source: account('222222222222', '2026-11-20T00:00:00Z', denied) },
        { account: '333333333333', source: account('333333333333', '2026-11-15T00:00:00Z') },
        { account: '444444444444', source: account('444444444444', '2026-11-12T00:00:00Z') },
      ],
      2,
    );
    const r = await s.search(q);
    expect(r.events.map((e) => e.account)).toEqual(['333333333333', '444444444444', '111111111111']);
    expect(r.examined).toBe(15);
    expect(r.warnings).toEqual([`account 222222222222: not searched — ${denied.message}`]);
    expect(r.scope.accounts).toHaveLength(4);
    expect(most).toBe(2);
  });

  it('asks only the accounts named, and fails only when every account fails', async () => {
    const s = new FanOutSource(
      [
        { account: '111111111111', source: account('111111111111', '2026-11-10T00:00:00Z') },
        {
          account: '222222222222',
          source: account('222222222222', '2026-11-20T00:00:00Z', new Error('expired')),
        },
      ],
      4,
    );
    const r = await s.search({ ...q, accounts: ['111111111111'] });
    expect(r.scope.accounts).toEqual(['111111111111']);
    await expect(s.search({ ...q, accounts: ['222222222222'] })).rejects.toThrow('expired');
    await expect(s.search({ ...q, accounts: ['999999999999'] })).rejects.toThrow(/not a configured account/);
  });
});
