import { visible } from '../present/visible.js';

/**
 * Escape text for Slack mrkdwn: `&`, `<` and `>` become entities, so nothing can form a mention
 * (`<!channel>`, `<@U…>`) or a link (`<https://x|y>`); bidi and invisible controls are shown as
 * ⟨U+XXXX⟩, so nothing reads differently from what it says.
 */
export function escapeMrkdwn(s: string): string {
  return visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Longest outside value shown inline before it is cut with an ellipsis. */
export const MAX_LITERAL = 500;

/**
 * The one way a value from outside (a bucket name, a user agent, a request parameter) reaches mrkdwn:
 * escaped and set as inline code, where Slack applies no bold, italics, strike or links, so the value
 * reads exactly as recorded. A backtick, which would close the code span, becomes ˋ (U+02CB); line
 * breaks become ⏎.
 */
export function literal(value: string, max = MAX_LITERAL): string {
  let v = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  v = v.replace(/`/g, 'ˋ').replace(/\r\n|\r|\n/g, '⏎');
  if (v.trim() === '') return '` `';
  return `\`${escapeMrkdwn(v)}\``;
}
