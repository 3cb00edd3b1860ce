import type { GeoReport } from '../geo/report.js';
import { type Doc, type DocBlock, type Inline, span } from './doc.js';
import { plural, scopeBlocks } from './who-deleted.js';

/** Principals listed before "and N more". */
const PRINCIPALS_SHOWN = 15;
/** Places listed per principal. */
const PLACES_SHOWN = 8;

/**
 * Where principals acted from: per principal (those with something new first), each country and
 * network with its events, failures, first and last seen, new ones marked; then what was searched,
 * with the baseline read before the range and the IP databases used.
 */
export function presentGeo(r: GeoReport, now: Date): Doc {
  const fresh = r.principals.filter((p) => p.places.some((x) => x.isNew));
  const summary: Inline[] = r.principals.length
    ? [
        `${plural(r.principals.length, 'principal')} in `,
        { lit: r.subject },
        fresh.length ? `; ${plural(fresh.length, 'principal')} acted from somewhere new.` : '; nothing new.',
      ]
    : ['No events with an address: ', { lit: r.subject }, '.'];
  const items: DocBlock[][] = r.principals.slice(0, PRINCIPALS_SHOWN).map((p) => {
    const lines: Inline[] = [{ lit: p.display }];
    if (p.display !== p.principal) lines.push(' ', { lit: p.principal });
    if (!p.hasBaseline) lines.push(' — no events before the range: nothing can be new');
    for (const x of p.places.slice(0, PLACES_SHOWN)) {
      lines.push(
        '\n  ',
        x.isNew ? (x.newCountry ? '🆕 new country ' : '🆕 new network ') : '',
        ...(x.country ? [{ flag: x.country }, { lit: x.country }] : ['country unknown']),
        ...(x.asn !== undefined ? [' · ', { lit: `AS${x.asn}${x.org ? ` ${x.org}` : ''}` }] : []),
        ` — ${plural(x.events, 'event')}${x.failures ? `, ${x.failures} failed` : ''}; `,
        ...span(x.first, x.last),
      );
    }
    if (p.places.length > PLACES_SHOWN) lines.push(`\n  …and ${p.places.length - PLACES_SHOWN} more places`);
    if (p.elsewhere) lines.push(`\n  ${plural(p.elsewhere, 'event')} from private, AWS or service addresses`);
    return [{ type: 'text', parts: lines }];
  });
  const blocks: DocBlock[] = [
    { type: 'header', text: 'Where principals acted from' },
    { type: 'text', parts: [{ bold: 'Question: ' }, { lit: r.subject }] },
    { type: 'text', parts: [{ bold: 'Answer: ' }, ...summary] },
  ];
  if (items.length)
    blocks.push({
      type: 'items',
      items,
      noun: 'principals',
      overflowHint: 'name one to see it alone: geo <principal>',
    });
  if (r.principals.length > PRINCIPALS_SHOWN)
    blocks.push({
      type: 'context',
      parts: [`…and ${r.principals.length - PRINCIPALS_SHOWN} more principals.`],
    });
  blocks.push({
    type: 'context',
    parts: [
      'New: first seen in the range, not in the baseline read before it (',
      ...span(r.baseline.start, r.baseline.end),
      ').',
    ],
  });
  blocks.push(...scopeBlocks({ range: { ...r.range, start: r.baseline.start }, search: r.search }, now));
  return { summary, blocks };
}
