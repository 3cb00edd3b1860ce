import { describe, expect, it } from 'vitest';
import { SourceCannotAnswerError } from '../../../src/errors.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { AutoSource, chooseSource } from '../../../src/trail/sources/auto.js';
import { LocalSource } from '../../../src/trail/sources/local.js';
import type { EventSource, SearchResult } from '../../../src/trail/sources/types.js';
import { INVICTUS_DIR, rawRecords, SNITCH_DIR } from '../../helpers/data.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const week: TrailQuery = {
  range: { start: new Date('2026-11-18T12:00:00Z'), end: NOW, defaulted: true },
  limit: 10,
};
const fake = (name: 'local' | 'lookup' | 'athena'): EventSource => ({
  name,
  describe: () => name,
  search: async (): Promise<SearchResult> => ({
    events: [],
    matched: 0,
    examined: 0,
    scope: { source: name, regions: [], accounts: [], detail: name },
    warnings: [],
  }),
});
const all = { lookup: () => fake('lookup'), athena: () => fake('athena'), now: () => NOW };

describe('--source auto', () => {
  it('prefers log files on disk that cover the question, and passes over those that do not', async () => {
    const local = (dir: string) => ({ ...all, local: { dir, source: () => fake('local') } });
    expect((await chooseSource(week, local(INVICTUS_DIR))).name).toBe('local');
    // The S3-layout files here were delivered on 2025-03-06: a question about last week is not theirs.
    expect((await chooseSource(week, local(SNITCH_DIR))).name).toBe('lookup');
    const march = {
      ...week,
      range: {
        start: new Date('2025-03-05T00:00:00Z'),
        end: new Date('2025-03-07T00:00:00Z'),
        defaulted: false,
      },
    };
    expect((await chooseSource(march, local(SNITCH_DIR))).name).toBe('local');
  });

  it('uses LookupEvents for a recent management question, then Athena for what it cannot answer', async () => {
    const noLocal = { ...all, local: { dir: '/nonexistent', source: () => fake('local') } };
    expect(await chooseSource(week, noLocal)).toEqual({
      name: 'lookup',
      why: 'LookupEvents can answer it, free',
    });
    expect(
      (await chooseSource({ ...week, sourceIp: { kind: 'exact', value: '203.0.113.9' } }, noLocal)).name,
    ).toBe('athena');
    const old = { ...week, range: { ...week.range, start: new Date('2025-01-01T00:00:00Z') } };
    expect((await chooseSource(old, noLocal)).why).toMatch(/before LookupEvents' 90 days; Athena can/);
  });

  it('reads "the last 90 days", resolved a moment earlier, as LookupEvents\' range', async () => {
    const noLocal = { ...all, local: { dir: '/nonexistent', source: () => fake('local') } };
    const ninety = {
      ...week,
      range: { ...week.range, start: new Date(NOW.getTime() - 90 * 86_400_000 - 50) },
    };
    expect((await chooseSource(ninety, noLocal)).name).toBe('lookup');
  });

  it('says what to configure when nothing can answer', async () => {
    const denied = () =>
      chooseSource({ ...week, errorCodes: ['AccessDenied'] }, { lookup: all.lookup, now: all.now });
    await expect(denied()).rejects.toThrow(SourceCannotAnswerError);
    await expect(denied()).rejects.toThrow(/TRAIL_ARCHIVE_BUCKET/);
  });

  it('says in the answer which source it chose and why', async () => {
    const r = await new AutoSource({ ...all }).search(week);
    expect(r.scope.source).toBe('lookup');
    expect(r.scope.detail).toBe('lookup (chosen by --source auto: LookupEvents can answer it, free)');
  });
});

describe('--source auto over files that cover part of the question', () => {
  const july = (from: string, to: string): TrailQuery => ({
    range: { start: new Date(`${from}T00:00:00Z`), end: new Date(`${to}T00:00:00Z`), defaulted: false },
    eventNames: ['DeleteBucket'],
    limit: 10,
  });
  const recording = (name: 'lookup' | 'athena', asked: TrailQuery[]): EventSource => ({
    ...fake(name),
    search: async (q) => {
      asked.push(q);
      return { ...(await fake(name).search(q)), examined: 7 };
    },
  });

  it('asks another source for the days the files hold nothing of, and says which', async () => {
    const asked: TrailQuery[] = [];
    const auto = new AutoSource({
      ...all,
      local: {
        dir: INVICTUS_DIR,
        source: () => new LocalSource({ dir: INVICTUS_DIR, memoryLimit: '1GB' }),
      },
      athena: () => recording('athena', asked),
    });
    // The invictus files hold 2023-07-10 only; the question spans 2023-07-09 to 2023-07-11. 2023 is past
    // LookupEvents' 90 days, so Athena gets the gaps.
    const r = await auto.search(july('2023-07-09', '2023-07-12'));
    expect(asked.map((q) => [q.range.start.toISOString(), q.range.end.toISOString()])).toEqual([
      ['2023-07-09T00:00:00.000Z', '2023-07-10T00:00:00.000Z'],
      ['2023-07-11T00:00:00.000Z', '2023-07-12T00:00:00.000Z'],
    ]);
    const deletes = rawRecords(INVICTUS_DIR).filter((e) => e.eventName === 'DeleteBucket').length;
    expect(r.events.length).toBe(Math.min(deletes, 10));
    expect(r.matched).toBe(deletes);
    expect(r.examined).toBe(2900 + 14);
    expect(r.scope.detail).toContain('what the files did not cover asked of Athena');
    expect(r.coverage?.missingDays).toEqual([]);
  });

  it('asks LookupEvents for recent gaps when the account is configured, and never when it is not', async () => {
    const asked: TrailQuery[] = [];
    const local = {
      dir: INVICTUS_DIR,
      source: () => new LocalSource({ dir: INVICTUS_DIR, memoryLimit: '1GB' }),
    };
    const recent = july('2026-11-20', '2026-11-22');
    const on = new AutoSource({
      ...all,
      local,
      lookup: () => recording('lookup', asked),
      lookupForGaps: true,
    });
    expect((await on.search(recent)).scope.detail).toContain('asked of LookupEvents');
    expect(asked).toHaveLength(1);
    const off = new AutoSource({
      ...all,
      athena: undefined,
      local,
      lookup: () => recording('lookup', asked),
    });
    expect((await off.search(recent)).warnings.join('\n')).toContain('No other source is configured');
    expect(asked).toHaveLength(1);
  });

  it('says plainly what it could not cover when no other source can answer', async () => {
    const auto = new AutoSource({
      ...all,
      athena: undefined,
      local: {
        dir: INVICTUS_DIR,
        source: () => new LocalSource({ dir: INVICTUS_DIR, memoryLimit: '1GB' }),
      },
    });
    const r = await auto.search(july('2023-07-09', '2023-07-12'));
    expect(r.coverage?.missingDays).toEqual(['2023-07-09', '2023-07-11']);
    expect(r.warnings.join('\n')).toContain('No other source is configured to cover what the files do not');
  });
});
