import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/hygiene/digest.js';
import type { HygieneRuns } from '../../src/hygiene/runs.js';

const snap = (day: number): Snapshot => ({
  takenAt: new Date(Date.UTC(2026, 10, day, 9)),
  findings: [
    {
      id: `console-no-mfa:111122223333:u${day}`,
      check: 'console-no-mfa',
      account: '111122223333',
      user: `u${day}`,
      severity: 'high',
      title: 'console without MFA',
    },
  ],
  failed: [],
  reports: [{ account: '111122223333', generatedAt: new Date(Date.UTC(2026, 10, day, 8)) }],
});

/** The HygieneRuns contract, for every implementation: `open` gives a fresh, empty store. */
export function hygieneRunsContract(name: string, open: () => HygieneRuns): void {
  describe(`HygieneRuns contract: ${name}`, () => {
    it('gives snapshots back newest first, up to the limit, with their dates as dates', async () => {
      const runs = open();
      expect(await runs.snapshots(1)).toEqual([]);
      for (const day of [2, 16, 9]) await runs.saveSnapshot(snap(day));
      expect(await runs.snapshots(2)).toEqual([snap(16), snap(9)]);
      expect(await runs.snapshots(10)).toHaveLength(3);
    });
  });
}
