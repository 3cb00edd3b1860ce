import { describe, expect, it } from 'vitest';
import type { KeptAnswers } from '../../src/answers/kept.js';

const T = (h: number) => new Date(Date.UTC(2026, 11, 2, h));

/** The KeptAnswers contract, for every implementation: `open` gives a fresh store. */
export function keptAnswersContract(name: string, open: () => KeptAnswers): void {
  describe(`KeptAnswers contract: ${name}`, () => {
    it('gives back a kept answer as it was until it expires, and nothing for an unknown id', async () => {
      const answers = open();
      const body = JSON.stringify({ text: 'Answer — ✓', blocks: [{ type: 'section' }] });
      await answers.keep({
        id: 'a1',
        owner: 'U0ALICE',
        channel: 'C0SEC',
        words: 'who-deleted x',
        body,
        expiresAt: T(10),
      });
      expect(await answers.kept('a1', T(9))).toEqual({
        id: 'a1',
        owner: 'U0ALICE',
        channel: 'C0SEC',
        words: 'who-deleted x',
        body,
        expiresAt: T(10),
      });
      expect(await answers.kept('a1', T(10))).toBeUndefined();
      expect(await answers.kept('a2', T(9))).toBeUndefined();
    });
  });
}
