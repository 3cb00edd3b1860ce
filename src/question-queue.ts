import pLimit from 'p-limit';
import { TrailbotError } from './errors.js';

/** Too many questions are waiting: the user is told to try again rather than wait unboundedly. */
export class BusyError extends TrailbotError {
  constructor(waiting: number) {
    super('busy', `Trailbot has ${waiting} questions waiting; try again in a minute.`);
  }
}

/**
 * Slow work (searching CloudTrail) runs a few at a time, so a burst of questions cannot starve the
 * process that has to acknowledge Slack within 3 seconds; the rest wait their turn, up to a bound.
 */
export interface QuestionQueue {
  /** Questions waiting for a turn. */
  waiting(): number;
  /** True when another question would be refused. */
  full(): boolean;
  /** Run `fn` when a turn is free; refuses with BusyError when the queue is full. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** A queue that runs `concurrency` questions at once and holds at most `maxWaiting` more. */
export function questionQueue(concurrency: number, maxWaiting: number): QuestionQueue {
  const limit = pLimit(concurrency);
  return {
    waiting: () => limit.pendingCount,
    full: () => limit.activeCount >= concurrency && limit.pendingCount >= maxWaiting,
    run(fn) {
      if (this.full()) return Promise.reject(new BusyError(limit.pendingCount));
      return limit(fn);
    },
  };
}
