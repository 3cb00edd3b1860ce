import { describe, expect, it } from 'vitest';
import type { Doc, DocBlock } from '../../src/present/doc.js';
import { mrkdwn, toSlack } from '../../src/slack/blocks.js';
import { escapeMrkdwn, literal } from '../../src/slack/escape.js';
import { SLACK_LIMITS } from '../../src/slack/limits.js';
import { assertInert, texts } from '../helpers/slack.js';

describe('escaping', () => {
  it('turns &, < and > into entities', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> <https://evil|click>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|click&gt;',
    );
  });

  it('shows outside values as inert inline code', () => {
    expect(literal('*bold* _it_ ~s~')).toBe('`*bold* _it_ ~s~`');
    expect(literal('a`b')).toBe('`aˋb`');
    expect(literal('line1\nline2')).toBe('`line1⏎line2`');
    expect(literal('')).toBe('` `');
    expect(literal('x'.repeat(600))).toHaveLength(502);
    assertInert(literal('<!here> <https://evil.example|login>'));
  });

  it('escapes our own words and link texts too', () => {
    const s = mrkdwn([
      '<!channel>',
      { bold: '<@U1>' },
      { link: { url: 'https://console.aws.amazon.com/x?a=1&b=<2>', text: 'open|now' } },
    ]);
    expect(s).toBe(
      '&lt;!channel&gt;*&lt;@U1&gt;*<https://console.aws.amazon.com/x?a=1&amp;b=%3C2%3E|open¦now>',
    );
  });
});

describe('toSlack', () => {
  const item = (i: number): DocBlock[] => [{ type: 'text', parts: [`item ${i}`] }, { type: 'divider' }];

  it('stays within 50 blocks and says how many more there are', () => {
    const doc: Doc = {
      summary: ['many'],
      blocks: [
        { type: 'header', text: 'Many' },
        {
          type: 'items',
          items: Array.from({ length: 100 }, (_, i) => item(i)),
          noun: 'things',
          overflowHint: 'Use --json.',
        },
        { type: 'context', parts: ['footer'] },
      ],
    };
    const msg = toSlack(doc);
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    const all = texts(msg.blocks);
    // 50 blocks less the header, the footer and the "more" line hold 23 items of two blocks.
    expect(all).toContain('…and 77 more things. Use --json.');
    expect(all.at(-1)).toBe('footer');
  });

  it('splits long preformatted text into several code blocks between lines', () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const msg = toSlack({ summary: ['ddl'], blocks: [{ type: 'code', text }] });
    const bodies = texts(msg.blocks);
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) {
      expect(b.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(b.startsWith('```') && b.endsWith('```')).toBe(true);
    }
    expect(bodies.map((b) => b.slice(3, -3)).join('\n')).toBe(text);
  });

  it('cuts long texts to Slack limits and splits more than ten fields', () => {
    const long = 'y'.repeat(5000);
    const msg = toSlack({
      summary: [long],
      blocks: [
        { type: 'header', text: long },
        { type: 'text', parts: [long] },
        { type: 'fields', fields: Array.from({ length: 12 }, (_, i) => ({ label: `f${i}`, value: [long] })) },
      ],
    });
    expect(msg.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const [header, section, fields1, fields2] = msg.blocks as {
      text?: { text: string };
      fields?: { text: string }[];
    }[];
    expect(header?.text?.text.length).toBe(SLACK_LIMITS.headerText);
    expect(section?.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(section?.text?.text.length).toBeGreaterThan(SLACK_LIMITS.sectionText - 10);
    expect(section?.text?.text.endsWith('…')).toBe(true);
    expect(fields1?.fields).toHaveLength(10);
    expect(fields2?.fields).toHaveLength(2);
    for (const f of [...(fields1?.fields ?? []), ...(fields2?.fields ?? [])])
      expect(f.text.length).toBeLessThanOrEqual(2000);
  });
});
