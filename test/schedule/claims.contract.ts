import { describe, expect, it } from 'vitest';
import type { RunClaims } from '../../src/schedule/claims.js';

const T = (m: number) => new Date(Date.UTC(2026, 10, 30, 9, m));

/** The RunClaims contract, for every implementation: `open` gives a fresh store with no claims. */
export function claimsContract(name: string, open: () => RunClaims): void {
  describe(`RunClaims contract: ${name}`, () => {
    it('gives a run to one owner until its lease ends, then to another; the same owner may ask again', async () => {
      const claims = open();
      expect(await claims.claim('digest:2026-11-30T09:00Z', 'replica-a', T(0), T(10))).toBe(true);
      expect(await claims.claim('digest:2026-11-30T09:00Z', 'replica-b', T(5), T(15))).toBe(false);
      expect(await claims.claim('digest:2026-11-30T09:00Z', 'replica-a', T(6), T(16))).toBe(true);
      expect(await claims.claim('digest:2026-12-07T09:00Z', 'replica-b', T(6), T(16))).toBe(true);
      expect(await claims.claim('digest:2026-11-30T09:00Z', 'replica-b', T(15), T(25))).toBe(false);
      expect(await claims.claim('digest:2026-11-30T09:00Z', 'replica-b', T(16), T(26))).toBe(true);
      expect(await claims.claim('digest:2026-11-30T09:00Z', 'replica-a', T(17), T(27))).toBe(false);
    });
  });
}
