import type { Place } from '../geo/place.js';
import { ago } from '../time.js';
import { isFailure, type TrailEvent } from '../trail/event.js';
import { BY, type Group, groupBy, type Investigation } from '../trail/investigate.js';
import { type ConsoleLinker, consoleLinker, linked } from './console.js';
import { type Doc, type DocBlock, type Inline, span } from './doc.js';
import { askButtons, eventFollowUps } from './follow-ups.js';
import { addressParts } from './place.js';
import { plural, scopeBlocks } from './who-deleted.js';

/** Rows of a summary shown before "and N more". */
const GROUP_ROWS = 10;
/** Newest events listed; the rest are counted. */
const NEWEST = 25;

function groupBlock(g: Group, places: ReadonlyMap<string, Place | undefined>): DocBlock {
  const parts: Inline[] = [{ bold: g.title }];
  for (const r of g.rows.slice(0, GROUP_ROWS)) {
    const failed = r.failures ? `, ${r.failures} failed` : '';
    // Source addresses show where they are; other keys are literals.
    const key = g.title === BY.sourceIp.title ? addressParts(r.key, places.get(r.key)) : [{ lit: r.key }];
    parts.push('\n', ...key, ` — ${r.count}${failed}; `, ...span(r.first, r.last));
  }
  if (g.rows.length > GROUP_ROWS) parts.push(`\n…and ${g.rows.length - GROUP_ROWS} more`);
  return { type: 'text', parts };
}

/** One event on one line: when, who, what, from where, and the error if it failed. */
export function eventLine(e: TrailEvent, links: ConsoleLinker = consoleLinker()): Inline[] {
  const parts: Inline[] = [
    { time: e.time },
    '  ',
    { lit: e.principal.display },
    '  ',
    // The event's own page in CloudTrail's event history (Slack; the terminal shows the name alone).
    linked(
      links,
      e.name,
      { kind: 'event', id: e.id, region: e.region },
      { account: e.account, region: e.region },
      true,
    ),
    '  from ',
    ...addressParts(e.sourceIp, e.place),
    '  in ',
    { lit: e.region },
  ];
  if (e.errorCode) parts.push('  failed: ', { lit: e.errorCode });
  else if (isFailure(e)) parts.push('  failed: ', { lit: e.errorMessage ?? 'Failure' });
  return parts;
}

/**
 * An investigation's answer: the verdict first (how many events, by whom, first and last), then the
 * summaries, then the newest events, then what was searched.
 */
export function presentInvestigation(
  inv: Investigation,
  now: Date,
  links: ConsoleLinker = consoleLinker(),
): Doc {
  const { events, search } = inv;
  const blocks: DocBlock[] = [
    // The subject quotes the user's words: it stays out of the header, as a literal below it.
    { type: 'header', text: 'CloudTrail answer' },
    { type: 'text', parts: [{ bold: 'Question: ' }, { lit: inv.subject }] },
  ];
  let summary: Inline[];
  if (events.length === 0) {
    // The subject quotes the user's words: a literal, so it cannot format.
    summary = ['No events: ', { lit: inv.subject }, '.'];
    blocks.push({
      type: 'text',
      parts: [{ bold: 'Answer: ' }, `no events in ${plural(search.examined, 'event')} examined.`],
    });
  } else {
    const newest = events[0] as TrailEvent;
    const oldest = events[events.length - 1] as TrailEvent;
    const failures = events.filter(isFailure).length;
    const principals = new Set(events.map((e) => e.principal.arn ?? e.principal.display));
    const ips = new Set(events.map((e) => e.sourceIp).filter(Boolean));
    const shown = search.matched > events.length ? ` (the newest ${events.length} summarised)` : '';
    summary = [
      `${plural(search.matched, 'event')}: `,
      { lit: inv.subject },
      '; last at ',
      { time: newest.time },
      '.',
    ];
    blocks.push({
      type: 'text',
      parts: [
        { bold: 'Answer: ' },
        `${plural(search.matched, 'event')}${shown}, ${failures} failed, by ${plural(principals.size, 'principal')} `,
        `from ${plural(ips.size, 'address', 'addresses')}. First `,
        { time: oldest.time },
        ', last ',
        { time: newest.time },
        ' ',
        `(${ago(newest.time, now)}). Most active: `,
        { lit: groupBy(events, BY.principal).rows[0]?.key ?? newest.principal.display },
        '.',
      ],
    });
    const places = new Map(events.map((e) => [e.sourceIp ?? '', e.place]));
    for (const g of inv.groups) if (g.rows.length) blocks.push(groupBlock(g, places));
    blocks.push({ type: 'text', parts: [{ bold: `Newest ${Math.min(NEWEST, events.length)} events` }] });
    blocks.push({
      type: 'items',
      items: events.slice(0, NEWEST).map((e) => [{ type: 'context', parts: eventLine(e, links) }]),
      noun: 'events',
      overflowHint: 'Run the same question in the terminal with --json for all of them.',
    });
    if (events.length > NEWEST) {
      blocks.push({ type: 'context', parts: [`…and ${events.length - NEWEST} older events.`] });
    }
  }
  blocks.push(...scopeBlocks({ range: inv.range, search }, now));
  // The next questions about the newest event, answered in this answer's thread.
  if (events[0]) blocks.push(...askButtons(eventFollowUps(events[0]), true));
  return { summary, blocks };
}
