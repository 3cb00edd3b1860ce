import type { Indicators } from '../trail/indicators.js';
import type { Doc, Inline } from './doc.js';
import { askButtons, type FollowUp } from './follow-ups.js';

/** The last part of an ARN, for a button's text: `alice`, `Deployer/i-0abc`, `table/Orders`. */
function short(arn: string): string {
  return arn
    .split(':')
    .slice(5)
    .join(':')
    .replace(/^(user|role|assumed-role)\//, '');
}

/** The questions a message's indicators lead to, principals and keys first. */
function questions(f: Indicators): FollowUp[] {
  return [
    ...f.principals.map((a) => ({ text: `Activity: ${short(a)}`, words: ['activity', a] })),
    ...f.keys.map((k) => ({ text: `Key ${k}`, words: ['key', k] })),
    ...f.ips.map((ip) => ({ text: `From ${ip}`, words: ['ip', ip] })),
    ...f.buckets.map((b) => ({ text: `Who deleted ${b}`, words: ['who-deleted', b] })),
    ...f.resources.map((a) => ({ text: `Who deleted ${short(a)}`, words: ['who-deleted', a] })),
  ];
}

/**
 * What "Investigate with Trailbot" found in a message, and a button for each question it leads to
 * (five at most; the rest are named with how to ask them). The answers go to this reply's thread.
 */
export function presentIndicators(f: Indicators): Doc {
  const all = questions(f);
  if (all.length === 0) {
    const text =
      'Nothing here to investigate: no ARN, access key id, IP address or bucket name in this message.';
    return { summary: [text], blocks: [{ type: 'text', parts: [text] }] };
  }
  const named: Inline[] = [];
  for (const [label, xs] of [
    ['principals', f.principals],
    ['access keys', f.keys],
    ['addresses', f.ips],
    ['buckets', f.buckets],
    ['other resources', f.resources],
  ] as const) {
    if (!xs.length) continue;
    named.push(`\n${label}: `);
    for (const [i, x] of xs.entries()) named.push(...(i ? [', '] : []), { lit: x });
  }
  const more = all.length > 5 ? all.length - 5 : 0;
  return {
    summary: [`Trailbot found ${all.length} thing${all.length === 1 ? '' : 's'} to ask about.`],
    blocks: [
      { type: 'text', parts: [{ bold: 'Found in this message:' }, ...named] },
      ...askButtons(all, true),
      ...(more
        ? [
            {
              type: 'context' as const,
              parts: [`…and ${more} more: ask about them with /trail (e.g. /trail activity <ARN>).`],
            },
          ]
        : []),
    ],
  };
}
