import { resolve } from 'node:path';
import { openGeo } from '../src/geo/open.js';

/**
 * Once, before any test file: the shipped ASN data compiled into the checkout's cache (what every test
 * that places an address opens), so the test processes do not each compile it at the same time on a
 * fresh clone (~2 s of CPU apiece, enough to push a loaded 2-core machine past a test's wait).
 */
export function setup(): void {
  openGeo(
    {
      TRAIL_GEOIP: true,
      TRAIL_GEOIP_COUNTRY_DB: undefined,
      TRAIL_GEOIP_ASN_DB: undefined,
      TRAIL_GEOIP_CACHE_DIR: resolve(import.meta.dirname, '..', 'node_modules', '.cache', 'trailbot'),
    },
    new Date(),
  );
}
