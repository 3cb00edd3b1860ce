import type { CommandDeps } from '../src/deps.js';
import { progressBar } from '../src/present/progress.js';
import { connectDuckDb } from '../src/trail/sources/local.js';
import { buildIndex, IndexBusyError } from '../src/trail/sources/log-index.js';

/**
 * Keep the local index fresh (TRAIL_INDEX_DIR every TRAIL_INDEX_EVERY): at start, then on schedule,
 * never two at once (here, nor across replicas sharing the folder: a build holds the index's lock, and
 * a refresh that finds it held skips its turn); only new or changed log files are read. Progress and
 * the result go to the log.
 */
export function startIndexRefresh(
  deps: Pick<CommandDeps, 'config' | 'logger'>,
  into: string,
  everyMs: number,
): { stop: () => Promise<void> } {
  const log = deps.logger.child({ component: 'index' });
  let running: Promise<void> | undefined;
  let conn: ReturnType<typeof connectDuckDb> | undefined;
  const run = async () => {
    conn ??= connectDuckDb(deps.config.TRAIL_LOCAL_MEMORY_LIMIT);
    const r = await buildIndex({
      logs: deps.config.TRAIL_LOGS_DIR,
      into,
      conn: await conn,
      onProgress: (p) =>
        log.info(
          { done: p.done, total: p.total },
          `index refresh: ${progressBar(p.done, p.total)} ${p.note}`,
        ),
    });
    log.info({ ...r, into }, r.unchanged ? 'index up to date' : 'index refreshed');
  };
  const tick = () => {
    if (running) return;
    running = run()
      .catch((err: unknown) =>
        err instanceof IndexBusyError
          ? log.info({ into }, 'index refresh skipped: another build of it is running')
          : log.error({ err }, 'index refresh failed; questions read the previous index and raw files'),
      )
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
