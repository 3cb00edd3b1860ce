import type { CheckId, Finding, FindingSeverity } from '../hygiene/checks.js';
import type { Digest, Mute, SnapshotFinding } from '../hygiene/digest.js';
import type { HygieneResult } from '../hygiene/service.js';
import { SEVERITIES as ALL_SEVERITIES } from '../severity.js';
import { ago } from '../time.js';
import { type Doc, type DocBlock, type Inline, person } from './doc.js';
import { SEVERITY_MARK } from './severity.js';

const MARK = SEVERITY_MARK;
/** Hygiene findings have no info level. */
const SEVERITIES = ALL_SEVERITIES.filter((s): s is FindingSeverity => s !== 'info');
/** Findings shown in full in a message; the rest are counted (and in the CSV file). */
export const SHOWN_FINDINGS = 15;

/** An owner: a Slack user id is mentioned; anything else (an unresolved email) shown as it is. */
function owner(o: string | undefined): Inline[] {
  if (!o) return [];
  return [' — owner ', person(o)];
}

function totalsLine(fs: { severity: FindingSeverity }[]): string {
  return SEVERITIES.map((s) => `${fs.filter((f) => f.severity === s).length} ${s}`).join(', ');
}

function findingItem(f: Finding): DocBlock[] {
  return [
    {
      type: 'text',
      parts: [
        `${MARK[f.severity]} `,
        { bold: f.severity.toUpperCase() },
        ' ',
        { lit: f.user },
        ` in ${f.account}: `,
        { lit: f.title },
        ...owner(f.owner),
      ],
    },
    { type: 'context', parts: [{ lit: f.evidence }, ` · ${f.standard} · id `, { lit: f.id }] },
    { type: 'code', text: f.remediation },
  ];
}

function reportLines(r: HygieneResult, now: Date): DocBlock[] {
  return r.accounts.map((a) =>
    a.ok
      ? {
          type: 'context',
          parts: [
            `Account ${a.account}: `,
            r.liveUser
              ? 'checked live just now'
              : r.reportFile
                ? `from the report file ${r.reportFile} (the file does not say when it was generated; ages are counted from `
                : 'credential report generated ',
            ...(r.liveUser
              ? []
              : r.reportFile
                ? [{ time: now }, ')']
                : [
                    { time: a.generatedAt },
                    ` (${ago(a.generatedAt, now)}; fixes made since show in the next report, or with --user)`,
                  ]),
          ],
        }
      : {
          type: 'text',
          parts: ['⚠ Account ', { lit: a.account }, ' could not be checked: ', { lit: a.error }],
        },
  );
}

/** A hygiene answer: totals, per-check counts, the worst findings with their evidence and fix. */
export function presentHygiene(r: HygieneResult, muted: number, now: Date): Doc {
  const fs = r.findings;
  const byCheck = new Map<CheckId, number>();
  for (const f of fs) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
  const headline = r.liveUser
    ? `Live check of ${r.liveUser}: ${fs.length ? `${fs.length} finding${fs.length === 1 ? '' : 's'}` : 'nothing to fix'}`
    : `IAM hygiene: ${fs.length} finding${fs.length === 1 ? '' : 's'} (${totalsLine(fs)})${muted ? `, ${muted} muted` : ''}`;
  const blocks: DocBlock[] = [{ type: 'header', text: headline }, ...reportLines(r, now)];
  if (byCheck.size)
    blocks.push({
      type: 'fields',
      fields: [...byCheck].map(([check, n]) => ({ label: check, value: [String(n)] })).slice(0, 10),
    });
  if (fs.length) {
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'items',
      noun: 'findings',
      overflowHint: 'every finding is in the CSV file (or run in the terminal with --csv)',
      items: fs.slice(0, SHOWN_FINDINGS).map(findingItem),
    });
    if (fs.length > SHOWN_FINDINGS)
      blocks.push({
        type: 'context',
        parts: [`…and ${fs.length - SHOWN_FINDINGS} more findings, all of them in the CSV file.`],
      });
  }
  return { summary: [headline], blocks };
}

/** A mute set, confirmed. */
export function presentMute(m: Mute): Doc {
  const text: Inline[] = [
    '🔕 Muted ',
    { lit: m.pattern },
    ' until ',
    { time: m.until },
    ': ',
    { lit: m.reason },
  ];
  return { summary: text, blocks: [{ type: 'text', parts: text }] };
}

function digestLine(f: SnapshotFinding, extra = ''): DocBlock {
  return {
    type: 'context',
    parts: [
      `${MARK[f.severity]} `,
      { lit: f.user },
      ` in ${f.account}: `,
      { lit: f.title },
      extra,
      ...owner(f.owner),
    ],
  };
}

function section(title: string, lines: DocBlock[], noun: string): DocBlock[] {
  return [
    { type: 'text', parts: [{ bold: title }] },
    lines.length
      ? { type: 'items', noun, items: lines.map((l) => [l]) }
      : { type: 'context', parts: ['none'] },
  ];
}

/** The weekly digest: totals, what changed since the last digest, what is still open and for how long. */
export function presentDigest(d: Digest): Doc {
  const open = SEVERITIES.reduce((n, s) => n + d.totals[s], 0);
  const headline = `Weekly IAM hygiene digest: ${open} open (${SEVERITIES.map((s) => `${d.totals[s]} ${s}`).join(', ')})`;
  const blocks: DocBlock[] = [
    { type: 'header', text: headline },
    {
      type: 'context',
      parts: [
        ...(d.previousAt
          ? ['Changes since the last digest, ', { time: d.previousAt }, '.']
          : ['The first digest: everything open is new.']),
        ' Taken ',
        { time: d.takenAt },
        '.',
      ],
    },
    ...section(
      `New since the last digest (${d.added.length})`,
      d.added.map((f) => digestLine(f)),
      'new findings',
    ),
    ...section(
      `Resolved since the last digest (${d.resolved.length})`,
      d.resolved.map((f) => digestLine(f)),
      'resolved findings',
    ),
    ...section(
      `Still open (${d.stillOpen.length})`,
      d.stillOpen.map((f) => digestLine(f, `, open ${f.ageDays} days`)),
      'open findings',
    ),
    {
      type: 'fields',
      fields: d.perAccount.slice(0, 10).map((a) => ({
        label: a.account,
        value: [`${a.open} open`, ...(a.generatedAt ? ['; report ', { time: a.generatedAt }] : [])],
      })),
    },
  ];
  if (d.posture) {
    const p = d.posture;
    blocks.push(
      { type: 'divider' },
      {
        type: 'text',
        parts: [
          {
            bold: `Trail posture: ${p.error ? 'not checked' : `${p.open} open finding${p.open === 1 ? '' : 's'}`}`,
          },
        ],
      },
    );
    if (p.error) blocks.push({ type: 'context', parts: ['⚠ The posture check failed: ', { lit: p.error }] });
    for (const t of p.delivery)
      blocks.push({
        type: 'context',
        parts: [
          { lit: t.trail },
          `: ${t.isLogging ? 'logging' : 'NOT logging'}, last delivery `,
          t.latestDelivery ? { time: t.latestDelivery } : 'never',
          ...(t.latestDeliveryError ? [', error ', { lit: t.latestDeliveryError }] : []),
        ],
      });
    const line = (f: { severity: string; title: string }): DocBlock => ({
      type: 'context',
      parts: [`${f.severity}: `, { lit: f.title }],
    });
    blocks.push(
      ...section(`New posture findings (${p.added.length})`, p.added.map(line), 'posture findings'),
      ...section(
        `Resolved posture findings (${p.resolved.length})`,
        p.resolved.map(line),
        'posture findings',
      ),
    );
  }
  for (const f of d.failed)
    blocks.push({
      type: 'text',
      parts: ['⚠ Account ', { lit: f.account }, ' could not be checked: ', { lit: f.error }],
    });
  blocks.push(
    ...section(
      `Suppressions (${d.mutes.length})`,
      d.mutes.map((m) => ({
        type: 'context' as const,
        parts: [
          { lit: m.pattern },
          ' — ',
          { lit: m.reason },
          ' — muted by ',
          person(m.by),
          ' on ',
          { time: m.at },
          ', until ',
          { time: m.until },
        ],
      })),
      'suppressions',
    ),
  );
  return { summary: [headline], blocks };
}
