import { LRUCache } from 'lru-cache';
import { classifySource, type Place } from './place.js';

/** One database: what it is called and how old it is, as every answer that used it says. */
export interface GeoSource {
  /** "geo-whois-asn-country (2026-06-17)". */
  readonly about: string;
  /** When its data was built, to warn when it grows old. */
  readonly builtAt?: Date | undefined;
}

/** A database of countries by address (ISO 3166-1 alpha-2 codes). */
export interface CountryDb extends GeoSource {
  country(ip: string): string | undefined;
}

/** A database of networks (autonomous systems) by address. */
export interface NetworkDb extends GeoSource {
  network(ip: string): { asn: number; org?: string | undefined } | undefined;
}

/**
 * Where sourceIPAddress values are: public addresses looked up in the country and network databases,
 * everything else labelled without a lookup. Answers are cached (addresses repeat in any log).
 */
export class GeoLocator {
  readonly #cache: LRUCache<string, Place>;

  constructor(
    readonly dbs: { country?: CountryDb | undefined; network?: NetworkDb | undefined },
    cacheSize = 100_000,
  ) {
    this.#cache = new LRUCache({ max: cacheSize });
  }

  /** The place of one sourceIPAddress value; undefined when the event has none. */
  locate(source: string | undefined): Place | undefined {
    if (source === undefined || source === '') return undefined;
    const hit = this.#cache.get(source);
    if (hit) return hit;
    const p = classifySource(source);
    const place: Place =
      p.kind === 'public'
        ? {
            ...p,
            country: this.dbs.country?.country(p.ip),
            ...((n) => (n ? { asn: n.asn, org: n.org } : {}))(this.dbs.network?.network(p.ip)),
          }
        : p;
    this.#cache.set(source, place);
    return place;
  }

  /** The databases used, for the answer: "countries: …; networks: …". */
  about(): string {
    return [
      this.dbs.country && `countries from ${this.dbs.country.about}`,
      this.dbs.network && `networks from ${this.dbs.network.about}`,
    ]
      .filter(Boolean)
      .join('; ');
  }

  /** The oldest build date of the databases, when known. */
  oldest(): Date | undefined {
    const dates = [this.dbs.country?.builtAt, this.dbs.network?.builtAt].filter((d): d is Date => !!d);
    return dates.sort((a, b) => a.getTime() - b.getTime())[0];
  }
}
