import type { Place } from '../geo/place.js';
import { placeWords } from '../geo/place.js';
import type { Inline } from './doc.js';

/**
 * A source address with where it is: `198.51.100.7 (NL · AS1136 KPN)` — in Slack with the country's flag
 * — or `10.0.0.5 (private network (RFC 1918))`; AWS's own names and values that are no address as they
 * are. Everything from the data is a literal.
 */
export function addressParts(
  value: string | undefined,
  place: Place | undefined,
  missing = 'unknown',
): Inline[] {
  if (value === undefined) return [{ lit: missing }];
  if (!place || place.kind === 'internal' || place.kind === 'service' || place.kind === 'unknown')
    return [{ lit: value }];
  const flag: Inline[] = place.kind === 'public' && place.country ? [{ flag: place.country }] : [];
  return [{ lit: value }, ' (', ...flag, { lit: placeWords(place) }, ')'];
}
