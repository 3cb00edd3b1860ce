import { cancelValue } from '../slack/buttons.js';
import { ACTION_IDS } from '../slack/ids.js';
import type { Doc, Inline } from './doc.js';

/** A question's progress: what it is doing, and a Cancel button while an Athena query runs. */
export function presentProgress(
  working: Inline[],
  note: string,
  queryId: string | undefined,
  userId: string,
): Doc {
  const parts: Inline[] = [...working, ' ', { lit: note }];
  return {
    summary: parts,
    blocks: [
      { type: 'context', parts },
      ...(queryId
        ? [
            {
              type: 'buttons' as const,
              buttons: [
                {
                  text: 'Cancel the query',
                  actionId: ACTION_IDS.cancelQuery,
                  value: cancelValue({ queryId, userId }),
                  danger: true,
                },
              ],
            },
          ]
        : []),
    ],
  };
}

/** What a click on Cancel answers. */
export function presentCancel(outcome: 'cancelling' | 'not-yours'): Doc {
  const text =
    outcome === 'cancelling'
      ? 'Cancelling the Athena query; the answer will say it was cancelled.'
      : 'Only the person who asked can cancel this query.';
  return { summary: [text], blocks: [{ type: 'context', parts: [text] }] };
}

/** "[#########...........] 45 %": a bar for a progress line (the terminal's, the log's). */
export function progressBar(done: number, total: number, width = 24): string {
  const f = total ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${Math.round(f * 100)} %`;
}
