import type { Block, KnownBlock } from '@slack/types';
import { type Doc, type DocBlock, type Inline, type Mention, moment } from '../present/doc.js';
import { visible } from '../present/visible.js';
import { isoSeconds } from '../time.js';
import { escapeMrkdwn, literal } from './escape.js';
import { SLACK_USER_ID } from './ids.js';
import { SLACK_LIMITS as L } from './limits.js';

/** A message ready for chat.postMessage or response_url. */
export interface SlackMessage {
  text: string;
  blocks: (KnownBlock | Block)[];
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Cut mrkdwn to `max` characters without breaking it: never inside an entity (&lt;) or one of our own
 * <…> links and mentions, and an inline code span cut open is closed again, so the rest of the message
 * cannot fall into it.
 */
function cutMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  let t = s.slice(0, max - 2).replace(/&[a-z]{0,4}$/, '');
  const open = t.lastIndexOf('<');
  if (open > t.lastIndexOf('>')) t = t.slice(0, open);
  return (t.match(/`/g) ?? []).length % 2 ? `${t}…\`` : `${t}…`;
}

/** A mention only when the id is one Slack issues; anything else is shown as a literal. */
function mention(m: Mention): string {
  if ('channel' in m) return '<!channel>';
  if ('user' in m) return SLACK_USER_ID.test(m.user) ? `<@${m.user}>` : literal(m.user);
  return /^S[A-Z0-9]{2,20}$/.test(m.group) ? `<!subteam^${m.group}>` : literal(m.group);
}

/**
 * A moment as Slack's date token: each reader sees it in their own zone and locale; clients that cannot
 * render it show the fallback, the time in UTC.
 */
function dateToken(d: Date): string {
  return `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time_secs}|${isoSeconds(d)}>`;
}

/** A country code as its flag: two regional indicator symbols; anything but two letters shows nothing. */
function flagEmoji(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return '';
  return `${String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65))} `;
}

/** Inline content as mrkdwn; every string goes through escaping, outside data through `literal`. */
export function mrkdwn(parts: Inline[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return escapeMrkdwn(p);
      if ('bold' in p) return `*${escapeMrkdwn(p.bold)}*`;
      if ('lit' in p) return literal(p.lit);
      if ('mention' in p) return mention(p.mention);
      if ('time' in p) return dateToken(moment(p.time));
      if ('flag' in p) return flagEmoji(p.flag);
      const url = p.link.url.replace(/[<>|\s]/g, encodeURIComponent);
      return `<${escapeMrkdwn(url)}|${escapeMrkdwn(p.link.text.replace(/[|]/g, '¦'))}>`;
    })
    .join('');
}

function blockOf(b: Exclude<DocBlock, { type: 'items' }>): KnownBlock[] {
  switch (b.type) {
    case 'header':
      return [
        {
          type: 'header',
          text: { type: 'plain_text', text: cut(visible(b.text), L.headerText), emoji: true },
        },
      ];
    case 'text':
      return [{ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(mrkdwn(b.parts), L.sectionText) } }];
    case 'context':
      return [
        { type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(mrkdwn(b.parts), L.sectionText) }] },
      ];
    case 'divider':
      return [{ type: 'divider' }];
    case 'buttons':
      return [
        {
          type: 'actions',
          elements: b.buttons.map((x) => ({
            type: 'button' as const,
            text: { type: 'plain_text' as const, text: cut(visible(x.text), 75) },
            action_id: x.actionId,
            value: x.value,
            ...(x.danger ? { style: 'danger' as const } : {}),
          })),
        },
      ];
    case 'code': {
      // A code block cannot hold three backticks, and a section holds 3,000 characters: long text goes
      // into several blocks, split between lines.
      const lines = escapeMrkdwn(b.text.replace(/```/g, 'ˋˋˋ')).split('\n');
      const chunks: string[] = [];
      let cur = '';
      for (const line of lines) {
        const piece = cut(line, L.sectionText - 8);
        if (cur && cur.length + piece.length + 1 > L.sectionText - 8) {
          chunks.push(cur);
          cur = piece;
        } else cur = cur ? `${cur}\n${piece}` : piece;
      }
      if (cur) chunks.push(cur);
      return chunks.map((c) => ({
        type: 'section' as const,
        text: { type: 'mrkdwn' as const, text: `\`\`\`${c}\`\`\`` },
      }));
    }
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < b.fields.length; i += L.sectionFields) {
        out.push({
          type: 'section',
          fields: b.fields.slice(i, i + L.sectionFields).map((f) => ({
            type: 'mrkdwn' as const,
            text: cutMrkdwn(`*${escapeMrkdwn(f.label)}*\n${mrkdwn(f.value)}`, L.fieldText),
          })),
        });
      }
      return out;
    }
  }
}

/**
 * Write a document as a Slack message within Slack's limits: lists that do not fit end with
 * "…and N more", and the message never holds more than 50 blocks.
 */
export function toSlack(doc: Doc, maxBlocks: number = L.blocksPerMessage): SlackMessage {
  const text = cutMrkdwn(mrkdwn(doc.summary), L.messageText);
  const fixed = doc.blocks.filter((b) => b.type !== 'items').flatMap((b) => blockOf(b as never)).length;
  const lists = doc.blocks.filter((b) => b.type === 'items').length;
  // What the lists may use: the budget less fixed blocks and one "and N more" line per list.
  let budget = maxBlocks - fixed - lists;
  const blocks: KnownBlock[] = [];
  for (const b of doc.blocks) {
    if (b.type !== 'items') {
      blocks.push(...blockOf(b));
      continue;
    }
    let shown = 0;
    for (const item of b.items) {
      const rendered = item.flatMap((x) => (x.type === 'items' ? [] : blockOf(x)));
      if (rendered.length > budget) break;
      blocks.push(...rendered);
      budget -= rendered.length;
      shown++;
    }
    const rest = b.items.length - shown;
    if (rest > 0) {
      const hint = b.overflowHint ? ` ${b.overflowHint}` : '';
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`…and ${rest} more ${b.noun}.${hint}`) }],
      });
    }
  }
  return { text, blocks: blocks.slice(0, maxBlocks) };
}
