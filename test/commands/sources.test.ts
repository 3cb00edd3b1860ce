import { describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/dispatch.js';
import type { SourceReport } from '../../commands/sources.js';
import { SNITCH_DIR } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';

describe('sources', () => {
  it('reports each source: configured, reachable, coverage, limits, and what auto picks', async () => {
    const o = await dispatch(['sources'], testDeps({ TRAIL_LOGS_DIR: SNITCH_DIR }), {
      userId: 'u',
      front: 'terminal',
    });
    expect(o.status).toBe('answer');
    const r = o.result as { sources: SourceReport[]; auto: string };
    const [local, lookup, athena] = r.sources;
    expect(local).toMatchObject({
      name: 'local',
      configured: true,
      coverage:
        'delivery days 2025-03-06 to 2025-03-06; regions us-east-1; accounts 222222222222, 333333333333',
    });
    expect(local?.reachable).toMatch(/^yes: 2 log files in /);
    // The test's CloudTrail client factory refuses: the probe reports it instead of failing.
    expect(lookup?.reachable).toMatch(/^no: /);
    expect(athena).toMatchObject({
      name: 'athena',
      configured: false,
      reachable: 'no: TRAIL_ARCHIVE_BUCKET is not set',
    });
    // Those files are from March 2025: they do not cover last week, so auto would ask LookupEvents.
    expect(r.auto).toBe(
      'For a question about the last 7 days, --source auto picks lookup (LookupEvents can answer it, free).',
    );
  });

  it('reports a missing log directory as not configured', async () => {
    const o = await dispatch(
      ['sources'],
      testDeps({ TRAIL_LOGS_DIR: '/nonexistent/logs', TRAIL_ARCHIVE_BUCKET: 'acme-trail' }),
      {
        userId: 'u',
        front: 'terminal',
      },
    );
    const r = o.result as { sources: SourceReport[]; auto: string };
    expect(r.sources[0]).toMatchObject({
      configured: false,
      reachable: 'no: /nonexistent/logs does not exist',
    });
    expect(r.sources[2]).toMatchObject({ configured: true, reachable: 'not checked: a query costs money' });
  });
});
