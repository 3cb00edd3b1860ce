import { describe, expect, it } from 'vitest';
import { SourceCannotAnswerError } from '../../../src/errors.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { AutoSource, chooseSource } from '../../../src/trail/sources/auto.js';
import type { EventSource, SearchResult } from '../../../src/trail/sources/types.js';
import { INVICTUS_DIR, SNITCH_DIR } from '../../helpers/data.js';

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
