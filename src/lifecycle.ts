import type { RunningServer } from './server.js';

/** The longest a stop may take before the process exits anyway: inside the 10 s orchestrators allow. */
export const STOP_DEADLINE_MS = 9_000;

/** How long a stop drains the outbox before closing: what is left goes on at the next start. */
export const DRAIN_MS = 5_000;

/**
 * Stop cleanly on SIGTERM and SIGINT: intake stops, the outbox drains for up to DRAIN_MS, the store is
 * closed, exit 0. Whatever is stuck (a Slack call that never answers, an AWS call in a backoff) cannot
 * hold the process: after STOP_DEADLINE_MS it exits anyway. Nothing accepted is lost by that — accepted
 * messages and the outbox are in the store, and a send left in flight is looked up before it is sent
 * again at the next start. Returns the stop, for an uncaught exception to use.
 */
export function stopOnSignals(
  server: Pick<RunningServer, 'stop'>,
  log: (line: Record<string, unknown>) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): (code?: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = (code = 0) => {
    stopping ??= (async () => {
      const deadline = setTimeout(() => {
        log({
          level: 40,
          msg: `stop took longer than ${STOP_DEADLINE_MS} ms; exiting with the rest in the store`,
        });
        exit(code);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      try {
        await server.stop(DRAIN_MS);
      } catch (err) {
        log({ level: 50, msg: 'stop failed', err: String((err as Error)?.stack ?? err) });
      }
      clearTimeout(deadline);
      exit(code);
    })();
    return stopping;
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  return stop;
}
