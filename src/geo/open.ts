import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { csvNetwork } from './asn-table.js';
import { GeoLocator, type NetworkDb } from './locator.js';
import { mmdbCountry, mmdbNetwork } from './mmdb.js';

const require = createRequire(import.meta.url);

/** The default databases, installed from the npm registry with Trailbot. */
export const DEFAULT_COUNTRY_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
export const DEFAULT_ASN_PACKAGE = '@ip-location-db/asn';

/** A database older than this is said to be old in the log at start. */
const OLD_AFTER_DAYS = 90;

/** ip-location-db versions end in the build's date and hour: 2.3.2026061719 → 2026-06-17. */
function packageDate(version: string): Date | undefined {
  const m = /\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(version);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : undefined;
}

function defaultNetwork(cacheDir: string | undefined, log?: Logger): NetworkDb {
  const pkg = JSON.parse(readFileSync(require.resolve(`${DEFAULT_ASN_PACKAGE}/package.json`), 'utf8')) as {
    version: string;
  };
  const builtAt = packageDate(pkg.version);
  return csvNetwork({
    v4Csv: require.resolve(`${DEFAULT_ASN_PACKAGE}/asn-ipv4-num.csv`),
    v6Csv: require.resolve(`${DEFAULT_ASN_PACKAGE}/asn-ipv6.csv`),
    version: pkg.version,
    cacheDir,
    about: `ip-location-db asn ${pkg.version} (CC BY 4.0: RouteViews, DB-IP, NRO${builtAt ? `; built ${builtAt.toISOString().slice(0, 10)}` : ''})`,
    builtAt,
    onCompile: (ms, cached) =>
      log?.info(
        { ms, cached, cacheDir },
        cached ? 'ASN database compiled and cached' : 'ASN database compiled (cache not writable)',
      ),
  });
}

/** Where compiled databases are kept: TRAIL_GEOIP_CACHE_DIR, else ~/.cache/trailbot. */
export function geoCacheDir(config: Pick<Config, 'TRAIL_GEOIP_CACHE_DIR'>): string | undefined {
  if (config.TRAIL_GEOIP_CACHE_DIR) return config.TRAIL_GEOIP_CACHE_DIR;
  try {
    return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'trailbot');
  } catch {
    return undefined;
  }
}

/**
 * The locator the config asks for: TRAIL_GEOIP_COUNTRY_DB and TRAIL_GEOIP_ASN_DB (MaxMind-format files)
 * or the shipped defaults; undefined when TRAIL_GEOIP is off. Says in the log which databases, and warns
 * when one is older than 90 days.
 */
export function openGeo(
  config: Pick<
    Config,
    'TRAIL_GEOIP' | 'TRAIL_GEOIP_COUNTRY_DB' | 'TRAIL_GEOIP_ASN_DB' | 'TRAIL_GEOIP_CACHE_DIR'
  >,
  now: Date,
  log?: Logger,
): GeoLocator | undefined {
  if (!config.TRAIL_GEOIP) return undefined;
  const country = mmdbCountry(
    config.TRAIL_GEOIP_COUNTRY_DB ?? require.resolve(`${DEFAULT_COUNTRY_PACKAGE}/geo-whois-asn-country.mmdb`),
  );
  const network = config.TRAIL_GEOIP_ASN_DB
    ? mmdbNetwork(config.TRAIL_GEOIP_ASN_DB)
    : defaultNetwork(geoCacheDir(config), log);
  const locator = new GeoLocator({ country, network });
  const oldest = locator.oldest();
  // Said in every answer too; here once, for the operator.
  if (oldest && now.getTime() - oldest.getTime() > OLD_AFTER_DAYS * 86_400_000)
    log?.info(
      { databases: locator.about(), builtAt: oldest },
      `an IP database is more than ${OLD_AFTER_DAYS} days old: point TRAIL_GEOIP_COUNTRY_DB / TRAIL_GEOIP_ASN_DB at newer files`,
    );
  return locator;
}

/** The locator opened on first use, once: a question that shows no address never reads the databases. */
export function lazyGeo(
  config: Parameters<typeof openGeo>[0],
  now: () => Date,
  log?: Logger,
): () => GeoLocator | undefined {
  let opened: { locator: GeoLocator | undefined } | undefined;
  return () => {
    if (!opened) opened = { locator: openGeo(config, now(), log) };
    return opened.locator;
  };
}
