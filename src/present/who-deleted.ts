import { ago, type TimeRange } from '../time.js';
import type { TrailEvent } from '../trail/event.js';
import type { Coverage, SearchResult } from '../trail/sources/types.js';
import type { Deletion, WhoDeletedAnswer } from '../trail/who-deleted.js';
import { type ConsoleLinker, consoleLinker, linked, resourceTarget } from './console.js';
import { type Doc, type DocBlock, type Field, type Inline, rangeParts } from './doc.js';
import { askButtons, eventFollowUps } from './follow-ups.js';
import { addressParts } from './place.js';

/** CloudTrail delivers within about 5 minutes, sometimes 15: recent events may be missing. */
const DELIVERY_LAG_MS = 15 * 60_000;

/** "alice" with the ARN beside it, for any principal. */
export function principalParts(e: TrailEvent): Inline[] {
  const p = e.principal;
  const parts: Inline[] = [{ lit: p.display }, ' (', { lit: p.type }, ')'];
  const arn = p.roleArn ?? p.arn;
  if (arn) parts.push(' ', { lit: arn });
  return parts;
}

function deletionItem(d: Deletion, now: Date, links: ConsoleLinker): DocBlock[] {
  const e = d.event;
  const where = { account: e.account, region: e.region };
  const target = resourceTarget(d.kind, d.resource, e.region);
  const fields: Field[] = [
    { label: 'Who', value: principalParts(e) },
    { label: 'When', value: [{ time: e.time }, `, ${ago(e.time, now)}`] },
    {
      label: 'What',
      value: [
        `${d.kind} `,
        target ? linked(links, d.resource, target, where) : { lit: d.resource },
        ' by ',
        { lit: e.name },
      ],
    },
    {
      label: 'From',
      value: [
        ...addressParts(e.sourceIp, e.place, 'unknown IP'),
        ' ',
        { lit: e.userAgent ?? 'unknown agent' },
      ],
    },
    { label: 'Where', value: [{ lit: e.region }, ', account ', { lit: e.account }] },
    { label: 'Event id', value: [linked(links, e.id, { kind: 'event', id: e.id, region: e.region }, where)] },
  ];
  if (e.principal.accessKeyId)
    fields.push({ label: 'Access key', value: [{ lit: e.principal.accessKeyId }] });
  if (e.errorCode) {
    fields.push({
      label: 'Failed with',
      value: [{ lit: e.errorCode }, ...(e.errorMessage ? [' ', { lit: e.errorMessage }] : [])],
    });
  }
  return [{ type: 'fields', fields }, { type: 'divider' }];
}

/** At most ten names, then "and N more". */
function some(xs: string[]): Inline[] {
  if (xs.length === 0) return ['none found'];
  const more = xs.length > 10 ? ` and ${xs.length - 10} more` : '';
  return [{ lit: xs.slice(0, 10).join(', ') }, more];
}

/** "1 event", "3 events". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The answer to `who-deleted`: the verdict first (who, when), then each deletion, then what was searched. */
export function presentWhoDeleted(
  a: WhoDeletedAnswer,
  now: Date,
  links: ConsoleLinker = consoleLinker(),
): Doc {
  const { question: q, deleted, attempts, search } = a;
  const target: Inline = { lit: q.target };
  const newest = deleted[0] ?? attempts[0];
  const blocks: DocBlock[] = [];
  let summary: Inline[];
  if (!newest) {
    summary = ['No deletion of ', target, ' found.'];
    blocks.push({ type: 'header', text: 'No deletion found' });
    blocks.push({
      type: 'text',
      parts: ['No deletion of ', target, ` found in ${plural(search.examined, 'event')} examined.`],
    });
  } else {
    const e = newest.event;
    const verb = deleted[0] ? 'deleted' : 'tried to delete';
    summary = [
      { lit: e.principal.display },
      ` ${verb} `,
      target,
      ' at ',
      { time: e.time },
      ` (${ago(e.time, now)}).`,
    ];
    blocks.push({ type: 'header', text: deleted[0] ? 'Deletion found' : 'Failed deletion attempts found' });
    blocks.push({
      type: 'text',
      parts: [
        { bold: 'Answer: ' },
        { lit: e.principal.display },
        ` ${verb} `,
        target,
        ' at ',
        { time: e.time },
        ` (${ago(e.time, now)}). `,
        `${plural(deleted.length, 'deletion')} and ${plural(attempts.length, 'failed attempt')}.`,
      ],
    });
  }
  const hint = 'Run `trail who-deleted … --json` in the terminal for all of them.';
  if (deleted.length) {
    blocks.push({ type: 'text', parts: [{ bold: `Deletions (${deleted.length}), newest first` }] });
    blocks.push({
      type: 'items',
      items: deleted.map((d) => deletionItem(d, now, links)),
      noun: 'deletions',
      overflowHint: hint,
    });
  }
  if (attempts.length) {
    blocks.push({ type: 'text', parts: [{ bold: `Failed attempts (${attempts.length}), newest first` }] });
    blocks.push({
      type: 'items',
      items: attempts.map((d) => deletionItem(d, now, links)),
      noun: 'attempts',
      overflowHint: hint,
    });
  }
  blocks.push(...scopeBlocks({ range: q.range, search }, now));
  // The next questions about the newest deletion (or attempt), answered in this answer's thread.
  if (newest) blocks.push(...askButtons(eventFollowUps(newest.event), true));
  return { summary, blocks };
}

/** IP data older than this is said to be old in the answer. */
const GEO_OLD_MS = 90 * 86_400_000;

/**
 * What was searched, after every answer: source, range (and whether it was the default), regions,
 * accounts, events examined; the delivery-lag note when the range reaches the last minutes; warnings;
 * which IP databases the places come from, and whether they are old.
 */
export function scopeBlocks(
  a: { range: TimeRange; search: Omit<SearchResult, 'events'> },
  now: Date,
): DocBlock[] {
  const { range, search } = a;
  const blocks: DocBlock[] = [
    {
      type: 'context',
      parts: [
        'Searched ',
        { lit: search.scope.detail },
        ', ',
        ...rangeParts(range),
        range.defaulted ? ' (the default range; widen it with --since)' : '',
        '. Regions: ',
        ...some(search.scope.regions),
        '. Accounts: ',
        ...some(search.scope.accounts),
        `. ${plural(search.examined, 'event')} examined (source: ${search.scope.source}).`,
      ],
    },
  ];
  if (now.getTime() - range.end.getTime() < DELIVERY_LAG_MS) {
    blocks.push({
      type: 'context',
      parts: [
        'CloudTrail delivers events within about 5 minutes, sometimes 15: the last minutes may be missing.',
      ],
    });
  }
  if (search.coverage) blocks.push(coverageBlock(search.coverage));
  if (search.index)
    blocks.push({
      type: 'context',
      parts: [
        `Read ${plural(search.index.files, 'file')} from the index built `,
        { time: search.index.builtAt },
        ` and ${plural(search.index.raw, 'file')} delivered since raw.`,
      ],
    });
  // Which IP databases the places come from, and how old they are.
  if (search.geo)
    blocks.push({
      type: 'context',
      parts: [
        'Places: ',
        { lit: search.geo.about },
        ...(search.geo.builtAt && now.getTime() - search.geo.builtAt.getTime() > GEO_OLD_MS
          ? [
              `; the data is ${ago(search.geo.builtAt, now).replace(' ago', ' old')}: newer files give better answers (docs/geo.md)`,
            ]
          : []),
        '.',
      ],
    });
  // Warnings name files, regions and AWS errors: literals.
  for (const w of search.warnings) blocks.push({ type: 'context', parts: ['⚠ ', { lit: w }] });
  return blocks;
}

/** Runs of missing days shown before "and N more". */
const SHOWN_GAPS = 5;

/**
 * What the data read covers of the question: the files, and every asked day, region and account the
 * files held nothing of — so "not found" is never said over data that was not there to read.
 */
export function coverageBlock(c: Coverage): DocBlock {
  const gaps: string[] = [];
  if (c.missingDays.length)
    gaps.push(
      `days ${c.missingDays.slice(0, SHOWN_GAPS).join(', ')}${c.missingDays.length > SHOWN_GAPS ? ` and ${c.missingDays.length - SHOWN_GAPS} more spans` : ''}`,
    );
  if (c.missingRegions.length) gaps.push(`regions ${c.missingRegions.join(', ')}`);
  if (c.missingAccounts.length) gaps.push(`accounts ${c.missingAccounts.join(', ')}`);
  const files = plural(c.files, 'file');
  if (!gaps.length)
    return {
      type: 'context',
      parts: [`Coverage: ${files} read; every asked day, region and account had events.`],
    };
  return {
    type: 'context',
    parts: [
      `⚠ Not covered: the data read (${files}) holds no events for `,
      { lit: gaps.join('; ') },
      '. Nothing found there means nothing was there to read, not that nothing happened.',
    ],
  };
}
