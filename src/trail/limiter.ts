import pThrottle from 'p-throttle';

/** Runs calls no faster than a budget shared by every caller of the same key. */
export type Limited = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * One rate limiter per key (account and region for CloudTrail), shared by every command running at
 * once, because AWS counts the account's calls together: LookupEvents allows 2 requests per second per
 * account per region. p-throttle's strict mode holds the limit over every sliding interval.
 */
export class LimiterRegistry {
  readonly #limiters = new Map<string, Limited>();
  constructor(
    readonly limit: number,
    readonly intervalMs: number,
  ) {}

  /** The limiter for `key`, created on first use. */
  for(key: string): Limited {
    let l = this.#limiters.get(key);
    if (!l) {
      const throttled = pThrottle({ limit: this.limit, interval: this.intervalMs, strict: true })(
        (fn: () => Promise<unknown>) => fn(),
      );
      l = <T>(fn: () => Promise<T>) => throttled(fn) as Promise<T>;
      this.#limiters.set(key, l);
    }
    return l;
  }
}

/**
 * CloudTrail LookupEvents: 2 requests per second per account per region. The interval has 10 % of
 * headroom: AWS counts arrivals, and two requests sent a second apart can arrive a little closer.
 */
export const lookupLimiters = (): LimiterRegistry => new LimiterRegistry(2, 1100);
