import { describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../src/alerts/repository.js';
import type { Baseline, GeoBaselines } from '../../src/geo/baseline.js';

const D = (day: number) => new Date(Date.UTC(2026, 10, day, 9));
const alice = (over: Partial<Baseline> = {}): Baseline => ({
  principal: 'arn:aws:iam::111122223333:user/alice',
  since: D(1),
  places: [
    { country: 'NL', asn: 1136, firstSeen: D(1), lastSeen: D(20), events: 40 },
    { country: 'BE', firstSeen: D(2), lastSeen: D(3), events: 2 },
  ],
  lastLogin: { at: D(20), country: 'NL' },
  ...over,
});

/** The GeoBaselines contract, for every implementation: `open` gives a fresh store. */
export function geoBaselinesContract(name: string, open: () => GeoBaselines): void {
  describe(`GeoBaselines contract: ${name}`, () => {
    it('keeps a baseline whole, versioned; a stale or duplicate save is refused', async () => {
      const g = open();
      expect(await g.baseline(alice().principal)).toBeUndefined();
      await g.saveBaseline(alice());
      const read = (await g.baseline(alice().principal)) as Baseline;
      expect(read).toEqual({ ...alice(), version: 1 });
      await expect(g.saveBaseline(alice())).rejects.toBeInstanceOf(StaleWriteError);
      await g.saveBaseline({ ...read, lastLogin: { at: D(21), country: 'DE' } });
      await expect(g.saveBaseline({ ...read, lastLogin: undefined })).rejects.toBeInstanceOf(StaleWriteError);
      expect((await g.baseline(alice().principal))?.lastLogin).toEqual({ at: D(21), country: 'DE' });
    });

    it('forgets principals not seen since a date, by their newest place', async () => {
      const g = open();
      await g.saveBaseline(alice());
      await g.saveBaseline({ ...alice({ principal: 'bob', places: [] }), since: D(5) });
      expect(await g.pruneBaselines(D(10))).toBe(1);
      expect(await g.baseline('bob')).toBeUndefined();
      expect(await g.baseline(alice().principal)).toBeDefined();
      expect(await g.pruneBaselines(D(21))).toBe(1);
      expect(await g.baseline(alice().principal)).toBeUndefined();
    });

    it('keeps where the scheduled scan got to', async () => {
      const g = open();
      expect(await g.scanCursor()).toBeUndefined();
      await g.setScanCursor(D(3));
      await g.setScanCursor(D(4));
      expect(await g.scanCursor()).toEqual(D(4));
    });
  });
}
