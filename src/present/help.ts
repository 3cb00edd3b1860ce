import type { Doc, DocBlock } from './doc.js';
import { askButtons, type FollowUp } from './follow-ups.js';

/** The questions help offers as buttons. */
const COMMON_QUESTIONS: FollowUp[] = [
  { text: 'Failed logins, 24 h', words: ['logins', '--failed', '--since', '24h'] },
  { text: 'Access denied, 24 h', words: ['denied', '--since', '24h'] },
  { text: 'Root use, 7 days', words: ['root', '--since', '7d'] },
  { text: 'IAM changes, 24 h', words: ['iam-changes', '--since', '24h'] },
  { text: 'Tampering, 7 days', words: ['tampering', '--since', '7d'] },
];

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
      'Times: 7d, 24h, 90m, today, yesterday, or ISO dates (2026-11-20, 2026-11-20T13:00Z), read as UTC; ',
      'answers in Slack show times in your own zone, the terminal in UTC (or --tz <zone>). ',
      `In Slack, --private answers you alone, with a button to share. ${prefix} help <subcommand> shows one.`,
    ],
  });
  // The common questions, one click away (Slack only).
  if (!only) blocks.push(...askButtons(COMMON_QUESTIONS, false));
  return { summary: [`${prefix} help`], blocks };
}
