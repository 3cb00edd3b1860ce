import { StaleWriteError } from './repository.js';

/** Outbox priorities: a person's click goes before background work. */
export const PRIORITY = { click: 0, background: 1 } as const;

/**
 * Run `fn` again (it reads afresh) when a save in it lost to a change made since its read — another
 * replica's click or message — up to `tries` times.
 */
export async function retryStale<T>(fn: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof StaleWriteError) || i >= tries) throw err;
    }
  }
}
