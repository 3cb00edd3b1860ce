import type { PostureResult } from '../posture/checks.js';
import { SEVERITIES } from '../severity.js';
import type { VerifyResult } from '../trail/verify.js';
import type { Doc, DocBlock, Inline } from './doc.js';
import { SEVERITY_MARK } from './severity.js';

function list(title: string, keys: string[], noun: string): DocBlock[] {
  if (!keys.length) return [];
  return [
    { type: 'text', parts: [{ bold: `${title} (${keys.length})` }] },
    { type: 'items', noun, items: keys.map((k) => [{ type: 'context', parts: [{ lit: k }] }]) },
  ];
}

/** The verify answer: a one-line verdict, then every problem named. */
export function presentVerify(r: VerifyResult): Doc {
  const problems = r.missing.length + r.altered.length + r.extra.length + r.chain.length + r.misplaced.length;
  const sig = r.signatures;
  const sigLine: Inline[] =
    'notChecked' in sig
      ? [
          '⚠ Signatures were not checked: ',
          { lit: sig.notChecked },
          '. Without them the digests show the files match the digests, not that CloudTrail wrote the digests.',
        ]
      : sig.invalid.length || sig.unsigned.length
        ? [
            `Signatures: ${sig.checked} checked, ${sig.invalid.length} invalid, ${sig.unsigned.length} not checkable.`,
          ]
        : [`Signatures: all ${sig.checked} digest signatures are valid.`];
  const verdict = !r.digests
    ? 'No digest files found: log file validation may be off, or this is not the archive.'
    : r.intact
      ? `✅ The logs are intact: ${r.logFilesChecked} log files match ${r.digests} signed digests, chained without a gap.`
      : problems
        ? `⚠ The logs cannot be trusted as they are: ${problems} problem${problems === 1 ? '' : 's'} found.`
        : `The log files match ${r.digests} digests (${r.logFilesChecked} files), but the signatures could not all be checked.`;
  return {
    summary: [verdict],
    blocks: [
      { type: 'text', parts: [{ bold: verdict }] },
      {
        type: 'context',
        parts: ['Checked ', { lit: r.where }, `: ${r.digests} digests, ${r.logFilesChecked} log files.`],
      },
      { type: 'context', parts: sigLine },
      ...list('Missing: listed in a digest, not in the archive', r.missing, 'missing files'),
      ...list('Altered: the SHA-256 differs from the digest’s', r.altered, 'altered files'),
      ...list('Extra: in the digests’ span, listed by none', r.extra, 'extra files'),
      ...list('Digest chain broken', r.chain, 'breaks'),
      ...list('Digests not where they were delivered, or unreadable', r.misplaced, 'digests'),
      ...('checked' in sig ? list('Invalid signatures', sig.invalid, 'digests') : []),
      ...('checked' in sig ? list('Signatures not checkable', sig.unsigned, 'digests') : []),
    ],
  };
}

const MARK = SEVERITY_MARK;

/** The posture answer: a one-line verdict first, each trail's delivery health, then the findings. */
export function presentPosture(r: PostureResult): Doc {
  const serious = r.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const counts = SEVERITIES.map((s) => [s, r.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const verdict = !r.trails
    ? `⚠ No trail at all in ${r.regions.join(', ')}: nothing is being recorded.`
    : serious.length
      ? `⚠ The trail has gaps: ${counts}.`
      : `✅ The trail can be trusted${r.findings.length ? ` (${counts} to improve)` : ''}${r.notChecked.length ? `, as far as could be checked (${r.notChecked.length} check${r.notChecked.length === 1 ? '' : 's'} not made)` : ''}.`;
  const blocks: DocBlock[] = [
    { type: 'text', parts: [{ bold: verdict }] },
    {
      type: 'context',
      parts: [
        'Account ',
        { lit: r.account },
        `, ${r.trails} trail${r.trails === 1 ? '' : 's'}, regions `,
        { lit: r.regions.join(', ') },
        '; checked ',
        { time: r.checkedAt },
        '.',
      ],
    },
    ...r.delivery.map(
      (d): DocBlock => ({
        type: 'context',
        parts: [
          { lit: d.trail },
          ' (',
          { lit: d.homeRegion },
          `): ${d.isLogging ? 'logging' : 'NOT logging'}, last delivery `,
          d.latestDelivery ? { time: d.latestDelivery } : 'never',
          ...(d.latestDeliveryError ? [', error ', { lit: d.latestDeliveryError }] : []),
        ],
      }),
    ),
  ];
  if (r.notChecked.length)
    blocks.push({
      type: 'items',
      noun: 'checks not made',
      items: r.notChecked.map((n) => [{ type: 'context', parts: ['⚠ Not checked: ', { lit: n.reason }] }]),
    });
  if (r.findings.length)
    blocks.push(
      { type: 'divider' },
      {
        type: 'items',
        noun: 'findings',
        items: r.findings.map((f) => [
          {
            type: 'text',
            parts: [`${MARK[f.severity]} `, { bold: f.severity.toUpperCase() }, ' ', { lit: f.title }],
          },
          { type: 'context', parts: [{ lit: f.evidence }, ` · ${f.standard} · id `, { lit: f.id }] },
          { type: 'code', text: f.remediation },
        ]),
      },
    );
  return { summary: [verdict], blocks };
}
