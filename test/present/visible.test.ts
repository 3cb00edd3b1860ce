import { describe, expect, it } from 'vitest';
import { visible } from '../../src/present/visible.js';
import { toSlack } from '../../src/slack/blocks.js';
import { toText } from '../../src/terminal/text.js';
import { texts } from '../helpers/slack.js';

describe('hidden controls in outside text', () => {
  it('are shown as ⟨U+XXXX⟩, one by one, leaving the rest as it is', () => {
    expect(visible('invoice\u202Efdp.exe')).toBe('invoice⟨U+202E⟩fdp.exe');
    expect(visible('a\u200Bb\uFEFFc\u2066d\u2069')).toBe('a⟨U+200B⟩b⟨U+FEFF⟩c⟨U+2066⟩d⟨U+2069⟩');
    expect(visible('ordinary-bucket ünïcödé 日本')).toBe('ordinary-bucket ünïcödé 日本');
  });

  it('never reach Slack or the terminal raw, whether in a literal, a header or a button', () => {
    const name = 'payroll\u202Ekcab';
    const doc = {
      summary: ['Deleted ', { lit: name }],
      blocks: [
        { type: 'header' as const, text: `Who deleted ${name}` },
        { type: 'text' as const, parts: ['Bucket ', { lit: name }, ` (${name})`] },
        { type: 'buttons' as const, buttons: [{ text: `Investigate ${name}`, actionId: 'x', value: '{}' }] },
      ],
    };
    const slack = toSlack(doc);
    for (const t of [slack.text, ...texts(slack.blocks)]) {
      expect(t).not.toMatch(/\u202E/);
      expect(t).toContain('payroll⟨U+202E⟩kcab');
    }
    const text = toText(doc);
    expect(text).not.toMatch(/\u202E/);
    expect(text).toContain('payroll⟨U+202E⟩kcab');
  });
});
