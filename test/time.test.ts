import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { describeRange, parseDuration, parseTimeWord, resolveRange } from '../src/time.js';

const now = new Date('2026-11-25T10:30:00Z');

describe('parseTimeWord', () => {
  it.each([
    ['7d', '2026-11-18T10:30:00.000Z'],
    ['24h', '2026-11-24T10:30:00.000Z'],
    ['90m', '2026-11-25T09:00:00.000Z'],
    ['2w', '2026-11-11T10:30:00.000Z'],
    ['now', '2026-11-25T10:30:00.000Z'],
    ['today', '2026-11-25T00:00:00.000Z'],
    ['yesterday', '2026-11-24T00:00:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T13:05', '2026-11-20T13:05:00.000Z'],
    ['2026-11-20T13:05:09Z', '2026-11-20T13:05:09.000Z'],
    ['2026-11-20T13:05:09+02:00', '2026-11-20T11:05:09.000Z'],
  ])('reads %s as a start', (word, iso) => {
    expect(parseTimeWord(word, now, 'start')?.toISOString()).toBe(iso);
  });

  it('reads a day as the end of a range as the whole day', () => {
    expect(parseTimeWord('2026-11-20', now, 'end')?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(parseTimeWord('yesterday', now, 'end')?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });

  it.each(['7x', 'last week', '2026-13-01', '2026-02-30', '', '-7d', '1e3d'])('refuses %j', (word) => {
    expect(parseTimeWord(word, now, 'start')).toBeUndefined();
  });

  it('keeps durations to what a person types', () => {
    expect(parseDuration('7d')).toEqual({ days: 7 });
    expect(parseDuration('123456d')).toBeUndefined();
  });
});

describe('resolveRange', () => {
  it('applies the default and says so', () => {
    const r = resolveRange({}, now, '7d');
    expect(r).toEqual({ start: new Date('2026-11-18T10:30:00Z'), end: now, defaulted: true });
  });

  it('clamps an end in the future to now', () => {
    const r = resolveRange({ since: '1d', until: '2030-01-01' }, now, '7d');
    expect(r.end).toEqual(now);
    expect(r.defaulted).toBe(false);
  });

  it('refuses a start after the end, and bad words, as usage errors naming the flag', () => {
    expect(() => resolveRange({ since: '1d', until: '2d' }, now, '7d')).toThrow(
      /--since .* must be before --until/,
    );
    expect(() => resolveRange({ since: 'soon' }, now, '7d')).toThrow(UsageError);
    expect(() => resolveRange({ until: 'later' }, now, '7d')).toThrow(/--until "later" is not a time/);
  });

  it('describes a range in UTC with its length', () => {
    expect(describeRange(resolveRange({ since: '2026-11-18' }, now, '7d'))).toBe(
      '2026-11-18 00:00:00 UTC – 2026-11-25 10:30:00 UTC (7 days)',
    );
  });
});
