import { describe, expect, it } from 'vitest';
import { LimiterRegistry } from '../../src/trail/limiter.js';

describe('LimiterRegistry', () => {
  it('shares one budget per key and keeps keys apart', async () => {
    const limiters = new LimiterRegistry(2, 500);
    const stamps: Record<string, number[]> = { a: [], b: [] };
    const call = (key: 'a' | 'b') => limiters.for(key)(async () => void stamps[key]?.push(performance.now()));
    await Promise.all([...[1, 2, 3, 4].map(() => call('a')), ...[1, 2].map(() => call('b'))]);
    const a = stamps.a as number[];
    const b = stamps.b as number[];
    // Key a: calls 3 and 4 wait for the interval; key b does not wait behind them.
    expect((a[2] as number) - (a[0] as number)).toBeGreaterThanOrEqual(490);
    expect((b[1] as number) - (a[0] as number)).toBeLessThan(250);
    expect(limiters.for('a')).toBe(limiters.for('a'));
  });
});
