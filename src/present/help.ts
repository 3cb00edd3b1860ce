import type { Doc, DocBlock } from './doc.js';

/** What help needs of a subcommand. */
export interface HelpEntry {
  name: string;
  usage: string;
  summary: string;
}

/** Help generated from the command specs, so it never drifts from what the commands accept. */
export function presentHelp(entries: HelpEntry[], prefix: string, only?: HelpEntry): Doc {
  const list = only ? [only] : entries;
  const blocks: DocBlock[] = [
    { type: 'header', text: only ? `${prefix} ${only.name}` : `${prefix}: CloudTrail answers` },
  ];
  for (const e of list) {
    blocks.push({
      type: 'text',
      parts: [{ bold: e.name }, ` — ${e.summary}\nUsage: `, { lit: `${prefix} ${e.usage}` }],
    });
  }
  blocks.push({
    type: 'context',
    parts: [
      'Times: 7d, 24h, 90m, today, yesterday, or ISO dates (2026-11-20, 2026-11-20T13:00Z); all times UTC. ',
      `${prefix} help <subcommand> shows one.`,
    ],
  });
  return { summary: [`${prefix} help`], blocks };
}
