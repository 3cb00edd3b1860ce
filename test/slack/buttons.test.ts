import { describe, expect, it } from 'vitest';
import { presentProgress } from '../../src/present/progress.js';
import { toSlack } from '../../src/slack/blocks.js';
import { cancelValue, readCancelValue } from '../../src/slack/buttons.js';
import { ACTION_IDS } from '../../src/slack/ids.js';

describe('the Cancel button', () => {
  it('reads back what it wrote', () => {
    const v = cancelValue({ queryId: 'a1b2c3d4-0000-1111-2222-333344445555', userId: 'U0ALICE' });
    expect(readCancelValue(v)).toEqual({
      queryId: 'a1b2c3d4-0000-1111-2222-333344445555',
      userId: 'U0ALICE',
    });
  });

  it.each([
    ['not JSON', 'drop table'],
    ['another version', JSON.stringify({ v: 2, k: 'cancel', q: 'a1b2c3d4', u: 'U0ALICE' })],
    ['an extra field', JSON.stringify({ v: 1, k: 'cancel', q: 'a1b2c3d4', u: 'U0ALICE', admin: true })],
    ['a query id that is not one', JSON.stringify({ v: 1, k: 'cancel', q: "'; DROP", u: 'U0ALICE' })],
    ['no value', undefined],
  ])('refuses %s clearly', (_n, value) => {
    expect(() => readCancelValue(value)).toThrow(/not one of Trailbot’s/);
  });

  it('shows while an Athena query runs, and not otherwise', () => {
    const running = toSlack(
      presentProgress(
        ['Looking into ', { lit: 'x' }, '…'],
        'Athena RUNNING, 3 s, 12.0 MB scanned',
        'a1b2c3d4',
        'U0ALICE',
      ),
    );
    const actions = running.blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements[0]?.action_id).toBe(ACTION_IDS.cancelQuery);
    expect(readCancelValue(actions.elements[0]?.value).userId).toBe('U0ALICE');
    const local = toSlack(presentProgress(['x'], 'reading 3 files', undefined, 'U0ALICE'));
    expect(local.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
