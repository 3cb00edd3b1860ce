import { SLACK_USER_ID } from '../slack/ids.js';
import { formatInZone, formatUtc, rangeLength, type TimeRange } from '../time.js';

/**
 * A small document model that presenters build and the two fronts write: Block Kit for Slack
 * (src/slack/blocks.ts) and plain text for the terminal (src/terminal/text.ts). Presenters never write
 * mrkdwn themselves, so escaping happens in one place.
 */

/** A run of inline content. A bare string is our own words; `lit` is data from outside. */
export type Inline =
  | string
  | { bold: string }
  | { lit: string }
  /** A link; `terse`: the terminal shows its text alone (a console link on every event line). */
  | { link: { url: string; text: string }; terse?: boolean }
  /** A Slack user (U…/W…) or user group (S…) to notify, ids only, checked when written; or the whole channel. */
  | { mention: Mention }
  /**
   * A moment: in Slack a date token each reader sees in their own zone; in the terminal UTC (or --tz).
   * A document kept as JSON (the outbox) holds it as its ISO string; `moment` reads either.
   */
  | { time: Date | string }
  /** A country's flag (ISO 3166-1 alpha-2): an emoji in Slack, nothing in the terminal. */
  | { flag: string };

/** Who a mention notifies. */
export type Mention = { user: string } | { group: string } | { channel: true };

/** A label and its value, shown as a Block Kit field or "label: value". */
export interface Field {
  label: string;
  value: Inline[];
}

/** A block of a document. */
export type DocBlock =
  | { type: 'header'; text: string }
  | { type: 'text'; parts: Inline[] }
  | { type: 'fields'; fields: Field[] }
  | { type: 'context'; parts: Inline[] }
  | { type: 'divider' }
  /** Preformatted text shown as is: SQL, a policy. Our own text only. */
  | { type: 'code'; text: string }
  /** Buttons (Slack only; the terminal has nothing to click). */
  | { type: 'buttons'; buttons: { text: string; actionId: string; value: string; danger?: boolean }[] }
  /**
   * A list of items kept or dropped whole: when a message cannot hold them all, the writer shows as
   * many as fit and then "…and N more {noun}" with `overflowHint`.
   */
  | { type: 'items'; items: DocBlock[][]; noun: string; overflowHint?: string | undefined };

/** What a presenter returns: the blocks and a one-line summary (the notification text). */
export interface Doc {
  summary: Inline[];
  blocks: DocBlock[];
}

/** Plain text of inline content, for the terminal and for lengths; times in UTC or in `zone`. */
export function plain(parts: Inline[], zone?: string): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('bold' in p) return p.bold;
      if ('lit' in p) return p.lit;
      if ('mention' in p) {
        const m = p.mention;
        return 'user' in m ? `@${m.user}` : 'group' in m ? `@${m.group}` : '@channel';
      }
      if ('time' in p) return zone ? formatInZone(moment(p.time), zone) : formatUtc(moment(p.time));
      if ('flag' in p) return '';
      return p.terse ? p.link.text : `${p.link.text} (${p.link.url})`;
    })
    .join('');
}

/** A time inline's moment, whether a Date or (from a document kept as JSON) its ISO string. */
export function moment(t: Date | string): Date {
  return typeof t === 'string' ? new Date(t) : t;
}

/** A range as it reads in an answer: "start – end (7 days)". */
export function rangeParts(r: Pick<TimeRange, 'start' | 'end'>): Inline[] {
  return [{ time: r.start }, ' – ', { time: r.end }, ` (${rangeLength(r)})`];
}

/** "first → last", or the one time when they are the same. */
export function span(first: Date, last: Date): Inline[] {
  return first.getTime() === last.getTime() ? [{ time: first }] : [{ time: first }, ' → ', { time: last }];
}

/** A person: a Slack user id is mentioned, anything else (an email, a login) shown as it is. */
export function person(id: string): Inline {
  return SLACK_USER_ID.test(id) ? { mention: { user: id } } : { lit: id };
}
