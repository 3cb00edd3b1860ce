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

/** Our date token (src/slack/blocks.ts): each reader's own zone, UTC as its fallback. */
export const DATE_TOKEN =
  /<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ>/g;

/** How a moment (ISO) is written in Slack: the date token with its UTC fallback. */
export function slackTime(iso: string): string {
  const d = new Date(iso);
  return `<!date^${d.getTime() / 1000}^{date_short_pretty} {time_secs}|${d.toISOString().slice(0, 19)}Z>`;
}

/** The text with our date tokens taken out: what is left is outside data and our words. */
export function withoutDates(text: string): string {
  return text.replace(DATE_TOKEN, '');
}

/** Nothing in the text can ping, link or open a control sequence (our date tokens aside). */
export function assertInert(given: string) {
  const text = withoutDates(given);
  expect(text).not.toMatch(/<[!@#]/);
  expect(text).not.toMatch(/<https?:/);
  expect(text).not.toMatch(/<[^>]*\|/);
}

/** The text with its inline code spans removed: what Slack would format, link or auto-link. */
export function outsideCode(text: string): string {
  return text.replace(/`[^`]*`/g, '');
}
