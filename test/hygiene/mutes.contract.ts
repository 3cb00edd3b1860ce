import { describe, expect, it } from 'vitest';
import type { MuteList } from '../../src/hygiene/mutes.js';

const D = (day: number) => new Date(Date.UTC(2026, 10, day));

/** The MuteList contract, for every implementation: `open` gives a fresh, empty list. */
export function mutesContract(name: string, open: () => MuteList): void {
  describe(`MuteList contract: ${name}`, () => {
    it('gives the mutes not yet expired, in the order they were made', async () => {
      const mutes = open();
      const m = (pattern: string, until: number) => ({
        pattern,
        reason: 'known',
        by: 'U1',
        at: D(1),
        until: D(until),
      });
      await mutes.addMute(m('console-no-mfa:jake', 10));
      await mutes.addMute(m('stale-key:*', 5));
      expect(await mutes.activeMutes(D(4))).toEqual([m('console-no-mfa:jake', 10), m('stale-key:*', 5)]);
      expect(await mutes.activeMutes(D(5))).toEqual([m('console-no-mfa:jake', 10)]);
      expect(await mutes.activeMutes(D(10))).toEqual([]);
    });
  });
}
