import type { EventSource } from '../trail/sources/types.js';
import type { GeoLocator } from './locator.js';

/**
 * A source whose events come back with their places: every event's sourceIPAddress located (public
 * addresses looked up, the rest labelled), and the answer saying which databases were used.
 */
export function placed(source: EventSource, locator: () => GeoLocator | undefined): EventSource {
  return {
    name: source.name,
    describe: () => source.describe(),
    async search(q, o) {
      const r = await source.search(q, o);
      const l = locator();
      if (!l) return r;
      for (const e of r.events) e.place = l.locate(e.sourceIp);
      return { ...r, geo: { about: l.about(), builtAt: l.oldest() } };
    },
  };
}
