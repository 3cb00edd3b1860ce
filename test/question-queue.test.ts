import { describe, expect, it } from 'vitest';
import { BusyError, questionQueue } from '../src/question-queue.js';

describe('questionQueue', () => {
  it('runs a bounded number at once and refuses beyond the waiting bound', async () => {
    const q = questionQueue(2, 1);
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const job = () =>
      q.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
      });
    const jobs = [job(), job(), job()];
    await new Promise((r) => setTimeout(r, 10));
    expect(q.waiting()).toBe(1);
    expect(q.full()).toBe(true);
    await expect(job()).rejects.toBeInstanceOf(BusyError);
    while (gates.length || running) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(jobs);
    expect(most).toBe(2);
    expect(q.full()).toBe(false);
  });
});
