import { resolve } from 'node:path';
import type { Config } from '../../config.js';
import type { GeoLocator } from '../../geo/locator.js';
import { placed } from '../../geo/placed-source.js';
import { LocalSource } from './local.js';
import type { EventSource, SourceChoice, SourceName } from './types.js';

/** The source a choice names: `--logs` means the local one; otherwise the choice's, or the configured one. */
export function sourceNameOf(choice: SourceChoice, config: Config): SourceName {
  return choice.logs !== undefined ? 'local' : (choice.source ?? config.TRAIL_SOURCE);
}

/**
 * The local sources (one per folder and index, kept), with places when a locator is given. Nothing here
 * loads the AWS SDK: a terminal question over log files starts without it.
 */
export function localSources(config: Config, locator?: (() => GeoLocator | undefined) | undefined) {
  const locals = new Map<string, LocalSource>();
  const local = (dir: string, index = config.TRAIL_INDEX_DIR) => {
    const key = `${resolve(dir)}\n${index ? resolve(index) : ''}`;
    let s = locals.get(key);
    if (!s) {
      s = new LocalSource({ dir, memoryLimit: config.TRAIL_LOCAL_MEMORY_LIMIT, index });
      locals.set(key, s);
    }
    return s;
  };
  const withPlaces = (s: EventSource): EventSource => (locator ? placed(s, locator) : s);
  return {
    local,
    withPlaces,
    /** The local source of a choice that names it (see sourceNameOf). */
    get: (choice: SourceChoice): EventSource =>
      withPlaces(local(choice.logs ?? config.TRAIL_LOGS_DIR, choice.index ?? config.TRAIL_INDEX_DIR)),
  };
}
