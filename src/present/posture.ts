import type { VerifyResult } from '../trail/verify.js';
import type { Doc, DocBlock, Inline } from './doc.js';

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
