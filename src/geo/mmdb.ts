import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Reader, type Response } from 'maxmind';
import type { CountryDb, NetworkDb } from './locator.js';

/** What the country and ASN databases hold, in MaxMind's and ip-location-db's shapes. */
interface Record_ {
  country?: { iso_code?: string };
  country_code?: string;
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

function open(path: string): { reader: Reader<Record_ & Response>; about: string; builtAt: Date } {
  const reader = new Reader<Record_ & Response>(readFileSync(path));
  const builtAt = reader.metadata.buildEpoch;
  return {
    reader,
    about: `${basename(path)} (${reader.metadata.databaseType}, built ${builtAt.toISOString().slice(0, 10)})`,
    builtAt,
  };
}

/** A MaxMind-format country database: GeoLite2-Country, GeoIP2-Country, ip-location-db's country files. */
export function mmdbCountry(path: string): CountryDb {
  const { reader, about, builtAt } = open(path);
  return {
    about,
    builtAt,
    country: (ip) => {
      const r = reader.get(ip);
      const code = r?.country?.iso_code ?? r?.country_code;
      return code && /^[A-Z]{2}$/.test(code) ? code : undefined;
    },
  };
}

/** A MaxMind-format ASN database: GeoLite2-ASN, ip-location-db's asn.mmdb. */
export function mmdbNetwork(path: string): NetworkDb {
  const { reader, about, builtAt } = open(path);
  return {
    about,
    builtAt,
    network: (ip) => {
      const r = reader.get(ip);
      const asn = r?.autonomous_system_number;
      return typeof asn === 'number' ? { asn, org: r?.autonomous_system_organization } : undefined;
    },
  };
}
