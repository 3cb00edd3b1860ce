import { hostname } from 'node:os';
import type { CommandDeps } from '../src/deps.js';
import { scanPlaces } from '../src/geo/scan.js';
import type { AlertRuntime } from './alert-runtime.js';

/**
 * The new-place scan on a schedule (TRAIL_GEO_SCAN_EVERY): each run claimed by one replica, never two
 * at once in this process; the first run seeds the baselines (its progress in the log).
 */
export function startGeoScan(
  deps: Pick<CommandDeps, 'config' | 'now' | 'logger' | 'sources'>,
  alerts: AlertRuntime,
  everyMs: number,
): { stop: () => Promise<void> } {
  const log = deps.logger.child({ component: 'geo-scan' });
  const replica = deps.config.TRAIL_REPLICA_ID ?? hostname();
  let running: Promise<void> | undefined;
  const run = async () => {
    const now = deps.now();
    const slot = Math.floor(now.getTime() / everyMs);
    if (
      !(await alerts.store.claims.claim(`geo-scan:${slot}`, replica, now, new Date(now.getTime() + everyMs)))
    )
      return;
    const r = await scanPlaces({
      source: deps.sources.get({}),
      store: alerts.store,
      policy: alerts.policy,
      now,
      log,
    });
    if (r) log.info({ ...r }, r.seeded ? 'new-place baselines seeded' : 'new-place scan done');
  };
  const tick = () => {
    if (running) return;
    running = run()
      .catch((err: unknown) => log.error({ err }, 'new-place scan failed; will try at the next run'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
