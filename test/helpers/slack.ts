import { expect } from 'vitest';

/** Every piece of mrkdwn text in a message. */
export function texts(blocks: unknown[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

/** Nothing in the text can ping, link or open a control sequence. */
export function assertInert(text: string) {
  expect(text).not.toMatch(/<[!@#]/);
  expect(text).not.toMatch(/<https?:/);
  expect(text).not.toMatch(/<[^>]*\|/);
}

/** The text with its inline code spans removed: what Slack would format, link or auto-link. */
export function outsideCode(text: string): string {
  return text.replace(/`[^`]*`/g, '');
}
